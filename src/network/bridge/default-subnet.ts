/**
 * Which subnet a bridge gets when none is configured, by Docker's rule: the first of the
 * predefined local pools (172.17.0.0/16, 172.18.0.0/16, … 172.31.0.0/16, then 192.168.0.0/20,
 * 192.168.16.0/20, …) that overlaps nothing the host already uses — on-link routes and the
 * nameservers of resolv.conf, as libnetwork infers them — nor any other network.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { iproute2LinkOps } from '../iproute2-link-ops.js';
import { formatPrefix, isIpv4, parsePrefix, prefixesOverlap } from '../ipv4.js';
import type { LinkOps } from '../link-ops.js';
import { parseResolvConf, readHostResolvConf } from '../resolv-conf.js';

export interface AddressPoolSplit {
  /** A base prefix, e.g. "172.20.0.0/14". */
  base: string;
  /** The size of the subnets cut from it, e.g. 16. */
  size: number;
}

/** libnetwork's local-scope default address pools (daemon.json `default-address-pools`). */
export const DEFAULT_ADDRESS_POOLS: readonly AddressPoolSplit[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];

/** The pools cut into subnets, in order: 172.17.0.0/16, …, 172.31.0.0/16, 192.168.0.0/20, … */
export function expandAddressPools(pools: readonly AddressPoolSplit[] = DEFAULT_ADDRESS_POOLS): string[] {
  const subnets: string[] = [];
  for (const pool of pools) {
    const base = parsePrefix(pool.base);
    if (pool.size < base.bits || pool.size > 32) {
      throw new InvalidArgumentError(`address pool ${pool.base} cannot be split into /${pool.size} subnets`);
    }
    const step = 2 ** (32 - pool.size);
    const count = 2 ** (pool.size - base.bits);
    for (let i = 0; i < count; i++)
      subnets.push(formatPrefix({ network: base.network + i * step, bits: pool.size }));
  }
  return subnets;
}

/**
 * The first candidate subnet that overlaps none of `inUse` (prefixes such as "10.0.0.0/8" or
 * "192.0.2.0/24"). Throws libnetwork's error when every candidate is taken.
 */
export function chooseDefaultSubnet(candidates: readonly string[], inUse: readonly string[]): string {
  const used = inUse.map(parsePrefix);
  for (const candidate of candidates) {
    const prefix = parsePrefix(candidate);
    if (!used.some((u) => prefixesOverlap(u, prefix))) return formatPrefix(prefix);
  }
  throw new InvalidArgumentError('all predefined address pools have been fully subnetted');
}

/**
 * What the host already uses, as libnetwork infers it: IPv4 on-link routes of the main table
 * and each IPv4 nameserver of the host's resolv.conf (as a /32).
 */
export async function hostReservedNetworks(
  ops: LinkOps = iproute2LinkOps,
  resolvConfText: string = readHostResolvConf(),
): Promise<string[]> {
  const nameservers = parseResolvConf(resolvConfText)
    .nameservers.filter(isIpv4)
    .map((address) => `${address}/32`);
  return [...(await ops.onLinkRoutes()), ...nameservers];
}
