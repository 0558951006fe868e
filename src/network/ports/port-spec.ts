/**
 * Published-port specs as the daemon receives and checks them.
 *
 * - `parsePortSpec` reads one `-p [ip:][hostPort:]containerPort[/tcp|udp|sctp]` value into
 *   Docker's PortBindings entries, with the wording of go-connections' nat.ParsePortSpec
 *   (what the docker CLI uses before it sends the create request).
 * - `publishRequests` is the daemon side: it takes a container's `HostConfig.PortBindings`
 *   (and `-P` with `Config.ExposedPorts`) as stored and turns them into the concrete requests
 *   the allocator and proxies work on, as moby's buildPortsRelatedCreateEndpointOptions does:
 *   an empty HostPort means an ephemeral port, `8000-8010` a port chosen in that range.
 *
 * The types here are structurally Docker's (`{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}`)
 * but owned by this module, which may not import api/types.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../../errors/index.js';

export const PORT_PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
export type PortProtocol = (typeof PORT_PROTOCOLS)[number];

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** `{"80/tcp": [{HostIp, HostPort}]}`; a null or empty list means "exposed, not published". */
export type PortMap = Record<string, PortBinding[] | null>;

/** One published port as the allocator sees it. */
export interface PortRequest {
  proto: PortProtocol;
  containerPort: number;
  /** The host address as given; '' means every address (0.0.0.0). */
  hostIp: string;
  /** 0 and 0: an ephemeral port. start === end: exactly that port. Otherwise: one in the range. */
  hostPortStart: number;
  hostPortEnd: number;
}

export interface PortSpecMapping {
  /** `80/tcp` */
  port: string;
  binding: PortBinding;
}

const fail = (message: string): InvalidArgumentError => new InvalidArgumentError(message);

function isProtocol(value: string): value is PortProtocol {
  return (PORT_PROTOCOLS as readonly string[]).includes(value);
}

/** strconv.ParseUint(s, 10, 16): digits only, at most 65535. */
function portNumber(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n > 65535 ? undefined : n;
}

/** `80` or `8000-8010` → [start, end]; undefined when malformed or reversed. */
export function parsePortRange(text: string): [number, number] | undefined {
  const dash = text.indexOf('-');
  if (dash < 0) {
    const port = portNumber(text);
    return port === undefined ? undefined : [port, port];
  }
  const start = portNumber(text.slice(0, dash));
  const end = portNumber(text.slice(dash + 1));
  if (start === undefined || end === undefined || end < start) return undefined;
  return [start, end];
}

/** nat's splitParts: `ip:host:container`, an unbracketed IPv6 address keeps its colons. */
function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  if (parts.length === 1) return ['', '', parts[0]!];
  if (parts.length === 2) return ['', parts[0]!, parts[1]!];
  if (parts.length === 3) return [parts[0]!, parts[1]!, parts[2]!];
  return [parts.slice(0, -2).join(':'), parts[parts.length - 2]!, parts[parts.length - 1]!];
}

