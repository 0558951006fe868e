/**
 * What the container lifecycle needs from the rest of ladingd, and the state it shares
 * between create, start, stop, remove and exec. The daemon (composition root) builds the
 * options; nothing here reads daemon.json.
 */
import { EventEmitter } from 'node:events';
import type { Image } from '../image/index.js';
import type { KeyedLock, LayerStore } from '../layer/index.js';
import type { Logger } from '../log/index.js';
import type { BridgeNetwork } from '../network/index.js';
import type { ContainerdClient } from '../runtime/index.js';
import type { ContainerRecord, ContainerRegistry, ContainerStore } from './model/index.js';
import type { StdioHub } from './io/index.js';
import type { RunningProcess } from './lifecycle/running-process.js';

export interface ContainerManagerOptions {
  /** `<data-root>/containers`: one directory per container. */
  containersDir: string;
  /** `<exec-root>/fifo`: the stdio FIFOs of running processes. */
  fifoDir: string;
  layers: LayerStore;
  runtime: ContainerdClient;
  /** The image a name refers to; NotFoundError `No such image: x:latest` when none. */
  resolveImage(name: string): Image;
  /** The image with this id ("sha256:…"), if it still exists. */
  imageById(id: string): Image | undefined;
  /** Publishes a container event (`docker events`). */
  publish(action: string, record: ContainerRecord, attributes?: Record<string, string>): void;
  logger: Logger;
  /** The static tini that `--init` bind-mounts at /sbin/docker-init. */
  initBinary: string;
  /** Parent of every container's cgroup ("/lading"): containers get `<parent>/<id>`. */
  cgroupParent: string;
  /** The volume store, as far as containers need it (the daemon passes volume/'s store). */
  volumes: ContainerVolumes;
  /** daemon.json `live-restore` (read at each shutdown: SIGHUP may change it). */
  liveRestore(): boolean;
  /**
   * The default bridge network; undefined when there is none (daemon.json `"bridge": "none"`):
   * bridged containers then get a namespace with loopback only.
   */
  network?: ContainerNetwork;
}

/** What containers use of the default bridge network. */
export type ContainerNetwork = Pick<BridgeNetwork, 'connect' | 'disconnect' | 'reconcile'>;

/** A volume as a container sees it. */
export interface ContainerVolume {
  name: string;
  driver: string;
  /** `<data-root>/volumes/<name>/_data`. */
  mountpoint: string;
}

/**
 * What containers need from the volume store. References are kept in memory: create and
 * the daemon's start take them, rm drops them, and a referenced volume cannot be removed.
 */
export interface ContainerVolumes {
  /**
   * Creates the volume, or returns it when one of that name exists (ConflictError when it
   * exists with another driver). No name: a new anonymous volume (random 64-hex name and the
   * `com.docker.volume.anonymous` label).
   */
  create(request: {
    name?: string;
    driver?: string;
    labels?: Record<string, string>;
    options?: Record<string, string>;
  }): Promise<ContainerVolume>;
  /** NotFoundError `get <name>: no such volume`. */
  get(name: string): ContainerVolume;
  /** Records that a container uses the volume (NotFoundError when it is gone). */
  reference(name: string, containerId: string): void;
  release(name: string, containerId: string): void;
  /**
   * Mounts the volume if its options say how (type/device/o) and returns the host path to
   * bind. `details` (a container's start) go into the volume `mount` event, as dockerd's.
   */
  mount(
    name: string,
    containerId: string,
    details?: { destination: string; readWrite: boolean; propagation?: string },
  ): Promise<string>;
  /**
   * Counts a mount that a running container kept across a ladingd restart (live restore):
   * the volume's filesystem is already mounted, so nothing is mounted again.
   */
  restoreMount(name: string): void;
  /** `quiet`: no `unmount` event (the copy-in at create, which dockerd does not report). */
  unmount(name: string, containerId: string, options?: { quiet?: boolean }): Promise<void>;
  /** Removes it (rm -v); ConflictError with Docker's "volume is in use" wording while referenced. */
  remove(name: string): Promise<void>;
}

export interface ManagerContext {
  readonly options: ContainerManagerOptions;
  readonly registry: ContainerRegistry<ContainerRecord>;
  readonly store: ContainerStore;
  /** Serialises start/stop/remove/rename of one container. */
  readonly locks: KeyedLock;
  /** The container's process, while it runs. */
  readonly running: Map<string, RunningProcess>;
  /** containerd's deletion of an exited task and container, still running in the background. */
  readonly runtimeCleanups: Map<string, Promise<void>>;
  /** Restarts waiting for their back-off, and the last back-off of each container. */
  readonly pendingRestarts: Map<string, NodeJS.Timeout>;
  readonly restartDelays: Map<string, number>;
  /** Set when the daemon stops: exits then are not restarted. */
  readonly shuttingDown: boolean;
  /** Emits `exit:<id>` (with the exit code) and `removed:<id>`. */
  readonly lifecycle: EventEmitter;
  containerDir(id: string): string;
  /** Drops the exec records of a container that stopped (dockerd keeps them only while it runs). */
  forgetExecs(id: string): void;
  /** The container's stdio hub; it outlives processes so `docker run` can attach before start. */
  hub(record: ContainerRecord): StdioHub;
  /** Drops a removed container's hub, ending any attach still waiting on it. */
  forgetHub(id: string): void;
  save(record: ContainerRecord): Promise<void>;
}
