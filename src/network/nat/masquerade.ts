/**
 * A bridge network's NAT and forwarding rules, in chains of our own so the host's rules are
 * never edited, only hooked:
 *
 *   nat     POSTROUTING  -j <P>-POSTROUTING            (appended once, shared by all networks)
 *           <P>-POSTROUTING  -s <subnet> ! -o <bridge> -j MASQUERADE
 *   filter  FORWARD      -j <P>-FORWARD                (inserted first, as dockerd's DOCKER-USER)
 *           <P>-FORWARD  -o <bridge> -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
 *                        -i <bridge> ! -o <bridge> -j ACCEPT
 *                        -i <bridge> -o <bridge> -j ACCEPT
 *
 * which are the rules dockerd writes for docker0 (minus its port and isolation chains), with
 * <P> the chain prefix (production "LADING", tests their own). Every add is preceded by a
 * check (`-C`), so calling again changes nothing; removal deletes this network's rules and,
 * once a chain of ours is empty, its hook and the chain itself: exactly what was added.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { assertInterfaceName } from '../interface-name.js';
import { formatPrefix, parsePrefix } from '../ipv4.js';
import { enableIpForward, IP_FORWARD_PATH } from './ip-forward.js';
import { iptables, type Iptables } from './iptables.js';

export interface NatOptions {
  /** Prefix of our chains: "LADING" → LADING-POSTROUTING, LADING-FORWARD. */
  chainPrefix: string;
  /** The network's subnet, e.g. "172.17.0.0/16". */
  subnet: string;
  bridge: string;
  /** iptables binary (default `iptables`, the host's selected front end). */
  iptablesBinary?: string;
  /** Run every iptables command inside this network namespace file instead of the daemon's. */
  netns?: string;
  /** Where ip_forward is switched on; default /proc/sys/net/ipv4/ip_forward. */
  ipForwardPath?: string;
  /** daemon.json `ip-forward`: false leaves the sysctl as it is (default true). */
  ipForward?: boolean;
}

interface Hook {
  table: 'nat' | 'filter';
  builtin: string;
  chain: string;
  /** `-I <builtin> 1` (first) or `-A` (last). */
  first: boolean;
}

interface Rule {
  table: 'nat' | 'filter';
  chain: string;
  spec: string[];
}

const CHAIN_PREFIX = /^[A-Za-z][A-Za-z0-9_-]{0,15}$/;

function plan(options: NatOptions): { hooks: Hook[]; rules: Rule[] } {
  if (!CHAIN_PREFIX.test(options.chainPrefix)) {
    throw new InvalidArgumentError(`invalid iptables chain prefix: ${options.chainPrefix}`);
  }
  assertInterfaceName(options.bridge);
  const subnet = formatPrefix(parsePrefix(options.subnet));
  const post = `${options.chainPrefix}-POSTROUTING`;
  const forward = `${options.chainPrefix}-FORWARD`;
  const bridge = options.bridge;
  return {
    hooks: [
      { table: 'nat', builtin: 'POSTROUTING', chain: post, first: false },
      { table: 'filter', builtin: 'FORWARD', chain: forward, first: true },
    ],
    rules: [
      { table: 'nat', chain: post, spec: ['-s', subnet, '!', '-o', bridge, '-j', 'MASQUERADE'] },
      {
        table: 'filter',
        chain: forward,
        spec: ['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
      },
      { table: 'filter', chain: forward, spec: ['-i', bridge, '!', '-o', bridge, '-j', 'ACCEPT'] },
      { table: 'filter', chain: forward, spec: ['-i', bridge, '-o', bridge, '-j', 'ACCEPT'] },
    ],
  };
}

// iptables edits are check-then-act; one queue keeps two networks' calls from interleaving.
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

async function chainExists(ipt: Iptables, table: string, chain: string): Promise<boolean> {
  return ipt.succeeds(['-t', table, '-n', '-L', chain]);
}

/** The chain's rules as `iptables -S` prints them, without its `-N` line. */
async function chainRules(ipt: Iptables, table: string, chain: string): Promise<string[]> {
  const listing = await ipt.run(['-t', table, '-S', chain]);
  return listing.split('\n').filter((line) => line.startsWith('-A '));
}

/**
 * Adds the network's MASQUERADE and FORWARD rules (and our chains and hooks when missing), and
 * turns on IPv4 forwarding if it is off. Returns whether ip_forward had to be changed.
 */
export function ensureMasquerade(options: NatOptions): Promise<{ ipForwardChanged: boolean }> {
  const { hooks, rules } = plan(options);
  return serial(async () => {
    const ipt = await iptables(options.iptablesBinary, options.netns);
    for (const hook of hooks) {
      if (!(await chainExists(ipt, hook.table, hook.chain)))
        await ipt.run(['-t', hook.table, '-N', hook.chain]);
    }
    // Rules before hooks: traffic never sees a half-filled chain of ours.
    for (const rule of rules) {
      if (!(await ipt.succeeds(['-t', rule.table, '-C', rule.chain, ...rule.spec]))) {
        await ipt.run(['-t', rule.table, '-A', rule.chain, ...rule.spec]);
      }
    }
    for (const hook of hooks) {
      const jump = ['-j', hook.chain];
      if (!(await ipt.succeeds(['-t', hook.table, '-C', hook.builtin, ...jump]))) {
        const where = hook.first ? ['-I', hook.builtin, '1'] : ['-A', hook.builtin];
        await ipt.run(['-t', hook.table, ...where, ...jump]);
      }
    }
    const ipForwardChanged =
      options.ipForward !== false && (await enableIpForward(options.ipForwardPath ?? IP_FORWARD_PATH));
    return { ipForwardChanged };
  });
}

/**
 * Removes this network's rules; a chain of ours left empty loses its hook and is deleted.
 * Missing rules and chains are fine (removal after a partial setup or a second call).
 * ip_forward is left on, as dockerd leaves it.
 */
export function removeNat(options: NatOptions): Promise<void> {
  const { hooks, rules } = plan(options);
  return serial(async () => {
    const ipt = await iptables(options.iptablesBinary, options.netns);
    for (const rule of rules) {
      if (await ipt.succeeds(['-t', rule.table, '-C', rule.chain, ...rule.spec])) {
        await ipt.run(['-t', rule.table, '-D', rule.chain, ...rule.spec]);
      }
    }
    for (const hook of hooks) {
      if (!(await chainExists(ipt, hook.table, hook.chain))) continue;
      if ((await chainRules(ipt, hook.table, hook.chain)).length > 0) continue;
      const jump = ['-j', hook.chain];
      while (await ipt.succeeds(['-t', hook.table, '-C', hook.builtin, ...jump])) {
        await ipt.run(['-t', hook.table, '-D', hook.builtin, ...jump]);
      }
      await ipt.run(['-t', hook.table, '-X', hook.chain]);
    }
  });
}
