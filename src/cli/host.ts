/**
 * Which engine to talk to, decided as the docker CLI does: `-H/--host`, then `LADING_HOST`,
 * then `DOCKER_HOST` (so lading drops in where docker is configured), then lading's own socket.
 * There are no contexts; `--context` is deliberately not a flag.
 */

export const DEFAULT_UNIX_SOCKET = '/run/lading/lading.sock';
export const DEFAULT_HOST = `unix://${DEFAULT_UNIX_SOCKET}`;
const DEFAULT_TCP_HOST = 'localhost';
const DEFAULT_TCP_PORT = 2375;
const DEFAULT_TLS_PORT = 2376;

export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string; url: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean; url: string };

/** A bad -H value; reported as "Failed to initialize: unable to resolve lading endpoint: …". */
export class HostError extends Error {
  override readonly name = 'HostError';
}

/** Picks the host string by precedence. `flagHosts` holds every -H given (docker allows one). */
export function resolveHost(
  flagHosts: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (flagHosts.length > 1) throw new HostError('Specify only one -H');
  const fromFlag = flagHosts[0];
  if (fromFlag !== undefined && fromFlag !== '') return fromFlag;
  for (const name of ['LADING_HOST', 'DOCKER_HOST']) {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
  }
  return DEFAULT_HOST;
}

/**
 * Parses `unix:///path`, `tcp://host:port` or a bare `host:port` (tcp, as docker reads it).
 * A bare absolute path is taken as a unix socket: docker would read it as a tcp path, which is
 * never what anyone means.
 */
export function parseHost(raw: string, tls = false): EngineEndpoint {
  const value = raw.trim();
  if (value === '') return parseHost(DEFAULT_HOST, tls);
  if (value.startsWith('/')) return { kind: 'unix', socketPath: value, url: `unix://${value}` };
  const sep = value.indexOf('://');
  const proto = sep === -1 ? 'tcp' : value.slice(0, sep).toLowerCase();
  const rest = sep === -1 ? value : value.slice(sep + 3);
  switch (proto) {
    case 'unix': {
      const socketPath = rest === '' ? DEFAULT_UNIX_SOCKET : rest;
      return { kind: 'unix', socketPath, url: `unix://${socketPath}` };
    }
    case 'tcp': {
      if (rest.includes('/') && !rest.endsWith('/'))
        throw new HostError(`invalid bind address format: ${raw}`);
      const hostPort = rest.replace(/\/$/, '');
      let host: string;
      let portText: string;
      const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(hostPort);
      if (bracket) {
        host = bracket[1] as string;
        portText = bracket[2] ?? '';
      } else {
        const colon = hostPort.lastIndexOf(':');
        host = colon === -1 ? hostPort : hostPort.slice(0, colon);
        portText = colon === -1 ? '' : hostPort.slice(colon + 1);
      }
      if (host === '') host = DEFAULT_TCP_HOST;
      const port = portText === '' ? (tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT) : Number(portText);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) {
        throw new HostError(`invalid bind address format: ${raw}`);
      }
      const shown = host.includes(':') ? `[${host}]` : host;
      return { kind: 'tcp', host, port, tls, url: `tcp://${shown}:${port}` };
    }
    case 'ssh':
    case 'npipe':
    case 'fd':
      throw new HostError(`${proto}:// hosts are not supported by lading: ${raw}`);
    default:
      throw new HostError(`invalid bind address format: ${raw}`);
  }
}
