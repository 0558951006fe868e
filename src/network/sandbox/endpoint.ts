/**
 * A container's endpoint on a bridge network: a veth pair whose host end is enslaved to the
 * bridge and whose other end is the container's `eth0`, with its address, MAC and a default
 * route via the bridge's gateway address.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { assertInterfaceName } from '../interface-name.js';
import { iproute2LinkOps } from '../iproute2-link-ops.js';
import { formatIpv4, parseIpv4, parsePrefix, prefixContains } from '../ipv4.js';
import { macFromIpv4 } from '../ipam/mac-address.js';
import type { LinkOps } from '../link-ops.js';

export interface EndpointOptions {
  /** The sandbox's namespace file (from createSandbox). */
  sandboxPath: string;
  /** The bridge the host end joins. */
  bridge: string;
  /** Host end's name, e.g. from generateVethName(). */
  hostIfName: string;
  /** Name inside the sandbox; default "eth0". */
  ifName?: string;
  /** The container's IPv4 address, e.g. "172.17.0.2". */
  address: string;
  /** The subnet's prefix length, e.g. 16. */
  prefixLength: number;
  /** Default route via this address (the bridge's); none for an internal network. */
  gateway?: string;
  /** Default: Docker's 02:42 + address rule (macFromIpv4). */
  mac?: string;
  /** Default 1500, as on Docker's default bridge. */
  mtu?: number;
  ops?: LinkOps;
}

export interface Endpoint {
  hostIfName: string;
  ifName: string;
  address: string;
  prefixLength: number;
  gateway: string | undefined;
  mac: string;
  mtu: number;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

function validated(options: EndpointOptions): Endpoint {
  const ifName = options.ifName ?? 'eth0';
  for (const name of [options.bridge, options.hostIfName, ifName]) assertInterfaceName(name);
  if (!Number.isInteger(options.prefixLength) || options.prefixLength < 1 || options.prefixLength > 32) {
    throw new InvalidArgumentError(`invalid prefix length ${options.prefixLength}`);
  }
  const address = parseIpv4(options.address);
  if (options.gateway !== undefined) {
    const subnet = parsePrefix(`${options.address}/${options.prefixLength}`);
    if (!prefixContains(subnet, parseIpv4(options.gateway))) {
      throw new InvalidArgumentError(
        `gateway ${options.gateway} is not in ${options.address}/${options.prefixLength}`,
      );
    }
  }
  const mac = (options.mac ?? macFromIpv4(options.address)).toLowerCase();
  // A multicast MAC (low bit of the first byte) is refused by the kernel; say so clearly.
  if (!MAC.test(mac) || (parseInt(mac.slice(0, 2), 16) & 1) === 1) {
    throw new InvalidArgumentError(`invalid MAC address: ${options.mac}`);
  }
  const mtu = options.mtu ?? 1500;
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new InvalidArgumentError(`invalid MTU ${mtu}`);
  return {
    hostIfName: options.hostIfName,
    ifName,
    address: formatIpv4(address),
    prefixLength: options.prefixLength,
    gateway: options.gateway,
    mac,
    mtu,
  };
}

/** Wires the endpoint; on failure nothing of it is left (the host end's removal takes the pair). */
export async function attachEndpoint(options: EndpointOptions): Promise<Endpoint> {
  const ops = options.ops ?? iproute2LinkOps;
  const endpoint = validated(options);
  await ops.createVeth({
    sandboxPath: options.sandboxPath,
    hostIfName: endpoint.hostIfName,
    ifName: endpoint.ifName,
    mac: endpoint.mac,
    mtu: endpoint.mtu,
  });
  try {
    // The two ends are independent: configure them concurrently.
    const results = await Promise.allSettled([
      ops.configureSandboxInterface({
        sandboxPath: options.sandboxPath,
        ifName: endpoint.ifName,
        address: `${endpoint.address}/${endpoint.prefixLength}`,
        gateway: endpoint.gateway,
      }),
      ops.attachToBridge(endpoint.hostIfName, options.bridge),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await ops.deleteLink(endpoint.hostIfName).catch(() => undefined);
    throw err;
  }
  return endpoint;
}

/** Removes the host end, which destroys the pair; false when it was already gone. */
export async function detachEndpoint(hostIfName: string, ops: LinkOps = iproute2LinkOps): Promise<boolean> {
  assertInterfaceName(hostIfName);
  const link = await ops.getLink(hostIfName);
  if (!link) return false;
  if (link.kind !== 'veth') throw new InvalidArgumentError(`${hostIfName} is not a veth link`);
  await ops.deleteLink(hostIfName);
  return true;
}

/**
 * Host veth ends named with `prefix` (and, when `bridge` is given, enslaved
 * to that bridge): candidates for removal at daemon start, once their sandboxes are known
 * gone. Filtering by bridge keeps another engine's `veth…` links (a side-by-side dockerd) out.
 */
export async function leftoverVeths(
  prefix: string,
  options: { bridge?: string; ops?: LinkOps } = {},
): Promise<string[]> {
  const links = await (options.ops ?? iproute2LinkOps).listLinks();
  return links
    .filter((link) => link.kind === 'veth' && link.name.startsWith(prefix))
    .filter((link) => options.bridge === undefined || link.master === options.bridge)
    .map((link) => link.name)
    .sort();
}
