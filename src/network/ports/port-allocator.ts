/**
 * Host port bookkeeping per (host address, protocol), as libnetwork's portallocator keeps it.
 *
 * - A port taken on 0.0.0.0 is taken on every IPv4 address, and a port taken on any address
 *   blocks 0.0.0.0 (likewise `::` for IPv6): the check covers the unspecified address too.
 * - Ephemeral ports come from the kernel's own range, /proc/sys/net/ipv4/ip_local_port_range
 *   (32768–60999 on this machine), skipping ip_local_reserved_ports, as current moby does;
 *   49153–65535 when the file cannot be read. The search resumes after the last port handed
 *   out in the range, so a released port is not immediately reused.
 *
 * The allocator is memory only, as Docker's is: what is in use survives a daemon restart in the
 * publish records (publish.ts), from which the daemon reserves the ports again at start.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ConflictError, InvalidArgumentError, UnavailableError } from '../../errors/index.js';
import type { PortProtocol } from './port-spec.js';

export const FALLBACK_EPHEMERAL_RANGE: readonly [number, number] = [49153, 65535];

const IPV4_ANY = '0.0.0.0';
const IPV6_ANY = '::';

/** A requested port is already held (Docker's `Bind for 0.0.0.0:8080 failed: port is already allocated`). */
export class PortAllocatedError extends ConflictError {
  constructor(
    readonly hostIp: string,
    readonly port: number,
  ) {
    super(
      `Bind for ${hostIp.includes(':') ? `[${hostIp}]` : hostIp}:${port} failed: port is already allocated`,
    );
  }
}

/** The kernel's ephemeral range, or Docker's fallback when it cannot be read. */
export function kernelEphemeralRange(path = '/proc/sys/net/ipv4/ip_local_port_range'): [number, number] {
  try {
    const [start, end] = readFileSync(path, 'utf8').trim().split(/\s+/).map(Number);
    if (start !== undefined && end !== undefined && start > 0 && end >= start && end <= 65535)
      return [start, end];
  } catch {
    // fall through to Docker's default range
  }
  return [FALLBACK_EPHEMERAL_RANGE[0], FALLBACK_EPHEMERAL_RANGE[1]];
}

/** ip_local_reserved_ports (`8080,30000-32767`) within [begin, end]. */
export function parseReservedPorts(list: string, begin: number, end: number): Set<number> {
  const reserved = new Set<number>();
  for (const entry of list.trim().split(',')) {
    if (entry === '') continue;
    const [first, last = first] = entry.split('-').map(Number);
    if (first === undefined || last === undefined || !Number.isInteger(first) || !Number.isInteger(last))
      continue;
    for (let port = Math.max(first, begin); port <= Math.min(last, end); port++) reserved.add(port);
  }
  return reserved;
}

function kernelReservedPorts(begin: number, end: number): Set<number> {
  try {
    return parseReservedPorts(readFileSync('/proc/sys/net/ipv4/ip_local_reserved_ports', 'utf8'), begin, end);
  } catch {
    return new Set();
  }
}

/** The canonical text of an address ('' → 0.0.0.0; IPv4-mapped IPv6 → IPv4). */
export function normalizeHostIp(ip: string): string {
  if (ip === '') return IPV4_ANY;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) === 6) {
    // One spelling per address, so `::0` and `::` share a map.
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  }
  if (isIP(ip) !== 4) throw new InvalidArgumentError(`invalid IP address: ${ip}`);
  return ip;
}

export interface PortAllocatorOptions {
  /** The ephemeral range; default: the kernel's. */
  ephemeralRange?: [number, number];
  /** Ports never handed out as ephemeral ports; default: the kernel's reserved list. */
  reserved?: Set<number>;
}

export class PortAllocator {
  readonly begin: number;
  readonly end: number;
  private readonly reserved: Set<number>;
  /** `ip/proto` → ports held. */
  private readonly held = new Map<string, Set<number>>();
  /** `ip/proto/start-end` → the last port handed out from that range. */
  private readonly last = new Map<string, number>();

  constructor(options: PortAllocatorOptions = {}) {
    [this.begin, this.end] = options.ephemeralRange ?? kernelEphemeralRange();
    this.reserved = options.reserved ?? kernelReservedPorts(this.begin, this.end);
  }

  private ports(ip: string, proto: PortProtocol): Set<number> {
    const key = `${ip}/${proto}`;
    let set = this.held.get(key);
    if (set === undefined) this.held.set(key, (set = new Set()));
    return set;
  }

  /** The addresses whose maps must be free for `ip`: itself and its family's unspecified address, or all of the family. */
  private conflicting(ip: string, proto: PortProtocol): string[] {
    const any = ip.includes(':') ? IPV6_ANY : IPV4_ANY;
    const sameFamily = (key: string): boolean => key.includes(':') === ip.includes(':');
    if (ip === any) {
      return [...this.held.keys()]
        .filter((key) => key.endsWith(`/${proto}`))
        .map((key) => key.slice(0, -proto.length - 1))
        .filter(sameFamily)
        .concat(any);
    }
    return [ip, any];
  }

  private takenBy(ip: string, proto: PortProtocol, port: number): string | undefined {
    return this.conflicting(ip, proto).find((other) => this.held.get(`${other}/${proto}`)?.has(port));
  }

  /**
   * Takes a port on `hostIp` ('' = 0.0.0.0): exactly `start` when start === end (> 0), the
   * first free one in [start, end] otherwise, an ephemeral one for 0/0.
   */
  request(hostIp: string, proto: PortProtocol, start = 0, end = start): number {
    const ip = normalizeHostIp(hostIp);
    if (start !== 0 || end !== 0) {
      if (start === 0 || end === 0 || end < start || end > 65535) {
        throw new InvalidArgumentError(`invalid port range: ${start}-${end}`);
      }
    }
    if (start > 0 && start === end) {
      const other = this.takenBy(ip, proto, start);
      if (other !== undefined) throw new PortAllocatedError(other, start);
      this.ports(ip, proto).add(start);
      return start;
    }
    const ephemeral = start === 0;
    const [begin, finish] = ephemeral ? [this.begin, this.end] : [start, end];
    const rangeKey = `${ip}/${proto}/${begin}-${finish}`;
    let port = this.last.get(rangeKey) ?? finish;
    for (let i = begin; i <= finish; i++) {
      port = port >= finish ? begin : port + 1;
      if (ephemeral && this.reserved.has(port)) continue;
      if (this.takenBy(ip, proto, port) !== undefined) continue;
      this.ports(ip, proto).add(port);
      this.last.set(rangeKey, port);
      return port;
    }
    throw new UnavailableError('all ports are allocated');
  }

  /** Marks a port held without checks (restoring a record written before a restart). */
  reserve(hostIp: string, proto: PortProtocol, port: number): void {
    this.ports(normalizeHostIp(hostIp), proto).add(port);
  }

  release(hostIp: string, proto: PortProtocol, port: number): void {
    this.held.get(`${normalizeHostIp(hostIp)}/${proto}`)?.delete(port);
  }

  isHeld(hostIp: string, proto: PortProtocol, port: number): boolean {
    return this.held.get(`${normalizeHostIp(hostIp)}/${proto}`)?.has(port) ?? false;
  }
}
