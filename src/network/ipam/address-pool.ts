/**
 * The address rules of one network's IPv4 pool, kept pure (no I/O) so they can be tested
 * exhaustively; `ipam-pool.ts` adds persistence around them.
 *
 * As in libnetwork's default IPAM: the network address and (except in a /31 or /32) the
 * broadcast address are never handed out, nor is the gateway; dynamic allocation takes the
 * lowest free address of the ip-range (or of the subnet without one), so a released address
 * is reused first, as `docker run` does on the default bridge; a preferred address (`--ip`)
 * may be anywhere in the subnet, even outside the ip-range.
 */
import { ForbiddenError, InvalidArgumentError, SystemError } from '../../errors/index.js';
import {
  formatIpv4,
  formatPrefix,
  lastAddress,
  parseIpv4,
  parsePrefix,
  prefixContains,
  type Ipv4Prefix,
} from '../ipv4.js';

export interface AddressPoolConfig {
  /** The network's subnet, e.g. "172.17.0.0/16". */
  subnet: string;
  /** The gateway (the bridge's address), e.g. "172.17.0.1"; never leased. */
  gateway?: string;
  /** `--ip-range`: dynamic allocation is limited to this sub-prefix of the subnet. */
  ipRange?: string;
  /** Network name and ID, for Docker's "no available addresses" message. */
  networkName?: string;
  networkId?: string;
}

export class AddressPool {
  readonly subnet: Ipv4Prefix;
  readonly range: Ipv4Prefix;
  readonly gateway: number | undefined;
  private readonly reserved = new Set<number>();
  /** containerId → address */
  private readonly byOwner = new Map<string, number>();
  /** address → containerId */
  private readonly byAddress = new Map<number, string>();

  constructor(readonly config: AddressPoolConfig) {
    this.subnet = parsePrefix(config.subnet);
    if (formatPrefix(this.subnet) !== config.subnet) {
      throw new InvalidArgumentError(
        `invalid subnet ${config.subnet}: it should be ${formatPrefix(this.subnet)}`,
      );
    }
    this.range = config.ipRange === undefined ? this.subnet : parsePrefix(config.ipRange);
    if (this.range.bits < this.subnet.bits || !prefixContains(this.subnet, this.range.network)) {
      throw new InvalidArgumentError(
        `ip-range ${config.ipRange} is not contained in subnet ${config.subnet}`,
      );
    }
    const hostBits = 32 - this.subnet.bits;
    if (hostBits > 1) {
      this.reserved.add(this.subnet.network);
      this.reserved.add(lastAddress(this.subnet));
    }
    if (config.gateway !== undefined) {
      this.gateway = parseIpv4(config.gateway);
      if (!prefixContains(this.subnet, this.gateway)) {
        throw new InvalidArgumentError(`gateway ${config.gateway} is not in subnet ${config.subnet}`);
      }
      this.reserved.add(this.gateway);
    }
  }

  get prefixLength(): number {
    return this.subnet.bits;
  }

  leaseOf(containerId: string): string | undefined {
    const address = this.byOwner.get(containerId);
    return address === undefined ? undefined : formatIpv4(address);
  }

  /** Every lease, containerId → address, in address order. */
  leases(): Record<string, string> {
    const entries = [...this.byAddress.entries()].sort(([a], [b]) => a - b);
    return Object.fromEntries(entries.map(([address, owner]) => [owner, formatIpv4(address)]));
  }

  /**
   * Takes an address for `containerId`: `preferred` if given, else the lowest free one. A
   * container that already holds an address keeps it (a restart, or a retry after a crash).
   */
  allocate(containerId: string, preferred?: string): string {
    const held = this.byOwner.get(containerId);
    if (preferred === undefined) {
      if (held !== undefined) return formatIpv4(held);
      return this.take(containerId, this.lowestFree());
    }
    const wanted = parseIpv4(preferred);
    if (held === wanted) return preferred;
    if (!prefixContains(this.subnet, wanted)) {
      throw new InvalidArgumentError(
        `invalid address ${preferred}: It does not belong to any of this network's subnets`,
      );
    }
    if (this.reserved.has(wanted) || this.byAddress.has(wanted))
      throw new ForbiddenError('Address already in use');
    if (held !== undefined) this.release(containerId);
    return this.take(containerId, wanted);
  }

  /** Frees the container's address; returns it, or undefined when it held none. */
  release(containerId: string): string | undefined {
    const address = this.byOwner.get(containerId);
    if (address === undefined) return undefined;
    this.byOwner.delete(containerId);
    this.byAddress.delete(address);
    return formatIpv4(address);
  }

  /**
   * Records a lease read back from disk. Leases that break the rules (outside the subnet,
   * reserved, taken twice) are refused rather than trusted.
   */
  restore(containerId: string, address: string): void {
    const value = parseIpv4(address);
    if (!prefixContains(this.subnet, value) || this.reserved.has(value)) {
      throw new SystemError(
        `lease ${address} of ${containerId} is not a usable address of ${this.config.subnet}`,
      );
    }
    const owner = this.byAddress.get(value);
    if (owner !== undefined && owner !== containerId) {
      throw new SystemError(`address ${address} is leased to both ${owner} and ${containerId}`);
    }
    this.take(containerId, value);
  }

  private take(containerId: string, address: number): string {
    this.byOwner.set(containerId, address);
    this.byAddress.set(address, containerId);
    return formatIpv4(address);
  }

  private lowestFree(): number {
    for (let address = this.range.network; address <= lastAddress(this.range); address++) {
      if (!this.reserved.has(address) && !this.byAddress.has(address)) return address;
    }
    const name = this.config.networkName ?? this.config.subnet;
    const id = this.config.networkId ?? this.config.subnet;
    // dockerd returns this unwrapped, hence a 500 rather than a typed error.
    throw new SystemError(`no available IPv4 addresses on this network's address pools: ${name} (${id})`);
  }
}
