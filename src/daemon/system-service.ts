/**
 * GET /version and GET /info. Every value is either true of lading on this host or an
 * honest empty: features lading does not have yet (networks, volumes, seccomp) are not
 * advertised until the code that provides them exists.
 */
import os from 'node:os';
import type { SystemBackend } from '../api/server/backends.js';
import { API_VERSION_DEFAULT, API_VERSION_MIN } from '../api/types/index.js';
import type { ComponentVersion, InfoResponse, RegistryConfig, VersionResponse } from '../api/types/index.js';
import type { ContainerdClient, ContainerdVersion } from '../runtime/containerd-client.js';
import type { RuncVersion } from '../runtime/runc-version.js';
import type { BuildInfo } from './build-info.js';
import type { DaemonConfig } from './config/index.js';
import {
  backingFilesystem,
  cgroupFacts,
  goArch,
  hostname,
  ipv4Forwarding,
  openFileCount,
  osRelease,
} from './host-facts.js';

export interface ContainerCounts {
  running: number;
  paused: number;
  stopped: number;
}

export interface SystemServiceOptions {
  /** The current config (a function: SIGHUP may replace it). */
  config: () => DaemonConfig;
  daemonId: string;
  /** Only its version is asked for (`/version`, `/info`). */
  containerd: Pick<ContainerdClient, 'version'>;
  build: BuildInfo;
  runc: RuncVersion | undefined;
  /** Live `docker events` subscriptions. */
  eventListeners: () => number;
  /** The storage driver in use and the image count, once the stores are open. */
  storage?: () => { driver: string; images: number };
  /** Containers by state, for /info's counts. */
  containers?: () => ContainerCounts;
}

const INDEX_SERVER = 'https://index.docker.io/v1/';
/** A short deadline: /version must answer even while containerd is being restarted. */
const CONTAINERD_VERSION_TIMEOUT_MS = 2000;

function isCidr(value: string): boolean {
  return /^[0-9a-fA-F:.]+\/\d+$/.test(value);
}

/** Mirrors as Docker lists them in /info: with one trailing slash. */
function shownMirror(url: string): string {
  return url.replace(/\/+$/, '') + '/';
}

/** Loopback registries are plain HTTP without being listed, as with Docker. */
function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.split(':')[0];
  return host === 'localhost' || host === '::1' || /^127\./.test(host ?? '');
}

export function registryConfig(
  config: Pick<
    DaemonConfig,
    'registryMirrors' | 'mirrorsByRegistry' | 'registryMirrorOnly' | 'insecureRegistries'
  >,
): RegistryConfig {
  const dockerHubMirrors = config.registryMirrors.map(shownMirror);
  const indexConfigs: RegistryConfig['IndexConfigs'] = {
    'docker.io': { Name: 'docker.io', Mirrors: dockerHubMirrors, Secure: true, Official: true },
  };
  const cidrs = ['127.0.0.0/8', '::1/128'];
  const insecureHosts = new Set<string>();
  for (const entry of config.insecureRegistries) {
    if (isCidr(entry)) cidrs.push(entry);
    else insecureHosts.add(entry);
  }
  for (const entry of insecureHosts) {
    indexConfigs[entry] = { Name: entry, Mirrors: [], Secure: false, Official: false };
  }
  // Beyond Docker: mirrors of other registries show in their own index config.
  const byRegistry: Record<string, string[]> = {};
  for (const [registry, mirrors] of Object.entries(config.mirrorsByRegistry)) {
    byRegistry[registry] = mirrors.map(shownMirror);
    if (registry === 'docker.io') continue;
    indexConfigs[registry] = {
      Name: registry,
      Mirrors: byRegistry[registry],
      Secure: !insecureHosts.has(registry) && !isLoopbackRegistry(registry),
      Official: false,
    };
  }
  return {
    AllowNondistributableArtifactsCIDRs: null,
    AllowNondistributableArtifactsHostnames: null,
    InsecureRegistryCIDRs: cidrs,
    IndexConfigs: indexConfigs,
    Mirrors: dockerHubMirrors,
    RegistryMirrors: byRegistry,
    RegistryMirrorOnly: [...config.registryMirrorOnly],
  };
}

export class SystemService implements SystemBackend {
  private lastContainerd: ContainerdVersion | undefined;

  constructor(private readonly options: SystemServiceOptions) {}

  /** containerd's version, or the last one seen if it is restarting right now. */
  private async containerdVersion(): Promise<ContainerdVersion | undefined> {
    try {
      this.lastContainerd = await this.options.containerd.version({
        timeoutMs: CONTAINERD_VERSION_TIMEOUT_MS,
      });
    } catch {
      // keep the last known value
    }
    return this.lastContainerd;
  }

