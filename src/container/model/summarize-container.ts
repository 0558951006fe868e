/**
 * One row of GET /containers/json (moby container/view.go transform): Command is Path and
 * Args joined by spaces, each argument containing a space wrapped in single quotes
 * (`sh -c 'echo hi'`, with no escaping of quotes inside, as Docker); Ports are listed from
 * NetworkSettings.Ports, one row per binding or one unbound row per port.
 */
import type { ContainerPort, ContainerSummary } from '../../api/types/index.js';
import type { ContainerRecord } from './container-record.js';
import { stateStatus, statusString } from './container-state.js';
import { goTimeUnixSeconds } from './go-time.js';
import { mountPointList } from './inspect-container.js';
import { summaryNetworks } from './network-projection.js';
import { compareBytes, sortedMap } from './sorted-map.js';

export interface SummaryExtras {
  /** Every name of the container (Docker lists link aliases too); default [record.Name]. */
  names?: string[];
  /** With `size=1`; Go omits zero sizes from the row. */
  sizeRw?: number;
  sizeRootFs?: number;
}

export function commandString(path: string, args: string[]): string {
  if (args.length === 0) return path;
  return `${path} ${args.map((arg) => (arg.includes(' ') ? `'${arg}'` : arg)).join(' ')}`;
}

function portNumber(text: string): number | undefined {
  return /^[0-9]+$/.test(text) && Number(text) <= 65535 ? Number(text) : undefined;
}

/** ps's Ports, ordered by port key then binding (Go's map order is random; ours is stable). */
export function summaryPorts(record: ContainerRecord): ContainerPort[] {
  const ports: ContainerPort[] = [];
  const keys = Object.keys(record.NetworkSettings?.Ports ?? {}).sort(compareBytes);
  for (const key of keys) {
    const [portText = '', proto = 'tcp'] = key.split('/');
    const privatePort = portNumber(portText);
    if (privatePort === undefined) continue;
    const bindings = record.NetworkSettings.Ports[key] ?? [];
    if (bindings.length === 0) {
      ports.push({ PrivatePort: privatePort, Type: proto });
      continue;
    }
    for (const binding of bindings) {
      const publicPort = binding.HostPort === '' ? 0 : portNumber(binding.HostPort);
      if (publicPort === undefined) continue;
      ports.push({
        ...(binding.HostIp !== '' ? { IP: binding.HostIp } : {}),
        PrivatePort: privatePort,
        ...(publicPort !== 0 ? { PublicPort: publicPort } : {}),
        Type: proto,
      });
    }
  }
  return ports;
}

/**
 * `imageName` is what ps shows in IMAGE: the name the container was created with while it
 * still resolves to the container's image, else the image id (the caller decides, as
 * moby's refreshImage).
 */
export function summarizeContainer(
  record: ContainerRecord,
  imageName: string,
  now: number = Date.now(),
  extras: SummaryExtras = {},
): ContainerSummary {
  const networkMode = record.HostConfig?.NetworkMode ?? '';
  const annotations = record.HostConfig?.Annotations;
  return {
    Id: record.ID,
    Names: extras.names ?? (record.Name !== '' ? [record.Name] : []),
    Image: imageName,
    ImageID: record.Image,
    Command: commandString(record.Path, record.Args),
    Created: goTimeUnixSeconds(record.Created),
    Ports: summaryPorts(record),
    ...(extras.sizeRw ? { SizeRw: extras.sizeRw } : {}),
    ...(extras.sizeRootFs ? { SizeRootFs: extras.sizeRootFs } : {}),
    Labels: sortedMap(record.Config.Labels ?? {}),
    State: stateStatus(record.State),
    Status: statusString(record, now),
    HostConfig: {
      ...(networkMode !== '' ? { NetworkMode: networkMode } : {}),
      ...(annotations !== undefined && Object.keys(annotations).length > 0
        ? { Annotations: sortedMap(annotations) }
        : {}),
    } as ContainerSummary['HostConfig'],
    NetworkSettings: { Networks: summaryNetworks(record.NetworkSettings) },
    Mounts: mountPointList(record),
  };
}
