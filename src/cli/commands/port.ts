/**
 * `lading port CONTAINER [PRIVATE_PORT[/PROTO]]`: the published ports from inspect's
 * NetworkSettings.Ports, as docker prints them: every mapping as `80/tcp -> 0.0.0.0:8080`, or
 * for one private port (tcp unless a protocol is given) just its `host:port` bindings, sorted
 * in natural order.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';

type PortBindings = Record<string, { HostIp?: string; HostPort?: string }[] | null>;

interface PortInspect {
  NetworkSettings?: { Ports?: PortBindings | null } | null;
}

/** Go's net.JoinHostPort: IPv6 addresses in brackets. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Natural order (runs of digits compare as numbers), as docker's sortorder.NaturalLess. */
export function naturalCompare(a: string, b: string): number {
  const chunks = (s: string): string[] => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a);
  const y = chunks(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] ?? '';
    const q = y[i] ?? '';
    if (p === q) continue;
    const numeric = /^\d/.test(p) && /^\d/.test(q);
    if (numeric && Number(p) !== Number(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

export function portLines(ports: PortBindings, container: string, privatePort?: string): string[] {
  const out: string[] = [];
  if (privatePort !== undefined) {
    const [port = '', proto = 'tcp'] = privatePort.split(/\/(.*)/s);
    if (!/^\d+$/.test(port) || Number(port) > 65535) {
      const reason = /^\d+$/.test(port) ? 'value out of range' : 'invalid syntax';
      throw new StatusError(
        `Error: invalid port (${port}): strconv.ParseUint: parsing "${port}": ${reason}`,
        EXIT_FAILURE,
      );
    }
    const frontends = ports[`${port}/${proto === '' ? 'tcp' : proto}`];
    if (!frontends) {
      throw new StatusError(
        `Error: No public port '${privatePort}' published for ${container}`,
        EXIT_FAILURE,
      );
    }
    for (const f of frontends) out.push(joinHostPort(f.HostIp ?? '', f.HostPort ?? ''));
  } else {
    for (const [from, frontends] of Object.entries(ports)) {
      for (const f of frontends ?? [])
        out.push(`${from} -> ${joinHostPort(f.HostIp ?? '', f.HostPort ?? '')}`);
    }
  }
  return out.sort(naturalCompare);
}

export function portCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('port');
  return cmd
    .usage('CONTAINER [PRIVATE_PORT[/PROTO]]')
    .description('List port mappings or a specific mapping for the container')
    .argument('[args...]')
    .action(async (args: string[]) => {
      cmd.checkArgs(args, { min: 1, max: 2 });
      const [container = '', privatePort] = args;
      const c = await ctx.client().get<PortInspect>(`/containers/${container}/json`);
      const lines = portLines(c.NetworkSettings?.Ports ?? {}, container, privatePort);
      if (lines.length > 0) ctx.stdout.write(`${lines.join('\n')}\n`);
    }) as LadingCommand;
}
