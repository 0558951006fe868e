/**
 * The iptables side of publishing, laid out as dockerd 20.10 does with the userland proxy on,
 * in chains of our own so that every rule can be found and removed exactly:
 *
 *   nat    PREROUTING  -m addrtype --dst-type LOCAL -j <chain>
 *   nat    OUTPUT      ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j <chain>
 *   nat    <chain>     -p tcp [-d <hostIp>] --dport <hostPort> ! -i <bridge> -j DNAT --to-destination <cip>:<cport>
 *   filter FORWARD     -j <chain>-PORTS                     (inserted first)
 *   filter <chain>-PORTS  -d <cip>/32 ! -i <bridge> -o <bridge> -p tcp --dport <cport> -j ACCEPT
 *   nat    POSTROUTING -j <chain>-HAIRPIN
 *   nat    <chain>-HAIRPIN  -s <cip>/32 -d <cip>/32 -p tcp --dport <cport> -j MASQUERADE
 *
 * Loopback destinations are left out of OUTPUT and bridge traffic out of the DNAT rule: those
 * connections reach the userland proxy, which listens on the same host port (Docker's
 * behaviour with `userland-proxy: true`). Production passes chain `LADING`; tests their own.
 *
 * Rules are added only when `iptables -C` does not find them, and removed with `-D` of the
 * same arguments, so nothing that another owner made is touched.
 */
import { runTool, tryTool } from '../host-tools.js';
import { InvalidArgumentError } from '../../errors/index.js';

/** One published port's rules. */
export interface PortRule {
  proto: 'tcp' | 'udp' | 'sctp';
  /** '' or 0.0.0.0 = any local address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
  /** The bridge the container is attached to. */
  bridge: string;
}

/** What publishing needs from a packet filter; `iptablesPortRules` is the one we have. */
export interface PortRuleOps {
  /** Creates the chains and their hooks if missing. Idempotent. */
  ensureChains(): Promise<void>;
  /** Removes the hooks and the chains (with whatever rules are left in them). */
  removeChains(): Promise<void>;
  addRule(rule: PortRule): Promise<void>;
  /** Removes exactly the rules `addRule` made for `rule`; missing ones are not an error. */
  removeRule(rule: PortRule): Promise<void>;
}

/** iptables limits chain names to 28 characters; our suffixes take 8. */
const MAX_CHAIN_LENGTH = 20;

export interface PortChains {
  dnat: string;
  forward: string;
  hairpin: string;
}

export function portChainNames(chain: string): PortChains {
  if (!/^[A-Za-z0-9_-]+$/.test(chain) || chain.length > MAX_CHAIN_LENGTH) {
    throw new InvalidArgumentError(
      `invalid iptables chain name ${JSON.stringify(chain)} (1-20 of A-Z a-z 0-9 _ -)`,
    );
  }
  return { dnat: chain, forward: `${chain}-PORTS`, hairpin: `${chain}-HAIRPIN` };
}

interface Placed {
  table: 'nat' | 'filter';
  chain: string;
  args: string[];
}

function hooks(chains: PortChains): Placed[] {
  return [
    { table: 'nat', chain: 'PREROUTING', args: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chains.dnat] },
    {
      table: 'nat',
      chain: 'OUTPUT',
      args: ['!', '-d', '127.0.0.0/8', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chains.dnat],
    },
    { table: 'filter', chain: 'FORWARD', args: ['-j', chains.forward] },
    { table: 'nat', chain: 'POSTROUTING', args: ['-j', chains.hairpin] },
  ];
}

function isUnspecified(ip: string): boolean {
  return ip === '' || ip === '0.0.0.0';
}

/** The rules for one binding; IPv4 only (an IPv6 host address is served by the proxy alone). */
export function rulesFor(chains: PortChains, rule: PortRule): Placed[] {
  const proto = rule.proto;
  const target = `${rule.containerIp}:${rule.containerPort}`;
  const destination = isUnspecified(rule.hostIp) ? [] : ['-d', `${rule.hostIp}/32`];
  return [
    {
      table: 'nat',
      chain: chains.dnat,
      args: [
        ...destination,
        '!',
        '-i',
        rule.bridge,
        '-p',
        proto,
        '-m',
        proto,
        '--dport',
        String(rule.hostPort),
      ].concat(['-j', 'DNAT', '--to-destination', target]),
    },
    {
      table: 'filter',
      chain: chains.forward,
      args: [
        '-d',
        `${rule.containerIp}/32`,
        '!',
        '-i',
        rule.bridge,
        '-o',
        rule.bridge,
        '-p',
        proto,
        '-m',
        proto,
      ].concat(['--dport', String(rule.containerPort), '-j', 'ACCEPT']),
    },
    {
      table: 'nat',
      chain: chains.hairpin,
      args: ['-s', `${rule.containerIp}/32`, '-d', `${rule.containerIp}/32`, '-p', proto, '-m', proto].concat(
        ['--dport', String(rule.containerPort), '-j', 'MASQUERADE'],
      ),
    },
  ];
}

async function exists(iptables: string, placed: Placed): Promise<boolean> {
  const result = await tryTool(iptables, ['-w', '-t', placed.table, '-C', placed.chain, ...placed.args]);
  return result.code === 0;
}

async function chainExists(iptables: string, table: string, chain: string): Promise<boolean> {
  return (await tryTool(iptables, ['-w', '-t', table, '-n', '-L', chain])).code === 0;
}

export interface IptablesPortRulesOptions {
  /** Our chain name (production `LADING`). */
  chain: string;
  /** The iptables binary (default `iptables`: whatever front end the host uses). */
  iptables?: string;
}

export function iptablesPortRules(options: IptablesPortRulesOptions): PortRuleOps {
  const chains = portChainNames(options.chain);
  const iptables = options.iptables ?? 'iptables';
  const ensure = async (placed: Placed, insert = false): Promise<void> => {
    if (await exists(iptables, placed)) return;
    await runTool(iptables, ['-w', '-t', placed.table, insert ? '-I' : '-A', placed.chain, ...placed.args]);
  };
  const remove = async (placed: Placed): Promise<void> => {
    // A rule added twice by someone else would need two deletes; we add once, so delete while present.
    while (await exists(iptables, placed)) {
      await runTool(iptables, ['-w', '-t', placed.table, '-D', placed.chain, ...placed.args]);
    }
  };
  const tables: [string, 'nat' | 'filter'][] = [
    [chains.dnat, 'nat'],
    [chains.forward, 'filter'],
    [chains.hairpin, 'nat'],
  ];
  return {
    async ensureChains() {
      for (const [chain, table] of tables) {
        if (!(await chainExists(iptables, table, chain)))
          await runTool(iptables, ['-w', '-t', table, '-N', chain]);
      }
      for (const hook of hooks(chains)) await ensure(hook, hook.chain === 'FORWARD');
    },
    async removeChains() {
      for (const hook of hooks(chains)) await remove(hook);
      for (const [chain, table] of tables) {
        if (!(await chainExists(iptables, table, chain))) continue;
        await runTool(iptables, ['-w', '-t', table, '-F', chain]);
        await runTool(iptables, ['-w', '-t', table, '-X', chain]);
      }
    },
    async addRule(rule) {
      if (rule.hostIp.includes(':') || rule.containerIp.includes(':')) return;
      for (const placed of rulesFor(chains, rule)) await ensure(placed);
    },
    async removeRule(rule) {
      if (rule.hostIp.includes(':') || rule.containerIp.includes(':')) return;
      for (const placed of rulesFor(chains, rule)) await remove(placed);
    },
  };
}
