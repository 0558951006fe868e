/** A complete container record for tests, built the way create builds one. */
import type { ContainerCreateRequest } from '../../api/types/index.js';
import type { ContainerRecord } from './container-record.js';
import { newState } from './container-state.js';
import { mergeContainerConfig } from './create-config.js';
import { normalizeHostConfig } from './host-config.js';
import { emptyNetworkSettings } from './network-projection.js';

export function testRecord(
  id: string,
  name: string,
  created: string,
  request: ContainerCreateRequest = { Image: 'busybox', Cmd: ['sh'] },
): ContainerRecord {
  const merged = mergeContainerConfig(request, { Env: ['PATH=/usr/bin:/bin'], Cmd: ['sh'] }, id);
  return {
    ID: id,
    Created: created,
    Path: merged.path,
    Args: merged.args,
    Config: merged.config,
    State: newState(),
    Image: `sha256:${'ab'.repeat(32)}`,
    NetworkSettings: emptyNetworkSettings(),
    LogPath: `/var/lib/lading/containers/${id}/${id}-json.log`,
    Name: name,
    Driver: 'overlay2',
    OS: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    RestartCount: 0,
    HasBeenStartedBefore: false,
    HasBeenManuallyStopped: false,
    MountPoints: {},
    AppArmorProfile: '',
    HostnamePath: '',
    HostsPath: '',
    ShmPath: '',
    ResolvConfPath: '',
    SeccompProfile: '',
    NoNewPrivileges: false,
    HostConfig: normalizeHostConfig(request.HostConfig),
  };
}

/** A 64-hex id from a short distinctive prefix. */
export function testId(prefix: string): string {
  return prefix.padEnd(64, '0');
}
