/**
 * The Linux bridge a network's containers hang off (production: `lading0` with
 * 172.17.0.1/16). Both operations are idempotent so the daemon can call them on every start.
 */
import { ConflictError, InvalidArgumentError } from '../../errors/index.js';
import { HostToolError } from '../host-tools.js';
import { iproute2LinkOps } from '../iproute2-link-ops.js';
import { formatIpv4, parseCidr } from '../ipv4.js';
import type { LinkInfo, LinkOps } from '../link-ops.js';
import { assertInterfaceName } from '../interface-name.js';

export interface BridgeOptions {
  /** Bridge name, e.g. "lading0" (at most 15 characters). */
  name: string;
  /** Gateway address with the subnet's length, e.g. "172.17.0.1/16". */
  cidr: string;
  /** MTU given to a newly created bridge; an existing bridge keeps its own. */
  mtu?: number;
  ops?: LinkOps;
}

/**
 * Creates the bridge when absent, gives it the gateway address when it lacks it, and brings
 * it up. Other addresses an existing bridge carries are left alone. A link of that name that
 * is not a bridge is a conflict: it is someone else's, so it is not touched.
 */
export async function ensureBridge(options: BridgeOptions): Promise<LinkInfo> {
  const ops = options.ops ?? iproute2LinkOps;
  assertInterfaceName(options.name);
  const { address, bits } = parseCidr(options.cidr);
  const cidr = `${formatIpv4(address)}/${bits}`;
  if (
    options.mtu !== undefined &&
    !(Number.isInteger(options.mtu) && options.mtu >= 68 && options.mtu <= 65535)
  ) {
    throw new InvalidArgumentError(`invalid MTU ${options.mtu}`);
  }

  let link = await ops.getLink(options.name);
  if (!link) {
    try {
      await ops.createBridge(options.name, options.mtu);
    } catch (err) {
      // Lost a race with another creator: fine if what exists now is a bridge (checked below).
      if (!(err instanceof HostToolError) || !/exists/i.test(err.stderr)) throw err;
    }
    link = await ops.getLink(options.name);
    if (!link) throw new ConflictError(`bridge ${options.name} vanished while it was being created`);
  }
  if (link.kind !== 'bridge') {
    throw new ConflictError(
      `cannot use ${options.name} as a bridge: a ${link.kind ?? 'non-bridge'} link has that name`,
    );
  }
  if (!link.ipv4.includes(cidr)) await ops.addAddress(options.name, cidr);
  if (!link.up) await ops.setUp(options.name);
  return (await ops.getLink(options.name)) ?? link;
}

/** Deletes the bridge; false when there was none. A link of that name that is not a bridge is refused. */
export async function removeBridge(name: string, ops: LinkOps = iproute2LinkOps): Promise<boolean> {
  assertInterfaceName(name);
  const link = await ops.getLink(name);
  if (!link) return false;
  if (link.kind !== 'bridge')
    throw new ConflictError(`cannot remove ${name}: it is a ${link.kind ?? 'non-bridge'} link, not a bridge`);
  await ops.deleteLink(name);
  return true;
}
