/**
 * The composition root: turns a resolved config into running services and tears them down
 * in reverse order. Order of start (each step undone if a later one fails):
 *
 *   directories → data-root lock → daemon id → layer and image stores → containerd (ours or
 *   an existing one) → events, system and image services → API listeners → "Daemon has
 *   completed initialization"
 *
 * Host addresses and TLS files are checked before anything is started, so a config mistake
 * fails fast without starting (and stopping) containerd.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createApiServer, type ApiServer, type TlsOptions } from '../api/server/index.js';
import { InvalidArgumentError, UnavailableError, messageOf } from '../errors/index.js';
import { ImageStore } from '../image/index.js';
import { ContainerManager, DEFAULT_INIT_PATH } from '../container/index.js';
import { BridgeNetwork } from '../network/index.js';
import { isDigest } from '../oci/index.js';
import { ContainerService } from './container-service.js';
import { createLayerStore } from '../layer/index.js';
import type { LayerStore } from '../layer/index.js';
import type { Logger } from '../log/index.js';
import type { ContainerdClient } from '../runtime/containerd-client.js';
import { ContainerdProcess } from '../runtime/containerd-process.js';
import { GrpcContainerdClient } from '../runtime/grpc-containerd-client.js';
import { runcVersion } from '../runtime/runc-version.js';
import { buildInfo } from './build-info.js';
import {
  effectiveLogLevel,
  reloadConfig,
  RELOADABLE_KEYS,
  type DaemonConfig,
  type DaemonConfigFile,
} from './config/index.js';
import { DataRootLock } from './data-root-lock.js';
import { DiskUsageService } from './disk-usage-service.js';
import { DistributionService } from './distribution-service.js';
import { loadOrCreateDaemonId } from './daemon-id.js';
import { EventsService } from './events-service.js';
import { hostname } from './host-facts.js';
import { RegistryService } from './registry-service.js';
import { ImageService } from './image-service.js';
import { groupId, parseHost, type ListenAddress } from './hosts.js';
import { SystemService } from './system-service.js';
import { VolumeStore } from '../volume/index.js';
import { CommitService } from './commit-service.js';
import { VolumeService } from './volume-service.js';

export interface DaemonOptions {
  config: DaemonConfig;
  logger: Logger;
  /** The settings given as flags, kept so a reload can re-check them against the file. */
  flags: DaemonConfigFile;
  /** --config-file as given (undefined: the default path, optional). */
  configFile?: string;
}

/** Group that may use the API socket without being root, as `docker` is for dockerd. */
export const SOCKET_GROUP = 'lading';
const SOCKET_MODE = 0o660;
/** How long an existing containerd (daemon.json "containerd") gets to answer at start. */
const EXTERNAL_CONTAINERD_TIMEOUT_MS = 10_000;

type Cleanup = () => Promise<void> | void;

export class Daemon {
  private config: DaemonConfig;
  private readonly logger: Logger;
  private readonly cleanups: Cleanup[] = [];
  private stopping: Promise<void> | undefined;
  private daemonId = '';
  private containerdProcess: ContainerdProcess | undefined;
  private registry: RegistryService | undefined;
  private distribution: DistributionService | undefined;
  readonly events = new EventsService();

  private constructor(private readonly options: DaemonOptions) {
    this.config = options.config;
    this.logger = options.logger;
  }

  /** Starts everything; on failure, undoes what was started and rethrows. */
  static async start(options: DaemonOptions): Promise<Daemon> {
    const daemon = new Daemon(options);
    try {
      await daemon.startServices();
    } catch (err) {
      await daemon.teardown();
      throw err;
    }
    return daemon;
  }

  /** The pid of the containerd this daemon runs, if it runs one. */
  get containerdPid(): number | undefined {
    return this.containerdProcess?.pid;
  }

