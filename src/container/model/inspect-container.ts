/**
 * GET /containers/{id}/json: the record as dockerd's inspect prints it (moby daemon/inspect.go),
 * keys in its order. State, Config, HostConfig and NetworkSettings are never null; ExecIDs is
 * null when there are none; SizeRw/SizeRootFs only with `size=1`.
 */
import type { ContainerConfig, ContainerInspect, MountPoint } from '../../api/types/index.js';
import type { ContainerRecord } from './container-record.js';
import { inspectState } from './container-state.js';
import { completeHostConfig } from './host-config.js';
import { inspectNetworkSettings } from './network-projection.js';
import { compareBytes, sortedMap } from './sorted-map.js';
import { inspectMountPoint } from '../volumes/mount-point.js';

export interface InspectExtras {
  /** From the layer store: `{Name:"overlay2", Data:{LowerDir, MergedDir, UpperDir, WorkDir}}`. */
  graphDriver: { Name: string; Data: Record<string, string> };
  sizeRw?: number;
  sizeRootFs?: number;
  /** Ids of the container's exec instances. */
  execIds: string[];
}

/** Mount points in Go's field order (Name and Driver omitted when empty), by destination. */
export function mountPointList(record: ContainerRecord): MountPoint[] {
  return Object.values(record.MountPoints ?? {})
    .map((m) => inspectMountPoint(m))
    .sort((a, b) => compareBytes(a.Destination, b.Destination));
}

/** A stored Config with its keys in dockerd's order and maps sorted as Go prints them. */
export function orderedConfig(config: ContainerConfig): ContainerConfig {
  const c = config;
  const present = <K extends keyof ContainerConfig>(key: K): Partial<ContainerConfig> =>
    c[key] === undefined ? {} : { [key]: c[key] };
  return {
    Hostname: c.Hostname ?? '',
    Domainname: c.Domainname ?? '',
    User: c.User ?? '',
    AttachStdin: c.AttachStdin ?? false,
    AttachStdout: c.AttachStdout ?? false,
    AttachStderr: c.AttachStderr ?? false,
    ...(c.ExposedPorts !== undefined && c.ExposedPorts !== null && Object.keys(c.ExposedPorts).length > 0
      ? { ExposedPorts: sortedMap(c.ExposedPorts) }
      : {}),
    Tty: c.Tty ?? false,
    OpenStdin: c.OpenStdin ?? false,
    StdinOnce: c.StdinOnce ?? false,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
    ...present('Healthcheck'),
    ...present('ArgsEscaped'),
    Image: c.Image ?? '',
    Volumes: c.Volumes === undefined || c.Volumes === null ? null : sortedMap(c.Volumes),
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    ...present('NetworkDisabled'),
    ...present('MacAddress'),
    OnBuild: c.OnBuild ?? null,
    Labels: sortedMap(c.Labels ?? {}),
    ...present('StopSignal'),
    ...present('StopTimeout'),
    ...present('Shell'),
  };
}

export function inspectContainer(record: ContainerRecord, extras: InspectExtras): ContainerInspect {
  return {
    Id: record.ID,
    Created: record.Created,
    Path: record.Path,
    Args: record.Args,
    State: inspectState(record),
    Image: record.Image,
    ResolvConfPath: record.ResolvConfPath,
    HostnamePath: record.HostnamePath,
    HostsPath: record.HostsPath,
    LogPath: record.LogPath,
    Name: record.Name,
    RestartCount: record.RestartCount,
    Driver: record.Driver,
    Platform: record.OS !== '' ? record.OS : 'linux',
    MountLabel: record.MountLabel,
    ProcessLabel: record.ProcessLabel,
    AppArmorProfile: record.AppArmorProfile,
    ExecIDs: extras.execIds.length > 0 ? [...extras.execIds] : null,
    HostConfig: completeHostConfig(record.HostConfig),
    GraphDriver: { Data: sortedMap(extras.graphDriver.Data), Name: extras.graphDriver.Name },
    ...(extras.sizeRw !== undefined ? { SizeRw: extras.sizeRw } : {}),
    ...(extras.sizeRootFs !== undefined ? { SizeRootFs: extras.sizeRootFs } : {}),
    Mounts: mountPointList(record),
    Config: orderedConfig(record.Config),
    NetworkSettings: inspectNetworkSettings(record.NetworkSettings),
  };
}
