/**
 * The kernel operations that bridges and sandboxes need, as one narrow interface. The only
 * implementation today (`iproute2-link-ops.ts`) runs iproute2 and util-linux per operation;
 * a netlink implementation can replace it without touching bridge/ or sandbox/.
 */

export interface LinkInfo {
  name: string;
  /** rtnetlink kind: "bridge", "veth", … (undefined for plain devices such as eth0 or lo). */
  kind: string | undefined;
  up: boolean;
  mtu: number;
  /** The bridge this link is enslaved to. */
  master: string | undefined;
  mac: string;
  /** IPv4 addresses as "a.b.c.d/n". */
  ipv4: string[];
}

export interface VethSpec {
  /** Network namespace file (see sandbox/) that receives the container end. */
  sandboxPath: string;
  /** Name of the end left in the daemon's namespace, e.g. "veth1a2b3c4". */
  hostIfName: string;
  /** Name of the end inside the sandbox, e.g. "eth0". */
  ifName: string;
  /** MAC of the container end. */
  mac: string;
  mtu: number;
}

export interface SandboxInterfaceSpec {
  sandboxPath: string;
  ifName: string;
  /** "a.b.c.d/n" */
  address: string;
  /** Default route via this address; none when undefined (an internal network). */
  gateway: string | undefined;
}

export interface LinkOps {
  /** The link in the daemon's namespace, or undefined when there is none by that name. */
  getLink(name: string): Promise<LinkInfo | undefined>;
  /** Every link in the daemon's namespace. */
  listLinks(): Promise<LinkInfo[]>;
  createBridge(name: string, mtu: number | undefined): Promise<void>;
  /** Adds "a.b.c.d/n" to a link (with its broadcast address). */
  addAddress(name: string, cidr: string): Promise<void>;
  setUp(name: string): Promise<void>;
  deleteLink(name: string): Promise<void>;
  /** The daemon namespace's IPv4 on-link routes (scope link) in the main table, as prefixes. */
  onLinkRoutes(): Promise<string[]>;
  /** Binds a new network namespace at `path` (an existing empty file) and brings its `lo` up. */
  createNetns(path: string): Promise<void>;
  /** Creates a veth pair: `ifName` inside the sandbox, `hostIfName` in the daemon's namespace (down). */
  createVeth(spec: VethSpec): Promise<void>;
  /** Inside the sandbox: address on `ifName`, link up, default route via the gateway. */
  configureSandboxInterface(spec: SandboxInterfaceSpec): Promise<void>;
  /** Enslaves a link to a bridge and brings it up. */
  attachToBridge(name: string, bridge: string): Promise<void>;
}
