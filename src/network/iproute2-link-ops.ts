/**
 * LinkOps through iproute2's `ip` (JSON output) and util-linux's `unshare`, one process per
 * operation (or per batch: the sandbox side of an endpoint is one `ip -batch`).
 */
import { runTool } from './host-tools.js';
import type { LinkInfo, LinkOps, SandboxInterfaceSpec, VethSpec } from './link-ops.js';

interface IpAddrJson {
  ifname: string;
  flags?: string[];
  mtu: number;
  master?: string;
  address?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

function toLinkInfo(json: IpAddrJson): LinkInfo {
  return {
    name: json.ifname,
    kind: json.linkinfo?.info_kind,
    up: json.flags?.includes('UP') ?? false,
    mtu: json.mtu,
    master: json.master,
    mac: json.address ?? '',
    ipv4: (json.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
  };
}

function parseJson<T>(stdout: string): T[] {
  const text = stdout.trim();
  return text === '' ? [] : (JSON.parse(text) as T[]);
}

export const iproute2LinkOps: LinkOps = {
  async getLink(name) {
    const { stdout } = await runTool('ip', ['-j', '-d', 'addr', 'show']);
    // Listing all and picking one avoids telling "does not exist" apart by parsing stderr.
    const found = parseJson<IpAddrJson>(stdout).find((link) => link.ifname === name);
    return found && toLinkInfo(found);
  },

  async listLinks() {
    const { stdout } = await runTool('ip', ['-j', '-d', 'addr', 'show']);
    return parseJson<IpAddrJson>(stdout).map(toLinkInfo);
  },

  async createBridge(name, mtu) {
    await runTool('ip', [
      'link',
      'add',
      'name',
      name,
      ...(mtu ? ['mtu', String(mtu)] : []),
      'type',
      'bridge',
    ]);
  },

  async addAddress(name, cidr) {
    await runTool('ip', ['addr', 'add', cidr, 'brd', '+', 'dev', name]);
  },

  async setUp(name) {
    await runTool('ip', ['link', 'set', 'dev', name, 'up']);
  },

  async deleteLink(name) {
    await runTool('ip', ['link', 'delete', 'dev', name]);
  },

  async onLinkRoutes() {
    const { stdout } = await runTool('ip', ['-j', '-4', 'route', 'show', 'table', 'main', 'scope', 'link']);
    return parseJson<{ dst: string }>(stdout)
      .map((route) => route.dst)
      .filter((dst) => dst !== 'default')
      .map((dst) => (dst.includes('/') ? dst : `${dst}/32`));
  },

  async createNetns(path) {
    // unshare binds the new namespace on `path` and then runs `ip` inside it.
    await runTool('unshare', [`--net=${path}`, 'ip', 'link', 'set', 'dev', 'lo', 'up']);
  },

  async createVeth(spec: VethSpec) {
    // Made from inside the sandbox with the peer placed in the daemon's namespace (named by
    // our own pid), so the container end is born with its final name and MAC: no temporary
    // name, no move, no rename, one process.
    const mtu = String(spec.mtu);
    await runTool(
      'ip',
      [
        'link',
        'add',
        spec.ifName,
        'address',
        spec.mac,
        'mtu',
        mtu,
        'type',
        'veth',
        'peer',
        'name',
        spec.hostIfName,
      ].concat(['mtu', mtu, 'netns', String(process.pid)]),
      { netns: spec.sandboxPath },
    );
  },

  async configureSandboxInterface(spec: SandboxInterfaceSpec) {
    const lines = [`addr add ${spec.address} brd + dev ${spec.ifName}`, `link set dev ${spec.ifName} up`];
    if (spec.gateway !== undefined) lines.push(`route add default via ${spec.gateway} dev ${spec.ifName}`);
    await runTool('ip', ['-batch', '-'], { netns: spec.sandboxPath, input: `${lines.join('\n')}\n` });
  },

  async attachToBridge(name, bridge) {
    await runTool('ip', ['link', 'set', 'dev', name, 'master', bridge, 'up']);
  },
};
