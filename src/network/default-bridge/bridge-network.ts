/**
 * The daemon's default bridge network (Docker's "bridge" on docker0): one bridge, its NAT, an
 * IPAM pool and the port publisher, and per container one endpoint — a sandbox (network
 * namespace bound at `<exec-root>/netns/<id>`), a veth into it with an address of the pool,
 * and the published ports.
 *
 * State, so that a restarted daemon can keep or remove exactly what it made:
 * - `<data-root>/network/bridge.json`: the network's ID and subnet (the ID stays across restarts,
 *   as dockerd keeps the bridge network's).
 * - `<data-root>/network/ipam/bridge.json`: address leases (ipam/).
 * - `<exec-root>/network/endpoints/<id>.json`: each endpoint's host veth name and IDs, written
 *   before the veth exists, so a crash can leave nothing unnamed.
 * - `<exec-root>/ports/`: the port publisher's records and proxy pid files (ports/).
 *
 * Production names (lading0, LADING) are only defaults of the caller; tests pass their own.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '../../durable/index.js';
import { ConflictError, InvalidArgumentError, messageOf } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { chooseDefaultSubnet, expandAddressPools, hostReservedNetworks } from '../bridge/default-subnet.js';
import { ensureBridge } from '../bridge/ensure-bridge.js';
import { generateVethName } from '../interface-name.js';
import { iproute2LinkOps } from '../iproute2-link-ops.js';
import { formatIpv4, formatPrefix, parseCidr, parsePrefix } from '../ipv4.js';
import { openIpamPool, type IpamPool } from '../ipam/ipam-pool.js';
import type { LinkOps } from '../link-ops.js';
import { ensureMasquerade } from '../nat/masquerade.js';
import { VETH_PREFIX } from '../network-defaults.js';
import { PortAllocator } from '../ports/port-allocator.js';
import { PortPublisher, portMapOf, type PublishedPorts } from '../ports/port-publisher.js';
import { iptablesPortRules } from '../ports/port-rules.js';
import { publishRequests, type PortMap, type PublishRequestInput } from '../ports/port-spec.js';
import { attachEndpoint, detachEndpoint, leftoverVeths } from '../sandbox/endpoint.js';
import { createSandbox, listSandboxes, removeSandbox } from '../sandbox/sandbox.js';

export interface BridgeNetworkOptions {
  /** The bridge interface (production "lading0"). */
  bridge: string;
  /** daemon.json `bip` ("172.17.0.1/16"); unset: the bridge's own address, else the first free default pool. */
  bip?: string;
  /** `<data-root>/network`. */
  dataDir: string;
  /** `<exec-root>`: netns/, network/endpoints/ and ports/ go under it. */
  execRoot: string;
  /** Prefix of our iptables chains (production "LADING"). */
  chainPrefix: string;
  /** daemon.json `iptables` (default true): false writes no rules (the proxy alone carries traffic). */
  iptables?: boolean;
  /** daemon.json `ip-forward` (default true): false never switches IPv4 forwarding on. */
  ipForward?: boolean;
  mtu?: number;
  logger: Logger;
  ops?: LinkOps;
}

/** A container's place on the bridge, as inspect shows it (NetworkSettings). */
export interface BridgeEndpoint {
  containerId: string;
  networkId: string;
  endpointId: string;
  /** 64 hex digits, as dockerd's sandbox IDs. */
  sandboxId: string;
  /** The namespace file runc joins. */
  sandboxKey: string;
  bridge: string;
  hostIfName: string;
  address: string;
  prefixLength: number;
  gateway: string;
  mac: string;
  /** Published ports (Docker's NetworkSettings.Ports, without the exposed-only ones). */
  ports: PortMap;
}

export interface ConnectRequest extends PublishRequestInput {
  containerId: string;
  /** The container's name without the slash (Docker's endpoint name in errors). */
  name: string;
}

interface NetworkFile {
  version: 1;
  id: string;
  subnet: string;
}

