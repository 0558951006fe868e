/**
 * EXPOSE's port specs (moby's copy of go-connections nat.ParsePortSpecs): `80`, `80/udp`,
 * `8000-8010/tcp`, and the `ip:host:container` forms run accepts, of which only the
 * container side is exposed. Keys come out as Docker stores them: `80/tcp`.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../errors/index.js';
import { goQuote } from './go-text.js';

const fail = (message: string): InvalidArgumentError => new InvalidArgumentError(message);

function splitParts(raw: string): { ip: string; hostPort: string; containerPort: string } {
  const parts = raw.split(':');
  switch (parts.length) {
    case 1:
      return { ip: '', hostPort: '', containerPort: parts[0]! };
    case 2:
      return { ip: '', hostPort: parts[0]!, containerPort: parts[1]! };
    case 3:
      return { ip: parts[0]!, hostPort: parts[1]!, containerPort: parts[2]! };
    default:
      return {
        ip: parts.slice(0, -2).join(':'),
        hostPort: parts[parts.length - 2]!,
        containerPort: parts[parts.length - 1]!,
      };
  }
}

/** A port number as Go's strconv.ParseUint(s, 10, 16) reads it; undefined when invalid. */
function portNumber(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n > 65535 ? undefined : n;
}

/** `start[-end]`; undefined when invalid (buildkit words the error at the call site). */
function portRange(s: string): { start: number; end: number } | undefined {
  if (s === '') return undefined;
  const range = s.split('/')[0]!;
  const dash = range.indexOf('-');
  const startText = dash < 0 ? range : range.slice(0, dash);
  const endText = dash < 0 ? range : range.slice(dash + 1);
  const start = portNumber(startText);
  if (start === undefined) return undefined;
  if (dash < 0 || startText === endText) return { start, end: start };
  const end = portNumber(endText);
  if (end === undefined || end < start) return undefined;
  return { start, end };
}

function checkIp(ip: string): void {
  if (ip === '') return;
  let address = ip;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0 || close !== address.length - 1) {
      throw fail(`invalid IP address ${ip}: address ${ip}:: missing port in address`);
    }
    address = address.slice(1, close);
  }
  if (address !== '' && isIP(address) === 0) {
    throw fail(`invalid IP address: ParseAddr(${goQuote(address)}): unable to parse IP`);
  }
}

/** The exposed-port keys one spec stands for (`80-81` → `80/tcp`, `81/tcp`). */
export function parsePortSpec(raw: string): string[] {
  const { ip, hostPort, containerPort: withProto } = splitParts(raw);
  const slash = withProto.indexOf('/');
  const containerPort = slash < 0 ? withProto : withProto.slice(0, slash);
  let proto = slash < 0 ? '' : withProto.slice(slash + 1);
  if (containerPort === '') throw fail(`no port specified: ${raw}<empty>`);
  proto = (proto === '' ? 'tcp' : proto).toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw fail(`invalid proto: ${proto}`);
  checkIp(ip);
  const container = portRange(containerPort);
  if (!container) throw fail(`invalid containerPort: ${containerPort}`);
  if (hostPort !== '') {
    const host = portRange(hostPort);
    if (!host) throw fail(`invalid hostPort: ${hostPort}`);
    // A host range is allowed only for a single container port (dynamic allocation).
    if (container.end - container.start !== host.end - host.start && container.end !== container.start) {
      throw fail(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
    }
  }
  const keys: string[] = [];
  for (let port = container.start; port <= container.end; port++) keys.push(`${port}/${proto}`);
  return keys;
}

/** Every exposed-port key of the specs, in order, without repeats. */
export function parsePortSpecs(specs: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const spec of specs) for (const key of parsePortSpec(spec)) keys.add(key);
  return [...keys];
}