  private async startServices(): Promise<void> {
    const { config, logger } = this;
    logger.level = effectiveLogLevel(config);
    const listeners = config.hosts.map((host) => parseHost(host, config.tls.enabled));
    const tls = listeners.some((l) => l.kind === 'tcp') ? await this.readTls() : undefined;

    const lock = await DataRootLock.acquire(config.dataRoot);
    this.cleanups.push(() => lock.release());
    const execLock = await DataRootLock.acquire(config.execRoot, 'exec root', 0o700);
    this.cleanups.push(() => execLock.release());
    logger.debug('took the data and exec root locks', { data: lock.path, exec: execLock.path });
    this.daemonId = await loadOrCreateDaemonId(config.dataRoot);
    const { layers, images } = await this.openStores();

    const containerd = await this.startContainerd();
    const [build, runc] = await Promise.all([buildInfo(), runcVersion()]);
    if (!runc) logger.warn('runc not found or not working; containers will not run');

    const imageService = new ImageService({
      store: images,
      events: this.events,
      logger: logger.with({ module: 'image' }),
      // Called only once containers exist (by rmi and prune through the API).
      inUse: (imageId) => containers.imageUsage(imageId),
    });
    const volumes = await VolumeStore.open({
      root: join(config.dataRoot, 'volumes'),
      logger: logger.with({ module: 'volume' }),
      onEvent: (event) =>
        this.events.publish({
          type: 'volume',
          action: event.action,
          actorId: event.name,
          attributes: event.attributes,
        }),
    });
    this.cleanups.push(() => volumes.close());
    const containers = await this.openContainers(layers, images, imageService, containerd, volumes);
    const containerService = new ContainerService(containers, imageService, images);
    const system = new SystemService({
      config: () => this.config,
      daemonId: this.daemonId,
      containerd,
      build,
      runc,
      eventListeners: () => this.events.listenerCount,
      storage: () => ({ driver: layers.driver, images: images.count }),
      containers: () => {
        const all = containers.all();
        const paused = all.filter((c) => c.State.Paused).length;
        const running = all.filter((c) => c.State.Running).length - paused;
        return { running, paused, stopped: all.length - running - paused };
      },
    });
    const registry = new RegistryService({
      config,
      logger: logger.with({ module: 'registry' }),
      userAgent: `lading/${build.version}`,
    });
    this.registry = registry;
    this.cleanups.push(() => registry.close());
    this.distribution = await DistributionService.open({
      images,
      registry,
      events: this.events,
      logger: logger.with({ module: 'distribution' }),
      maxConcurrentDownloads: config.maxConcurrentDownloads,
      maxConcurrentUploads: config.maxConcurrentUploads,
    });
    const diskUsage = new DiskUsageService(imageService, volumes);
    const api = createApiServer({
      backends: {
        system,
        events: this.events,
        images: imageService,
        systemDf: diskUsage,
        systemCheck: diskUsage,
        distribution: this.distribution,
        containers: containerService,
        exec: containerService.asExecBackend(),
        observe: containerService,
        archive: containerService.asArchiveBackend(),
        commit: new CommitService(containers, imageService, images),
        volumes: new VolumeService(volumes),
      },
      logger: logger.with({ module: 'api' }),
      serverName: `lading/${build.version}`,
    });
    this.cleanups.push(() => api.close());
    for (const listener of listeners) await this.listen(api, listener, tls);

    logger.info('Daemon has completed initialization', {
      version: build.version,
      'data-root': config.dataRoot,
      'exec-root': config.execRoot,
    });
  }

  /**
   * The layer store (driver from daemon.json "storage-driver", else chosen by probing) and the
   * image store over it, in `<data-root>/image/<driver>`. Closed in reverse at stop.
   */
  private async openStores(): Promise<{ layers: LayerStore; images: ImageStore }> {
    const { config, logger } = this;
    const configured = this.config.source['storage-driver'];
    const layers = await createLayerStore({
      root: config.dataRoot,
      ...(configured !== undefined && { driver: configured }),
      logger,
    });
    // With live restore, running containers keep their mounted rootfs while ladingd is away.
    this.cleanups.push(() => layers.close({ keepMounts: this.config.liveRestore }));
    const images = await ImageStore.open({
      root: join(config.dataRoot, 'image', layers.driver),
      layers,
      logger: logger.with({ module: 'image' }),
    });
    this.cleanups.push(() => images.close());
    // Layers a crash left between registering and recording an image (hostile-input row 23).
    await images.collectOrphanLayers();
    logger.info('storage ready', {
      driver: layers.driver,
      images: images.count,
      layers: layers.list().length,
    });
    return { layers, images };
  }

