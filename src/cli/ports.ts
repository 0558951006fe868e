/**
 * docker's DisplayablePorts: a container's ports as `ps` and `system df -v` show them. Ports
 * published on the same host port number are grouped into ranges per address and protocol
 * (`0.0.0.0:8000-8001->8000-8001/tcp`, `80/tcp`); ports published elsewhere are listed after
 * them (`127.0.0.1:8080->80/tcp`).
 */

export interface ContainerPort {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

/** net.JoinHostPort: brackets around IPv6 addresses. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function formGroup(key: string, first: number, last: number): string {
  const parts = key.split('/');
  const ip = parts.length > 1 ? (parts[0] as string) : '';
  const type = parts.length > 1 ? (parts[1] as string) : (parts[0] as string);
  let group = first === last ? String(first) : `${first}-${last}`;
  if (ip !== '') group = `${joinHostPort(ip, group)}->${group}`;
  return `${group}/${type}`;
}

function comparePorts(a: ContainerPort, b: ContainerPort): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  const [ai, bi] = [a.IP ?? '', b.IP ?? ''];
  if (ai !== bi) return ai < bi ? -1 : 1;
  const [ap, bp] = [a.PublicPort ?? 0, b.PublicPort ?? 0];
  if (ap !== bp) return ap - bp;
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}

export function displayablePorts(ports: readonly ContainerPort[]): string {
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const port of [...ports].sort(comparePorts)) {
    const current = port.PrivatePort;
    let key = port.Type;
    if (port.IP) {
      if ((port.PublicPort ?? 0) !== current) {
        hostMappings.push(`${joinHostPort(port.IP, String(port.PublicPort ?? 0))}->${current}/${port.Type}`);
        continue;
      }
      key = `${port.IP}/${port.Type}`;
    }
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, { first: current, last: current });
    } else if (current === group.last + 1) {
      group.last = current;
    } else {
      result.push(formGroup(key, group.first, group.last));
      // A Map keeps the key's first position, as docker's list of group keys does.
      groups.set(key, { first: current, last: current });
    }
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...hostMappings].join(', ');
}