  async version(): Promise<VersionResponse> {
    const { build, runc } = this.options;
    const arch = goArch();
    const kernel = os.release();
    const nodeVersion = `node ${process.version}`;
    const components: ComponentVersion[] = [
      {
        Name: 'Engine',
        Version: build.version,
        Details: {
          ApiVersion: API_VERSION_DEFAULT,
          Arch: arch,
          BuildTime: build.buildTime,
          Experimental: 'false',
          GitCommit: build.gitCommit,
          GoVersion: nodeVersion,
          KernelVersion: kernel,
          MinAPIVersion: API_VERSION_MIN,
          Os: 'linux',
        },
      },
    ];
    const containerd = await this.containerdVersion();
    if (containerd) {
      components.push({
        Name: 'containerd',
        Version: containerd.version,
        Details: { GitCommit: containerd.revision },
      });
    }
    if (runc) components.push({ Name: 'runc', Version: runc.version, Details: { GitCommit: runc.commit } });
    return {
      Platform: { Name: 'lading Engine' },
      Components: components,
      Version: build.version,
      ApiVersion: API_VERSION_DEFAULT,
      MinAPIVersion: API_VERSION_MIN,
      GitCommit: build.gitCommit,
      GoVersion: nodeVersion,
      Os: 'linux',
      Arch: arch,
      KernelVersion: kernel,
      BuildTime: build.buildTime,
      Experimental: false,
    };
  }

  async info(): Promise<InfoResponse> {
    const config = this.options.config();
    const [release, cgroups, backing, forwarding, nfd, containerd] = await Promise.all([
      osRelease(),
      cgroupFacts(),
      backingFilesystem(config.dataRoot),
      ipv4Forwarding(),
      openFileCount(),
      this.containerdVersion(),
    ]);
    const storage = this.options.storage?.() ?? { driver: config.storageDriver, images: 0 };
    const counts = this.options.containers?.() ?? { running: 0, paused: 0, stopped: 0 };
    const driverStatus: [string, string][] =
      storage.driver === 'overlay2'
        ? [
            ['Backing Filesystem', backing.name],
            ['Supports d_type', String(backing.supportsDType)],
            ['Using metacopy', 'false'],
            ['Native Overlay Diff', 'true'],
            ['userxattr', 'false'],
          ]
        : [];
    return {
      ID: this.options.daemonId,
      Containers: counts.running + counts.paused + counts.stopped,
      ContainersRunning: counts.running,
      ContainersPaused: counts.paused,
      ContainersStopped: counts.stopped,
      Images: storage.images,
      Driver: storage.driver,
      DriverStatus: driverStatus,
      Plugins: { Volume: [], Network: [], Authorization: null, Log: [] },
      MemoryLimit: cgroups.memoryLimit,
      SwapLimit: cgroups.swapLimit,
      CpuCfsPeriod: cgroups.cpuCfs,
      CpuCfsQuota: cgroups.cpuCfs,
      CPUShares: cgroups.cpuShares,
      CPUSet: cgroups.cpuSet,
      PidsLimit: cgroups.pidsLimit,
      IPv4Forwarding: forwarding,
      Debug: config.debug || config.logLevel === 'debug',
      NFd: nfd,
      OomKillDisable: cgroups.oomKillDisable,
      // Node has no goroutines; its closest analogue is the number of live handles/requests.
      NGoroutines: process.getActiveResourcesInfo().length,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: cgroups.version,
      NEventsListener: this.options.eventListeners(),
      KernelVersion: os.release(),
      OperatingSystem: release.prettyName,
      OSVersion: release.versionId,
      OSType: 'linux',
      Architecture: os.machine(),
      IndexServerAddress: INDEX_SERVER,
      RegistryConfig: registryConfig(config),
      NCPU: os.availableParallelism(),
      MemTotal: os.totalmem(),
      GenericResources: null,
      DockerRootDir: config.dataRoot,
      HttpProxy: process.env['HTTP_PROXY'] ?? process.env['http_proxy'] ?? '',
      HttpsProxy: process.env['HTTPS_PROXY'] ?? process.env['https_proxy'] ?? '',
      NoProxy: process.env['NO_PROXY'] ?? process.env['no_proxy'] ?? '',
      Name: hostname(),
      Labels: config.labels,
      ExperimentalBuild: false,
      ServerVersion: this.options.build.version,
      Runtimes: { runc: { path: 'runc' } },
      DefaultRuntime: 'runc',
      Swarm: {
        NodeID: '',
        NodeAddr: '',
        LocalNodeState: 'inactive',
        ControlAvailable: false,
        Error: '',
        RemoteManagers: null,
      },
      LiveRestoreEnabled: config.liveRestore,
      Isolation: '',
      InitBinary: '',
      ContainerdCommit: { ID: containerd?.revision ?? '' },
      RuncCommit: { ID: this.options.runc?.commit ?? '' },
      InitCommit: { ID: '' },
      // No seccomp profile is applied to containers yet; this is filled in when it is.
      SecurityOptions: [],
      Warnings: [],
    };
  }
}
