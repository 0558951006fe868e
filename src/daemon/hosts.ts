/**
 * The "hosts" setting (-H): where the API listens. Accepted forms, as dockerd's:
 *   unix:///path/to.sock   (unix:// alone means the default socket)
 *   tcp://host:port        (only with TLS: an unauthenticated TCP API is root for anyone
 *                           who can reach the port)
 * fd:// (systemd socket activation) is not supported.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { InvalidArgumentError, NotImplementedError } from '../errors/index.js';
import { DEFAULT_HOST } from './config/index.js';

export type ListenAddress =
  { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number; url: string };

/** Docker's conventional ports: 2376 with TLS, 2375 without. */
const DEFAULT_TLS_PORT = 2376;

export function parseHost(host: string, tls: boolean): ListenAddress {
  if (host.startsWith('unix://')) {
    const path = host.slice('unix://'.length) || DEFAULT_HOST.slice('unix://'.length);
    if (!isAbsolute(path))
      throw new InvalidArgumentError(`invalid host ${host}: the socket path must be absolute`);
    return { kind: 'unix', path };
  }
  if (host.startsWith('fd://')) {
    throw new NotImplementedError(
      `listening on ${host} (systemd socket activation) is not supported; use unix://`,
    );
  }
  if (host.startsWith('tcp://')) {
    const rest = host.slice('tcp://'.length).replace(/\/$/, '');
    const m = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(rest);
    if (!m) throw new InvalidArgumentError(`invalid host ${host}: expected tcp://host:port`);
    const hostname = m[1] ?? (m[2] || '0.0.0.0');
    const port = m[3] !== undefined ? Number(m[3]) : DEFAULT_TLS_PORT;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new InvalidArgumentError(`invalid host ${host}: port must be between 1 and 65535`);
    }
    const url = `tcp://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
    if (!tls) {
      throw new InvalidArgumentError(
        `refusing to listen on ${url} without TLS: set "tls": true, "tlscert" and "tlskey"`,
      );
    }
    return { kind: 'tcp', host: hostname, port, url };
  }
  throw new InvalidArgumentError(`invalid host ${host}: must start with unix:// or tcp://`);
}

/** The gid of group `name` from /etc/group, or undefined if there is no such group. */
export async function groupId(name: string, groupFile = '/etc/group'): Promise<number | undefined> {
  const text = await readFile(groupFile, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [group, , gid] = line.split(':');
    if (group === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}