  /**
   * The containers (`<data-root>/containers`), loaded before the API listens. Registered
   * after the stores and containerd, so at stop it runs first: running containers are
   * stopped while containerd and the layer store are still there.
   */
  private async openContainers(
    layers: LayerStore,
    images: ImageStore,
    imageService: ImageService,
    runtime: ContainerdClient,
    volumes: VolumeStore,
  ): Promise<ContainerManager> {
    const { config, logger } = this;
    const network = await this.openBridgeNetwork();
    const manager = new ContainerManager({
      containersDir: join(config.dataRoot, 'containers'),
      fifoDir: join(config.execRoot, 'fifo'),
      layers,
      runtime,
      resolveImage: (name) => imageService.resolve(name).image,
      imageById: (id) => (isDigest(id) ? images.get(id) : undefined),
      publish: (action, record, attributes = {}) =>
        this.events.publish({
          type: 'container',
          action,
          actorId: record.ID,
          attributes: {
            ...record.Config.Labels,
            image: record.Config.Image,
            name: record.Name.slice(1),
            ...attributes,
          },
        }),
      logger: logger.with({ module: 'container' }),
      initBinary: DEFAULT_INIT_PATH,
      cgroupParent: config.cgroupParent,
      volumes,
      liveRestore: () => this.config.liveRestore,
      ...(network === undefined ? {} : { network }),
    });
    await manager.open();
    this.cleanups.push(() => manager.close());
    logger.info('containers loaded', { containers: manager.all().length });
    return manager;
  }

  /**
   * The default bridge network (daemon.json `bridge`, `bip`, `iptables`, `mtu`), unless
   * `"bridge": "none"`. Its leftovers are reconciled by the containers' recovery, which knows
   * which containers still run.
   */
  private async openBridgeNetwork(): Promise<BridgeNetwork | undefined> {
    const { config, logger } = this;
    if (config.bridge === 'none') return undefined;
    return BridgeNetwork.open({
      bridge: config.bridge,
      ...(config.bip === undefined ? {} : { bip: config.bip }),
      dataDir: join(config.dataRoot, 'network'),
      execRoot: config.execRoot,
      chainPrefix: config.iptablesChainPrefix,
      iptables: config.iptables,
      ipForward: config.ipForward,
      ...(config.mtu === undefined ? {} : { mtu: config.mtu }),
      logger: logger.with({ module: 'network' }),
    });
  }

  private async startContainerd(): Promise<ContainerdClient> {
    const { config, logger } = this;
    if (config.containerd !== undefined) {
      const client = await GrpcContainerdClient.connect({
        address: config.containerd,
        namespace: config.containerdNamespace,
        runcRoot: join(config.execRoot, 'runc'),
      });
      this.cleanups.push(() => client.close());
      try {
        const v = await client.version({ timeoutMs: EXTERNAL_CONTAINERD_TIMEOUT_MS });
        logger.info('using existing containerd', { address: config.containerd, version: v.version });
      } catch (err) {
        throw new UnavailableError(`cannot reach containerd at ${config.containerd}: ${messageOf(err)}`, {
          cause: err,
        });
      }
      return client;
    }
    // The client points at the socket containerd is about to create; the supervisor uses it
    // to tell when containerd is up, and it reconnects across restarts. Loading the .proto
    // files takes ~150 ms, so it runs while containerd boots rather than before.
    const supervisor = new ContainerdProcess({
      dataRoot: config.dataRoot,
      execRoot: config.execRoot,
      logger,
      logLevel: effectiveLogLevel(config) === 'debug' ? 'debug' : 'info',
      probe: async () => (await connecting).version({ timeoutMs: 1000 }),
    });
    const connecting = GrpcContainerdClient.connect({
      address: supervisor.address,
      namespace: config.containerdNamespace,
      runcRoot: join(config.execRoot, 'runc'),
    });
    connecting.then(
      (client) => this.cleanups.push(() => client.close()),
      () => undefined, // reported by the await below
    );
    this.containerdProcess = supervisor;
    this.cleanups.push(() => supervisor.stop());
    const [client] = await Promise.all([connecting, supervisor.start()]);
    return client;
  }