type EndpointFile = Omit<BridgeEndpoint, 'ports'> & { version: 1 };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function randomId(): string {
  return randomBytes(32).toString('hex');
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export class BridgeNetwork {
  private readonly endpoints = new Map<string, BridgeEndpoint>();
  private readonly published = new Map<string, PublishedPorts>();

  private constructor(
    private readonly options: BridgeNetworkOptions,
    readonly id: string,
    /** "172.17.0.0/16" */
    readonly subnet: string,
    readonly gateway: string,
    readonly prefixLength: number,
    private readonly ipam: IpamPool,
    private readonly publisher: PortPublisher,
  ) {}

  get bridge(): string {
    return this.options.bridge;
  }

  private get ops(): LinkOps {
    return this.options.ops ?? iproute2LinkOps;
  }

  private static netnsDir(execRoot: string): string {
    return join(execRoot, 'netns');
  }

  private static endpointsDir(execRoot: string): string {
    return join(execRoot, 'network', 'endpoints');
  }

  /**
   * Ensures the bridge (address, up), NAT and ip_forward, and opens the pool and the publisher.
   * Nothing of a previous run is touched yet: call `reconcile` once the daemon knows which
   * containers still run.
   */
  static async open(options: BridgeNetworkOptions): Promise<BridgeNetwork> {
    const ops = options.ops ?? iproute2LinkOps;
    const cidr = await BridgeNetwork.chooseCidr(options, ops);
    const { address, bits } = parseCidr(cidr);
    const subnet = formatPrefix(parsePrefix(`${formatIpv4(address)}/${bits}`));
    const gateway = formatIpv4(address);
    await ensureBridge({
      name: options.bridge,
      cidr,
      ops,
      ...(options.mtu === undefined ? {} : { mtu: options.mtu }),
    });
    if (options.iptables !== false) {
      await ensureMasquerade({
        chainPrefix: options.chainPrefix,
        subnet,
        bridge: options.bridge,
        ...(options.ipForward === undefined ? {} : { ipForward: options.ipForward }),
      });
    }

    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const networkPath = join(options.dataDir, 'bridge.json');
    const saved = await readJson<NetworkFile>(networkPath);
    const id = saved?.version === 1 && /^[0-9a-f]{64}$/.test(saved.id) ? saved.id : randomId();
    if (saved?.id !== id || saved.subnet !== subnet) {
      await atomicWriteFile(
        networkPath,
        `${JSON.stringify({ version: 1, id, subnet } satisfies NetworkFile)}\n`,
      );
    }
    const ipamDir = join(options.dataDir, 'ipam');
    const poolOptions = {
      stateDir: ipamDir,
      poolId: 'bridge',
      subnet,
      gateway,
      networkName: 'bridge',
      networkId: id,
    };
    let ipam: IpamPool;
    try {
      ipam = await openIpamPool(poolOptions);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // The subnet changed (a new `bip`): the old leases mean nothing in the new one.
      options.logger.warn('the bridge subnet changed; dropping the old address leases', { subnet });
      await rm(join(ipamDir, 'bridge.json'), { force: true });
      ipam = await openIpamPool(poolOptions);
    }

    const portsDir = join(options.execRoot, 'ports');
    await mkdir(portsDir, { recursive: true, mode: 0o700 });
    await mkdir(BridgeNetwork.endpointsDir(options.execRoot), { recursive: true, mode: 0o700 });
    const publisher = new PortPublisher({
      allocator: new PortAllocator(),
      rules: options.iptables === false ? null : iptablesPortRules({ chain: options.chainPrefix }),
      stateDir: portsDir,
    });
    return new BridgeNetwork(options, id, subnet, gateway, bits, ipam, publisher);
  }

  /** `bip`; else the address the bridge already has (as dockerd); else the first free default pool's .1. */
  private static async chooseCidr(options: BridgeNetworkOptions, ops: LinkOps): Promise<string> {
    if (options.bip !== undefined) {
      const { address, bits } = parseCidr(options.bip);
      const network = parsePrefix(`${formatIpv4(address)}/${bits}`);
      if (address === network.network && bits < 31) {
        throw new InvalidArgumentError(`bip ${options.bip} is a network address, not a gateway address`);
      }
      return `${formatIpv4(address)}/${bits}`;
    }
    const existing = (await ops.getLink(options.bridge))?.ipv4[0];
    if (existing !== undefined) return existing;
    const subnet = parsePrefix(chooseDefaultSubnet(expandAddressPools(), await hostReservedNetworks(ops)));
    return `${formatIpv4(subnet.network + 1)}/${subnet.bits}`;
  }

  /**
   * At daemon start, before containers are taken over: the endpoints of `keep` (containers
   * that still run, or whose exit is still to be recorded) are adopted — address, sandbox,
   * veth and published ports; everything else this network left behind (sandboxes, veths on
   * the bridge, leases, port records and proxies) is removed.
   */
  async reconcile(keep: ReadonlySet<string>): Promise<void> {
    const { logger, execRoot } = this.options;
    const dir = BridgeNetwork.endpointsDir(execRoot);
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.json')) continue;
      const file = await readJson<EndpointFile>(join(dir, name));
      const id = name.slice(0, -'.json'.length);
      if (file !== undefined && keep.has(id) && file.version === 1) {
        const { version: _version, ...endpoint } = file;
        this.endpoints.set(id, { ...endpoint, ports: {} });
      } else {
        await this.removeEndpointState(id, file?.hostIfName);
      }
    }
    const restored = await this.publisher.restore((id) => this.endpoints.has(id));
    for (const record of restored.adopted) {
      this.published.set(record.id, record);
      const endpoint = this.endpoints.get(record.id);
      if (endpoint) endpoint.ports = portMapOf(record);
    }
    for (const id of Object.keys(this.ipam.leases())) {
      if (!this.endpoints.has(id)) await this.ipam.release(id);
    }
    for (const sandbox of await listSandboxes(BridgeNetwork.netnsDir(execRoot))) {
      if (!this.endpoints.has(sandbox.id)) await removeSandbox(sandbox.path);
    }
    const keptVeths = new Set([...this.endpoints.values()].map((e) => e.hostIfName));
    for (const veth of await leftoverVeths(VETH_PREFIX, { bridge: this.bridge, ops: this.ops })) {
      if (!keptVeths.has(veth)) await detachEndpoint(veth, this.ops).catch(() => false);
    }
    logger.info('bridge network ready', {
      bridge: this.bridge,
      subnet: this.subnet,
      endpoints: this.endpoints.size,
      removedPorts: restored.removed.length,
    });
  }

  /** The endpoint of a connected container (kept across a live restore). */
  endpointOf(containerId: string): BridgeEndpoint | undefined {
    return this.endpoints.get(containerId);
  }

  /**
   * Connects a container: an address, its sandbox, the veth and the published ports. On any
   * failure everything done is undone; a port error carries Docker's wording.
   */
  async connect(request: ConnectRequest): Promise<BridgeEndpoint> {
    const id = request.containerId;
    if (!ID.test(id)) throw new InvalidArgumentError(`invalid container id ${id}`);
    if (this.endpoints.has(id))
      throw new ConflictError(`container ${id} is already connected to the bridge network`);
    // Checked before anything is made: a bad binding must not leave a half-built endpoint.
    const requests = publishRequests(request);
    const sandboxKey = join(BridgeNetwork.netnsDir(this.options.execRoot), id);
    const endpoint: BridgeEndpoint = {
      containerId: id,
      networkId: this.id,
      endpointId: randomId(),
      sandboxId: randomId(),
      sandboxKey,
      bridge: this.bridge,
      hostIfName: generateVethName(VETH_PREFIX),
      address: '',
      prefixLength: this.prefixLength,
      gateway: this.gateway,
      mac: '',
      ports: {},
    };
    const undo: (() => Promise<unknown>)[] = [];
    try {
      endpoint.address = await this.ipam.allocate(id);
      undo.push(() => this.ipam.release(id));
      await this.writeEndpointFile(endpoint);
      undo.push(() => rm(this.endpointFile(id), { force: true }));
      await createSandbox({ id, path: sandboxKey, ops: this.ops });
      undo.push(() => removeSandbox(sandboxKey));
      const attached = await attachEndpoint({
        sandboxPath: sandboxKey,
        bridge: this.bridge,
        hostIfName: endpoint.hostIfName,
        address: endpoint.address,
        prefixLength: this.prefixLength,
        gateway: this.gateway,
        ops: this.ops,
        ...(this.options.mtu === undefined ? {} : { mtu: this.options.mtu }),
      });
      endpoint.mac = attached.mac;
      undo.push(() => detachEndpoint(endpoint.hostIfName, this.ops));
      await this.writeEndpointFile(endpoint);
      const published = await this.publisher.publish({
        id,
        endpointName: request.name,
        containerAddress: endpoint.address,
        bridge: this.bridge,
        requests,
      });
      if (published.ports.length > 0) this.published.set(id, published);
      endpoint.ports = portMapOf(published);
      this.endpoints.set(id, endpoint);
      return endpoint;
    } catch (err) {
      for (const step of undo.reverse()) {
        await step().catch((cleanupErr: unknown) =>
          this.options.logger.warn('undoing a bridge connect failed', {
            container: id,
            error: messageOf(cleanupErr),
          }),
        );
      }
      throw err;
    }
  }

  /**
   * Disconnects a container: ports, veth, sandbox, address. Idempotent, and works from the
   * files alone (for an endpoint a previous daemon made).
   */
  async disconnect(containerId: string): Promise<void> {
    if (!ID.test(containerId)) return;
    const endpoint =
      this.endpoints.get(containerId) ?? (await readJson<EndpointFile>(this.endpointFile(containerId)));
    this.endpoints.delete(containerId);
    const published = this.published.get(containerId);
    this.published.delete(containerId);
    if (published) await this.publisher.unpublish(published);
    else {
      const record = (await this.publisher.records()).find((r) => r.id === containerId);
      if (record) await this.publisher.unpublish(record);
    }
    await this.removeEndpointState(containerId, endpoint?.hostIfName);
  }

  private async removeEndpointState(containerId: string, hostIfName: string | undefined): Promise<void> {
    // The veth first: the namespace's own teardown frees the pair only later, and the address
    // may be handed out again at once.
    if (hostIfName !== undefined) await detachEndpoint(hostIfName, this.ops).catch(() => false);
    await removeSandbox(join(BridgeNetwork.netnsDir(this.options.execRoot), containerId));
    await this.ipam.release(containerId);
    await rm(this.endpointFile(containerId), { force: true });
  }

  private endpointFile(id: string): string {
    return join(BridgeNetwork.endpointsDir(this.options.execRoot), `${id}.json`);
  }

  private async writeEndpointFile(endpoint: BridgeEndpoint): Promise<void> {
    const { ports: _ports, ...rest } = endpoint;
    const file: EndpointFile = { version: 1, ...rest };
    await atomicWriteFile(this.endpointFile(endpoint.containerId), `${JSON.stringify(file)}\n`, {
      mode: 0o600,
    });
  }
}