/** nat.ParsePortSpec: one `-p` value → the port keys and bindings it stands for. */
export function parsePortSpec(raw: string): PortSpecMapping[] {
  const parts = splitParts(raw);
  const hostPort = parts[1];
  let [ip, , containerPort] = parts;
  const slash = containerPort.indexOf('/');
  let proto = 'tcp';
  if (slash >= 0) {
    proto = containerPort.slice(slash + 1) || 'tcp';
    containerPort = containerPort.slice(0, slash);
  }
  if (containerPort === '') throw fail(`no port specified: ${raw}<empty>`);
  proto = proto.toLowerCase();
  if (!isProtocol(proto)) throw fail(`invalid proto: ${proto}`);
  if (ip.startsWith('[')) {
    if (!ip.endsWith(']')) throw fail(`invalid IP address ${ip}: address ${ip}:: missing ']' in address`);
    ip = ip.slice(1, -1);
  }
  if (ip !== '' && isIP(ip) === 0) throw fail(`invalid IP address: ${ip}`);
  const container = parsePortRange(containerPort);
  if (container === undefined) throw fail(`invalid containerPort: ${containerPort}`);
  let host: [number, number] | undefined;
  if (hostPort !== '') {
    host = parsePortRange(hostPort);
    if (host === undefined) throw fail(`invalid hostPort: ${hostPort}`);
    // A host range with a single container port is the range to pick a free port from.
    if (container[1] - container[0] !== host[1] - host[0] && container[1] !== container[0]) {
      throw fail(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
    }
  }
  const count = container[1] - container[0] + 1;
  const mappings: PortSpecMapping[] = [];
  for (let i = 0; i < count; i++) {
    let hp = '';
    if (host !== undefined) {
      hp = String(host[0] + i);
      if (count === 1 && host[0] !== host[1]) hp += `-${host[1]}`;
    }
    mappings.push({ port: `${container[0] + i}/${proto}`, binding: { HostIp: ip, HostPort: hp } });
  }
  return mappings;
}

/** nat.ParsePortSpecs: several `-p` values → ExposedPorts and PortBindings. */
export function parsePortSpecs(raws: readonly string[]): {
  exposedPorts: Record<string, Record<string, never>>;
  portBindings: PortMap;
} {
  const exposedPorts: Record<string, Record<string, never>> = {};
  const portBindings: PortMap = {};
  for (const raw of raws) {
    for (const { port, binding } of parsePortSpec(raw)) {
      exposedPorts[port] = {};
      (portBindings[port] ??= []).push(binding);
    }
  }
  return { exposedPorts, portBindings };
}

/** A PortMap key (`80/tcp`, `53/udp`, `80` = tcp) → protocol and port. */
export function parsePortKey(key: string): { proto: PortProtocol; port: number } {
  const slash = key.indexOf('/');
  const number = slash < 0 ? key : key.slice(0, slash);
  const proto = slash < 0 || key.slice(slash + 1) === '' ? 'tcp' : key.slice(slash + 1).toLowerCase();
  const port = portNumber(number);
  if (port === undefined || port === 0) throw fail(`invalid port specification: ${JSON.stringify(number)}`);
  if (!isProtocol(proto)) throw fail(`invalid proto: ${proto}`);
  return { proto, port };
}

export interface PublishRequestInput {
  /** HostConfig.PortBindings. */
  portBindings: PortMap | null | undefined;
  /** HostConfig.PublishAllPorts (`-P`). */
  publishAll?: boolean;
  /** Config.ExposedPorts; with publishAll each one without a binding gets an ephemeral port. */
  exposedPorts?: Record<string, unknown> | null;
}

/**
 * The daemon's reading of a container's port settings: one request per binding, plus one
 * ephemeral request for each exposed port without a binding when `-P` is set. Sorted by
 * protocol and container port so allocation is deterministic.
 */
export function publishRequests(input: PublishRequestInput): PortRequest[] {
  const ports: PortMap = { ...(input.portBindings ?? {}) };
  if (input.publishAll === true) {
    for (const key of Object.keys(input.exposedPorts ?? {})) if (!(key in ports)) ports[key] = null;
  }
  const requests: PortRequest[] = [];
  for (const [key, bindings] of Object.entries(ports)) {
    const { proto, port } = parsePortKey(key);
    for (const binding of bindings ?? []) {
      const hostIp = binding.HostIp ?? '';
      if (hostIp !== '' && isIP(hostIp) === 0) throw fail(`invalid IP address: ${hostIp}`);
      let range: [number, number] = [0, 0];
      const hostPort = binding.HostPort ?? '';
      if (hostPort !== '') {
        const parsed = parsePortRange(hostPort);
        if (parsed === undefined) {
          throw fail(`error parsing HostPort value(${hostPort}):invalid port range: ${hostPort}`);
        }
        range = parsed;
      }
      requests.push({ proto, containerPort: port, hostIp, hostPortStart: range[0], hostPortEnd: range[1] });
    }
    if (input.publishAll === true && (bindings ?? []).length === 0) {
      requests.push({ proto, containerPort: port, hostIp: '', hostPortStart: 0, hostPortEnd: 0 });
    }
  }
  return requests.sort((a, b) =>
    a.proto !== b.proto ? (a.proto < b.proto ? -1 : 1) : a.containerPort - b.containerPort,
  );
}