  private async readTls(): Promise<TlsOptions> {
    const { tls } = this.config;
    if (tls.cert === undefined || tls.key === undefined) {
      throw new InvalidArgumentError('TLS is enabled but "tlscert" and "tlskey" are not both set');
    }
    if (tls.verify && tls.caCert === undefined) {
      throw new InvalidArgumentError('"tlsverify" needs "tlscacert" to check client certificates against');
    }
    const read = (path: string, what: string): Promise<Buffer> =>
      readFile(path).catch((err: unknown) => {
        throw new InvalidArgumentError(`cannot read ${what} ${path}: ${messageOf(err)}`, { cause: err });
      });
    return {
      cert: await read(tls.cert, 'tlscert'),
      key: await read(tls.key, 'tlskey'),
      ...(tls.verify && tls.caCert !== undefined && { ca: await read(tls.caCert, 'tlscacert') }),
    };
  }

  private async listen(api: ApiServer, address: ListenAddress, tls: TlsOptions | undefined): Promise<void> {
    if (address.kind === 'tcp') {
      if (!tls) throw new InvalidArgumentError(`refusing to listen on ${address.url} without TLS`);
      await api.listenTcp(address.host, address.port, tls);
      return;
    }
    await mkdir(dirname(address.path), { recursive: true, mode: 0o755 });
    const gid = await groupId(SOCKET_GROUP);
    // Without a lading group the socket stays root:root, usable by root only.
    await api.listenUnix(address.path, { mode: SOCKET_MODE, ...(gid !== undefined && { gid }) });
  }

  /** SIGHUP: re-read daemon.json and apply the reloadable settings; a bad file changes nothing. */
  async reload(): Promise<void> {
    const { logger } = this;
    let result;
    try {
      result = await reloadConfig(this.config, {
        ...(this.options.configFile !== undefined && { configFile: this.options.configFile }),
        flags: this.options.flags,
      });
    } catch (err) {
      logger.error('reloading the configuration failed; keeping the current one', { error: messageOf(err) });
      return;
    }
    this.config = result.config;
    logger.level = effectiveLogLevel(this.config);
    this.registry?.reconfigure(this.config);
    this.distribution?.setLimits({
      downloads: this.config.maxConcurrentDownloads,
      uploads: this.config.maxConcurrentUploads,
    });
    for (const key of result.needsRestart) {
      logger.warn(`"${key}" changed in daemon.json but only takes effect after a restart of ladingd`);
    }
    logger.info('reloaded the configuration', { changed: result.applied.join(',') || 'nothing' });
    const source = this.config.source as Record<string, unknown>;
    const attributes: Record<string, string> = { name: hostname() };
    for (const key of RELOADABLE_KEYS) {
      // dockerd reports the effective live-restore setting, "false" when the file is silent.
      const value = key === 'live-restore' ? this.config.liveRestore : source[key];
      attributes[key] =
        value === undefined
          ? ''
          : Array.isArray(value)
            ? `[${value.join(' ')}]`
            : typeof value === 'object' && value !== null
              ? JSON.stringify(value) // the map form of registry-mirrors
              : String(value);
    }
    this.events.publish({ type: 'daemon', action: 'reload', actorId: this.daemonId, attributes });
  }

  /** Graceful stop; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('stopping the daemon');
      await this.teardown();
      this.logger.info('daemon stopped');
    })();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    while (this.cleanups.length > 0) {
      const cleanup = this.cleanups.pop()!;
      try {
        await cleanup();
      } catch (err) {
        this.logger.error('error during shutdown', { error: messageOf(err) });
      }
    }
  }
}
