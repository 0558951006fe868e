/**
 * The containers of one ladingd: the records (loaded at start, saved on every change), the
 * name and id index, and the processes that run. Each operation lives in its own file under
 * lifecycle/; this class holds the shared state and is what the daemon's backends call.
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import type {
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspect,
  HostConfig,
  ContainersPruneResponse,
  ContainerSummary,
  ContainerWaitResponse,
  WaitCondition,
} from '../api/types/index.js';
import { ConflictError, InvalidArgumentError } from '../errors/index.js';
import { KeyedLock, treeSize, type LayerChange } from '../layer/index.js';
import type { EventSubscription } from '../runtime/index.js';
import {
  ContainerRegistry,
  ContainerStore,
  filterContainers,
  goTimeMs,
  inspectContainer,
  summarizeContainer,
  type ContainerFilterHelpers,
  type ContainerListQuery,
  type ContainerRecord,
} from './model/index.js';
import type { ProcessSession } from './attach-session.js';
import { ExecManager } from './exec/exec-manager.js';
import type { LogLine } from './logs/index.js';
import { attachContainer, type AttachRequest } from './lifecycle/attach.js';
import { containerLogs, type LogsRequest } from './lifecycle/logs.js';
import {
  containerStats,
  containerTop,
  pauseContainer,
  unpauseContainer,
  validatePsArgs,
} from './lifecycle/observe.js';
import { DEFAULT_PS_ARGS, type TopResult } from './observe/index.js';
import { copyIn, copyOut, statPath } from './lifecycle/copy.js';
import { updateContainer } from './lifecycle/update.js';
import { exportContainer } from './lifecycle/export.js';
import { snapshotContainer } from './lifecycle/commit.js';
import type { PathStat } from './copy/index.js';
import type { ContainerManagerOptions, ManagerContext } from './manager-context.js';
import { createContainer, type CreateOptions } from './lifecycle/create.js';
import { removeContainer, type RemoveOptions } from './lifecycle/remove.js';
import { recoverContainers, shutdownContainers, startWithDaemon } from './lifecycle/recover.js';
import { startContainer } from './lifecycle/start.js';
import { killContainer, nextExit, stopContainer, type StopOptions } from './lifecycle/stop.js';
import type { RunningProcess } from './lifecycle/running-process.js';
import { StdioHub } from './io/index.js';
import { referenceVolumes } from './volumes/index.js';

export class ContainerManager implements ManagerContext {
  readonly execs: ExecManager = new ExecManager(this);
  readonly registry = new ContainerRegistry<ContainerRecord>();
  readonly store: ContainerStore;
  readonly locks = new KeyedLock();
  readonly running = new Map<string, RunningProcess>();
  readonly runtimeCleanups = new Map<string, Promise<void>>();
  readonly pendingRestarts = new Map<string, NodeJS.Timeout>();
  readonly restartDelays = new Map<string, number>();
  shuttingDown = false;
  readonly lifecycle = new EventEmitter();

  constructor(readonly options: ContainerManagerOptions) {
    this.store = new ContainerStore(options.containersDir);
    // Every waiter of every container listens here.
    this.lifecycle.setMaxListeners(0);
  }

  /** Loads every record and settles the ones a previous ladingd left running. */
  async open(): Promise<void> {
    await mkdir(this.options.containersDir, { recursive: true, mode: 0o710 });
    await mkdir(this.options.fifoDir, { recursive: true, mode: 0o700 });
    const loaded = await this.store.loadAll();
    for (const problem of loaded.problems) {
      this.options.logger.warn('skipping a damaged container record', { ...problem });
    }
    for (const record of loaded.containers) {
      this.registry.add(record);
      referenceVolumes(this, record);
    }
    await recoverContainers(this, loaded.containers);
    // Tasks.Wait tells how a process ended but not that the kernel's OOM killer ended it.
    this.events = this.options.runtime.subscribe((event) => {
      if (event.topic !== '/tasks/oom') return;
      const process = this.running.get(event.containerId);
      const record = this.registry.byFullId(event.containerId);
      if (!process || !record) return;
      process.oomKilled = true;
      this.options.publish('oom', record);
    });
    await startWithDaemon(this);
  }

  /** Daemon shutdown: stops every running container, or with live restore leaves them running. */
  async close(): Promise<void> {
    this.shuttingDown = true;
    await shutdownContainers(this);
    await Promise.all(this.runtimeCleanups.values());
    this.events?.close();
  }

  private events: EventSubscription | undefined;

  private readonly hubs = new Map<string, StdioHub>();

  hub(record: ContainerRecord): StdioHub {
    let hub = this.hubs.get(record.ID);
    if (!hub) {
      hub = new StdioHub({ tty: record.Config.Tty, stdinOnce: record.Config.StdinOnce });
      this.hubs.set(record.ID, hub);
    }
    return hub;
  }

  /** Drops a removed container's hub, ending any attach still waiting on it. */
  forgetHub(id: string): void {
    this.hubs.get(id)?.endAll('exited');
    this.hubs.delete(id);
  }

  forgetExecs(id: string): void {
    this.execs.forgetContainer(id);
  }

  containerDir(id: string): string {
    return join(this.options.containersDir, id);
  }

  save(record: ContainerRecord): Promise<void> {
    return this.store.save(record);
  }

  get(name: string): ContainerRecord {
    return this.registry.get(name);
  }

  all(): ContainerRecord[] {
    return this.registry.all();
  }

  create(request: ContainerCreateRequest, options: CreateOptions): Promise<ContainerCreateResponse> {
    return createContainer(this, request, options);
  }

  start(name: string): Promise<boolean> {
    const record = this.get(name);
    if (record.State.Paused) throw new ConflictError('cannot start a paused container, try unpause instead');
    return startContainer(this, record);
  }

  stop(name: string, options: StopOptions): Promise<boolean> {
    return stopContainer(this, this.get(name), options);
  }

  async restart(name: string, options: StopOptions): Promise<void> {
    const record = this.get(name);
    await stopContainer(this, record, options);
    await startContainer(this, record);
    this.options.publish('restart', record);
  }

  kill(name: string, signal: string): Promise<void> {
    return killContainer(this, this.get(name), signal);
  }

  remove(name: string, options: RemoveOptions): Promise<void> {
    return removeContainer(this, this.get(name), options);
  }

  /** Checks the container now; the returned promise settles on the condition. */
  wait(name: string, condition: WaitCondition): { result: Promise<ContainerWaitResponse> } {
    const record = this.get(name);
    const answer = (code: number): ContainerWaitResponse => ({ StatusCode: code, Error: null });
    if (condition === 'removed') {
      const removed = new Promise<ContainerWaitResponse>((resolve) =>
        this.lifecycle.once(`removed:${record.ID}`, () => resolve(answer(record.State.ExitCode))),
      );
      return { result: removed };
    }
    if (condition === 'not-running' && !record.State.Running) {
      return { result: Promise.resolve(answer(record.State.ExitCode)) };
    }
    return { result: nextExit(this, record).then((code) => answer(code ?? record.State.ExitCode)) };
  }

  async rename(name: string, newName: string): Promise<void> {
    const record = this.get(name);
    await this.locks.run(record.ID, async () => {
      const { oldName } = this.registry.rename(record.ID, newName);
      try {
        await this.save(record);
      } catch (err) {
        this.registry.rename(record.ID, oldName);
        throw err;
      }
      this.options.publish('rename', record, { oldName });
    });
  }

  async resize(name: string, size: { height: number; width: number }): Promise<void> {
    const record = this.get(name);
    if (!record.State.Running || !this.running.has(record.ID)) {
      throw new ConflictError(`container ${record.ID} is not running`);
    }
    if (!record.Config.Tty) return;
    await this.options.runtime.resizePty(record.ID, size);
    this.options.publish('resize', record, { height: String(size.height), width: String(size.width) });
  }

  attach(name: string, request: AttachRequest): ProcessSession {
    return attachContainer(this, this.get(name), request);
  }

  logs(
    name: string,
    request: LogsRequest,
    signal: AbortSignal,
  ): { tty: boolean; lines: AsyncIterable<LogLine> } {
    const record = this.get(name);
    return { tty: record.Config.Tty, lines: containerLogs(this, record, request, signal) };
  }

  async inspect(name: string, options: { size: boolean }): Promise<ContainerInspect> {
    const record = this.get(name);
    const sizes = options.size ? await this.sizes(record) : {};
    return inspectContainer(record, {
      graphDriver: this.options.layers.graphDriverInfo({ rwLayer: record.ID }),
      execIds: this.execs.idsOf(record.ID),
      ...sizes,
    });
  }

  async list(
    query: ContainerListQuery & { size: boolean },
    helpers: ContainerFilterHelpers,
  ): Promise<ContainerSummary[]> {
    const records = await filterContainers(this.registry.all(), query, helpers);
    return Promise.all(
      records.map(async (record) =>
        summarizeContainer(record, this.imageNameOf(record), Date.now(), {
          names: this.registry.namesOf(record.ID),
          ...(query.size ? await this.sizes(record) : {}),
        }),
      ),
    );
  }

  /** `docker container prune`: removes stopped containers matching `until`/`label` filters. */
  async prune(
    filters: Map<string, string[]>,
    helpers: ContainerFilterHelpers,
  ): Promise<ContainersPruneResponse> {
    for (const key of filters.keys()) {
      if (key !== 'until' && key !== 'label' && key !== 'label!') {
        throw new InvalidArgumentError(`invalid filter '${key}'`);
      }
    }
    const candidates = await filterContainers(
      this.registry.all().filter((record) => !record.State.Running),
      { all: true, filters: new Map([...filters].filter(([key]) => key !== 'until')) },
      helpers,
    );
    const until = filters.get('until')?.map(parseUntil);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const record of candidates) {
      if (until && !until.every((limit) => goTimeMs(record.Created) < limit)) continue;
      const size = await this.sizeRw(record);
      try {
        await removeContainer(this, record, { force: false, removeVolumes: false });
      } catch (err) {
        this.options.logger.warn('prune: could not remove a container', {
          container: record.ID,
          error: String(err),
        });
        continue;
      }
      deleted.push(record.ID);
      reclaimed += size;
    }
    return { ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
  }

  /** What ps shows as IMAGE: the name used at create while it still means the same image. */
  private imageNameOf(record: ContainerRecord): string {
    try {
      if (this.options.resolveImage(record.Config.Image).id === record.Image) return record.Config.Image;
    } catch {
      // the name is gone or now means another image
    }
    return record.Image;
  }

  private async sizes(record: ContainerRecord): Promise<{ sizeRw: number; sizeRootFs: number }> {
    const sizeRw = await this.sizeRw(record);
    const image = this.options.imageById(record.Image);
    const imageSize = image ? this.options.layers.get(image.topLayer!) : undefined;
    let below = 0;
    for (
      let layer = imageSize;
      layer;
      layer = layer.parent ? this.options.layers.get(layer.parent) : undefined
    ) {
      below += layer.size;
    }
    return { sizeRw, sizeRootFs: sizeRw + below };
  }

  /** `docker update`: returns dockerd's warnings (none here). */
  update(name: string, hostConfig: HostConfig): Promise<string[]> {
    return updateContainer(this, this.get(name), hostConfig);
  }

  pause(name: string): Promise<void> {
    return pauseContainer(this, this.get(name));
  }

  unpause(name: string): Promise<void> {
    return unpauseContainer(this, this.get(name));
  }

  /** `ps_args` are checked before the container is looked up, as dockerd does. */
  top(name: string, psArgs: string): Promise<TopResult> {
    validatePsArgs(psArgs || DEFAULT_PS_ARGS);
    return containerTop(this, this.get(name), psArgs || DEFAULT_PS_ARGS);
  }

  stats(name: string): ReturnType<typeof containerStats> {
    return containerStats(this, this.get(name));
  }

  statPath(name: string, path: string): Promise<PathStat> {
    return statPath(this, this.get(name), path);
  }

  copyOut(name: string, path: string): Promise<{ stat: PathStat; tar: Readable }> {
    return copyOut(this, this.get(name), path);
  }

  copyIn(
    name: string,
    path: string,
    tar: Readable,
    options: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean; signal: AbortSignal },
  ): Promise<void> {
    return copyIn(this, this.get(name), path, tar, options);
  }

  /**
   * `docker diff`: read from the container's upper dir and compared path by path with the
   * layers below (layer/changes); null when nothing changed, as dockerd's nil slice.
   */
  async changes(name: string): Promise<LayerChange[] | null> {
    const record = this.get(name);
    const changes = await this.locks.run(record.ID, () =>
      Promise.resolve(this.options.layers.changes(record.ID)),
    );
    return changes.length > 0 ? changes : null;
  }

  /** `docker commit`'s container side: its changes as a layer tar, read while it is paused. */
  snapshot<T>(name: string, options: { pause: boolean }, use: (tar: Readable) => Promise<T>): Promise<T> {
    return snapshotContainer(this, this.get(name), options, use);
  }

  /** `docker export`: the root filesystem as a tar (the rootfs stays mounted while it streams). */
  export(name: string): Promise<Readable> {
    return exportContainer(this, this.get(name));
  }

  /** Bytes of the container's read-write layer (SizeRw). */
  async sizeRw(record: ContainerRecord): Promise<number> {
    const upper = this.options.layers.graphDriverInfo({ rwLayer: record.ID }).Data['UpperDir'];
    return upper ? treeSize(upper).catch(() => 0) : 0;
  }

  /** Which container uses an image (running ones first), for `docker rmi`'s conflicts. */
  imageUsage(imageId: string): { containerId: string; running: boolean } | undefined {
    let stopped: string | undefined;
    for (const record of this.registry.all()) {
      if (record.Image !== imageId) continue;
      if (record.State.Running) return { containerId: record.ID, running: true };
      stopped ??= record.ID;
    }
    return stopped === undefined ? undefined : { containerId: stopped, running: false };
  }
}

/** `until=` of prune: a Unix time (with fraction), an RFC 3339 time, or a Go duration ago. */
function parseUntil(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(value);
  if (duration) {
    const unit = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[duration[2] as 'h'];
    return Date.now() - Number(duration[1]) * unit;
  }
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidArgumentError(`failed to parse value ${value} of filter until`);
  return time;
}
