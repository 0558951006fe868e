/**
 * The resolved configuration the rest of the daemon reads: defaults filled in, flags merged
 * over the file. Only the composition root sees daemon.json keys; services get this shape
 * (or narrower options objects made from it).
 */
import { InvalidArgumentError } from '../../errors/index.js';
import type { LogLevel } from '../../log/index.js';
import {
  DEFAULT_CONTAINERD_NAMESPACE,
  DEFAULT_CGROUP_PARENT,
  DEFAULT_DATA_ROOT,
  DEFAULT_EXEC_ROOT,
  DEFAULT_HOST,
  DEFAULT_MAX_CONCURRENT_DOWNLOADS,
  DEFAULT_MAX_CONCURRENT_UPLOADS,
} from './defaults.js';
import type { DaemonConfigFile } from './schema.js';
import { DEFAULT_BRIDGE_NAME, DEFAULT_CHAIN_PREFIX } from '../../network/index.js';

export interface TlsConfig {
  enabled: boolean;
  verify: boolean;
  cert?: string;
  key?: string;
  caCert?: string;
}

export interface DaemonConfig {
  /** The daemon.json that was read, or undefined when the default path did not exist. */
  configFile?: string;
  dataRoot: string;
  execRoot: string;
  hosts: string[];
  logLevel: LogLevel;
  debug: boolean;
  /** Mirrors of docker.io (Docker's `registry-mirrors` list, and `Mirrors` in /info). */
  registryMirrors: string[];
  /** Mirrors of every registry, docker.io included: either form of `registry-mirrors`. */
  mirrorsByRegistry: Record<string, string[]>;
  /** `registry-mirror-only`: registries pulled through their mirrors only, never the upstream. */
  registryMirrorOnly: string[];
  insecureRegistries: string[];
  storageDriver: 'overlay2' | 'vfs';
  bip?: string;
  /** The default bridge's name (daemon.json `bridge`); "none" disables the default network. */
  bridge: string;
  /** Prefix of lading's iptables chains (production "LADING"). */
  iptablesChainPrefix: string;
  labels: string[];
  /** Socket of an existing containerd; when set, ladingd starts none of its own. */
  containerd?: string;
  containerdNamespace: string;
  /** Parent cgroup of containers: each runs in `<cgroupParent>/<id>`. */
  cgroupParent: string;
  tls: TlsConfig;
  liveRestore: boolean;
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  defaultUlimits: Record<string, { Name?: string; Hard: number; Soft: number }>;
  dns: string[];
  mtu?: number;
  iptables: boolean;
  ipForward: boolean;
  userlandProxy: boolean;
  /** The merged file+flag settings this was made from, kept to tell what a reload changed. */
  source: DaemonConfigFile;
}

/** The level to log at: -D / "debug": true wins over "log-level", as with dockerd. */
export function effectiveLogLevel(config: Pick<DaemonConfig, 'debug' | 'logLevel'>): LogLevel {
  return config.debug ? 'debug' : config.logLevel;
}

/** Every spelling of Docker Hub is docker.io, as in references. */
const DOCKER_HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io']);

function canonicalRegistryName(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry) ? 'docker.io' : registry;
}

/** Both forms of `registry-mirrors` as one map; the list form means docker.io. */
export function mirrorsByRegistry(value: DaemonConfigFile['registry-mirrors']): Record<string, string[]> {
  if (value === undefined) return {};
  if (Array.isArray(value)) return value.length > 0 ? { 'docker.io': [...value] } : {};
  const out: Record<string, string[]> = {};
  for (const [registry, mirrors] of Object.entries(value)) {
    const name = canonicalRegistryName(registry);
    out[name] = [...(out[name] ?? []), ...mirrors];
  }
  return out;
}

/** A mirror-only registry without a mirror could never be pulled from: refused up front. */
function checkMirrorOnly(only: readonly string[], mirrors: Record<string, string[]>): string[] {
  const names = [...new Set(only.map(canonicalRegistryName))];
  for (const name of names) {
    if ((mirrors[name] ?? []).length === 0) {
      throw new InvalidArgumentError(
        `"registry-mirror-only" names ${name}, which has no mirror in "registry-mirrors"`,
      );
    }
  }
  return names;
}

export function resolveConfig(merged: DaemonConfigFile, configFile?: string): DaemonConfig {
  const tlsverify = merged.tlsverify ?? false;
  const mirrors = mirrorsByRegistry(merged['registry-mirrors']);
  return {
    ...(configFile !== undefined && { configFile }),
    dataRoot: merged['data-root'] ?? DEFAULT_DATA_ROOT,
    execRoot: merged['exec-root'] ?? DEFAULT_EXEC_ROOT,
    hosts: merged.hosts && merged.hosts.length > 0 ? merged.hosts : [DEFAULT_HOST],
    logLevel: merged['log-level'] ?? 'info',
    debug: merged.debug ?? false,
    registryMirrors: mirrors['docker.io'] ?? [],
    mirrorsByRegistry: mirrors,
    registryMirrorOnly: checkMirrorOnly(merged['registry-mirror-only'] ?? [], mirrors),
    insecureRegistries: merged['insecure-registries'] ?? [],
    storageDriver: merged['storage-driver'] ?? 'overlay2',
    ...(merged.bip !== undefined && { bip: merged.bip }),
    bridge: merged.bridge ?? DEFAULT_BRIDGE_NAME,
    iptablesChainPrefix: merged['iptables-chain-prefix'] ?? DEFAULT_CHAIN_PREFIX,
    labels: merged.labels ?? [],
    ...(merged.containerd !== undefined && { containerd: merged.containerd }),
    containerdNamespace: merged['containerd-namespace'] ?? DEFAULT_CONTAINERD_NAMESPACE,
    cgroupParent: merged['cgroup-parent'] ?? DEFAULT_CGROUP_PARENT,
    tls: {
      // --tlsverify implies TLS, as it does for dockerd.
      enabled: (merged.tls ?? false) || tlsverify,
      verify: tlsverify,
      ...(merged.tlscert !== undefined && { cert: merged.tlscert }),
      ...(merged.tlskey !== undefined && { key: merged.tlskey }),
      ...(merged.tlscacert !== undefined && { caCert: merged.tlscacert }),
    },
    liveRestore: merged['live-restore'] ?? false,
    maxConcurrentDownloads: merged['max-concurrent-downloads'] ?? DEFAULT_MAX_CONCURRENT_DOWNLOADS,
    maxConcurrentUploads: merged['max-concurrent-uploads'] ?? DEFAULT_MAX_CONCURRENT_UPLOADS,
    defaultUlimits: merged['default-ulimits'] ?? {},
    dns: merged.dns ?? [],
    ...(merged.mtu !== undefined && { mtu: merged.mtu }),
    iptables: merged.iptables ?? true,
    ipForward: merged['ip-forward'] ?? true,
    userlandProxy: merged['userland-proxy'] ?? true,
    source: merged,
  };
}
