/**
 * The layer store (contract and vocabulary in layer-store.ts) over a graph driver and the
 * layerdb records (layer-records.ts).
 *
 * References are counted in memory only. After a restart every layer starts at zero and the
 * image store re-takes one reference per image top layer (`retain`); rw layers hold their
 * parent by themselves (also after a restart), so containers need not retain anything.
 * A layer is deleted when a `release` (or removing the last rw layer or child above it)
 * leaves it with no references, no child layers and no registration in progress on top.
 *
 * Crash safety: a layer's driver directory is made first (atomically, under a temporary
 * name), its record last (atomically, the commit point). Deleting goes the other way: the
 * record first, then the directory. So at start, a driver directory without a record is
 * an orphan (an interrupted register or delete) and is removed; a record without its
 * directory is damage, logged and dropped with everything above it.
 *
 * Registering also records the layer's tar-split (archive/tar-split.ts) into tmp/ while
 * extracting; the record's commit moves it in, and `tarStream` replays it, so a layer goes
 * out exactly as it came in. A layer without one (a record from before tar-split, or a
 * layer some later path makes from a directory) falls back to diffTarStream.
 *
 * Detached layers (layer-store.ts) are extracted into the driver's `detachedDir` (a `.tmp-`
 * name its `removeTemporary` clears at start) with their tar-split staged in tmp/ under the
 * same id, which stays in `inFlight` until it is attached or discarded; attaching renames the
 * diff dir into a new layer (`create` with `diffFrom`) and then commits the record as above.
 */
import { createReadStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { applyLayer, replayTarSplit, verifyDiffId } from '../archive/index.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { chainIdOf } from './chain-id.js';
import { diffTarStream } from '../archive/index.js';
import { randomId } from './durable-fs.js';
import type { LayerChange } from './changes/index.js';
import type { GraphDriver } from './graph-driver.js';
import { writeInitLayer } from './init-layer.js';
import { KeyedLock } from './keyed-lock.js';
import { checkLayerStore } from './layer-check.js';
import { LayerRecords, NAME_PATTERN } from './layer-records.js';
import type {
  AttachOptions,
  ChainId,
  CreateRWLayerOptions,
  DetachedLayer,
  ExtractDetachedOptions,
  GraphDriverInfo,
  Layer,
  LayerCheckProblem,
  LayerStore,
  RegisterOptions,
  RWLayer,
  StorageDriverName,
} from './layer-store.js';
import { openGraphDriver } from './select-driver.js';

export interface LayerStoreOptions {
  /** The data root (/var/lib/lading): the driver lives in `<root>/<driver>`, records in `<root>/image/<driver>`. */
  root: string;
  /** daemon.json "storage-driver"; undefined picks overlay2 when it works here, else vfs. */
  driver?: StorageDriverName;
  logger?: Logger;
}

/** A read-only layer in memory with what keeps it alive. */
export interface LayerNode {
  layer: Layer;
  /** References taken by register/retain and not yet released. */
  refs: number;
  /** Read-only layers and rw layers directly on top. */
  children: number;
  /** Registrations on top and tar streams in progress. */
  pending: number;
}

export interface RWNode {
  rw: RWLayer;
  /** Users of the mounted rootfs (nested mounts share one). */
  mounts: number;
}

export async function createLayerStore(options: LayerStoreOptions): Promise<LayerStore> {
  const logger = (options.logger ?? silentLogger()).with({ module: 'layer' });
  const driver = openGraphDriver({ root: options.root, driver: options.driver, logger });
  const store = new DefaultLayerStore(driver, new LayerRecords(options.root, driver.name), logger);
  await store.open();
  return store;
}

export class DefaultLayerStore implements LayerStore {
  readonly nodes = new Map<ChainId, LayerNode>();
  readonly rwLayers = new Map<string, RWNode>();
  private readonly creatingRW = new Set<string>();
  private readonly chainLock = new KeyedLock();
  private readonly extracting = new Map<ChainId, Promise<Layer>>();
  /** Detached layers not yet attached or discarded, by their id (also in `inFlight`). */
  private readonly detached = new Map<string, DetachedLayer>();
  /** Driver ids being made right now: not orphans, whatever check sees on disk. */
  readonly inFlight = new Set<string>();

  constructor(
    readonly graph: GraphDriver,
    readonly records: LayerRecords,
    readonly logger: Logger,
  ) {}

  get driver(): StorageDriverName {
    return this.graph.name;
  }

  /** Loads the records and removes what an interrupted run left behind (see the file comment). */
  async open(): Promise<void> {
    const leftovers = this.records.clearTemporary();
    if (leftovers.length > 0)
      this.logger.info('removed unfinished layer records', { count: leftovers.length });
    this.graph.removeTemporary();

    const loaded = new Map<ChainId, Layer>();
    for (const hex of this.records.layerNames()) {
      const result = await this.records.readLayer(hex);
      if (!result.ok) {
        this.logger.error('damaged layer record dropped', { record: hex, problem: result.problem });
        this.records.removeLayer(`sha256:${hex}`);
        continue;
      }
      loaded.set(result.value.chainId, result.value);
    }
    // Drop records whose directory is gone, and (repeatedly) those whose parent was dropped.
    for (let changed = true; changed;) {
      changed = false;
      for (const [chainId, layer] of loaded) {
        const problem = !this.graph.exists(layer.cacheId)
          ? `its ${this.graph.name} directory ${layer.cacheId} is missing`
          : layer.parent !== undefined && !loaded.has(layer.parent)
            ? `its parent ${layer.parent} is missing`
            : undefined;
        if (problem === undefined) continue;
        this.logger.error('damaged layer dropped', { chainId, problem });
        this.records.removeLayer(chainId);
        await this.graph.remove(layer.cacheId);
        loaded.delete(chainId);
        changed = true;
      }
    }
    for (const layer of loaded.values())
      this.nodes.set(layer.chainId, { layer, refs: 0, children: 0, pending: 0 });
    for (const node of this.nodes.values()) {
      if (node.layer.parent !== undefined) this.nodes.get(node.layer.parent)!.children++;
    }

    for (const name of this.records.mountNames()) {
      const result = await this.records.readMount(name);
      const problem = !result.ok
        ? result.problem
        : !this.graph.exists(result.value.mountId)
          ? `its directory ${result.value.mountId} is missing`
          : result.value.initId !== undefined && !this.graph.exists(result.value.initId)
            ? `its init directory ${result.value.initId} is missing`
            : result.value.parent !== undefined && !this.nodes.has(result.value.parent)
              ? `its parent ${result.value.parent} is missing`
              : undefined;
      if (problem !== undefined) {
        this.logger.error('damaged rw layer dropped', { name, problem });
        this.records.removeMount(name);
        if (result.ok) {
          await this.graph.remove(result.value.mountId);
          if (result.value.initId !== undefined) await this.graph.remove(result.value.initId);
        }
        continue;
      }
      if (!result.ok) continue;
      this.rwLayers.set(name, { rw: result.value, mounts: 0 });
      if (result.value.parent !== undefined) this.nodes.get(result.value.parent)!.children++;
    }

    const referenced = this.referencedIds();
    for (const id of this.graph.ids()) {
      if (referenced.has(id)) continue;
      this.logger.info('removed orphan layer directory', { driver: this.graph.name, id });
      await this.graph.remove(id);
    }
    this.graph.removeTemporary();
  }

  /** Every driver id some record names, or that is being made. */
  referencedIds(): Set<string> {
    const ids = new Set<string>(this.inFlight);
    for (const node of this.nodes.values()) ids.add(node.layer.cacheId);
    for (const { rw } of this.rwLayers.values()) {
      ids.add(rw.mountId);
      if (rw.initId !== undefined) ids.add(rw.initId);
    }
    return ids;
  }

  private node(chainId: ChainId): LayerNode {
    const node = this.nodes.get(chainId);
    if (node === undefined) throw new NotFoundError(`layer ${chainId} does not exist`);
    return node;
  }

  async register(tar: Readable, parent: ChainId | undefined, options: RegisterOptions = {}): Promise<Layer> {
    const parentNode = parent === undefined ? undefined : this.node(parent);
    if (parentNode) parentNode.pending++;
    try {
      const expected = options.expectedDiffId;
      if (expected === undefined) return await this.extractAndCommit(tar, parentNode, options);
      const chainId = chainIdOf(parent, expected);
      for (;;) {
        options.signal?.throwIfAborted();
        const existing = this.nodes.get(chainId);
        if (existing !== undefined) {
          existing.refs++;
          return existing.layer;
        }
        const running = this.extracting.get(chainId);
        if (running === undefined) break;
        try {
          await running;
          // the winner's reference is its own; loop to take ours
        } catch {
          // the other extraction failed (its stream, its abort): try with ours
        }
      }
      const extraction = this.extractAndCommit(tar, parentNode, options);
      this.extracting.set(chainId, extraction);
      try {
        return await extraction;
      } finally {
        this.extracting.delete(chainId);
      }
    } finally {
      if (parentNode) parentNode.pending--;
    }
  }

  private async extractAndCommit(
    tar: Readable,
    parentNode: LayerNode | undefined,
    options: RegisterOptions,
  ): Promise<Layer> {
    const cacheId = randomId();
    this.inFlight.add(cacheId);
    try {
      return await this.extractInto(cacheId, tar, parentNode, options);
    } finally {
      this.inFlight.delete(cacheId);
    }
  }

  private async extractInto(
    cacheId: string,
    tar: Readable,
    parentNode: LayerNode | undefined,
    options: RegisterOptions,
  ): Promise<Layer> {
    const tarSplit = this.records.stagedTarSplitPath(cacheId);
    try {
      return await this.extractWithTarSplit(cacheId, tarSplit, tar, parentNode, options);
    } finally {
      rmSync(tarSplit, { force: true }); // left only when the layer was not committed
    }
  }

  private async extractWithTarSplit(
    cacheId: string,
    tarSplit: string,
    tar: Readable,
    parentNode: LayerNode | undefined,
    options: RegisterOptions,
  ): Promise<Layer> {
    let diffId: Layer['diffId'] | undefined;
    let size = 0;
    await this.graph.create(cacheId, parentNode?.layer.cacheId, {
      fill: async (diffDir) => {
        const applied = await applyLayer(tar, diffDir, {
          signal: options.signal,
          onWarning: (message) => this.logger.warn(message, { cacheId }),
          tarSplit,
        });
        if (options.expectedDiffId !== undefined) verifyDiffId(options.expectedDiffId, applied.diffId);
        diffId = applied.diffId;
        size = applied.contentBytes;
      },
    });
    if (diffId === undefined) throw new Error('layer extraction produced no diffID');
    const parent = parentNode?.layer.chainId;
    const chainId = chainIdOf(parent, diffId);
    const extractedDiffId = diffId;
    return this.chainLock.run(chainId, async () => {
      const existing = this.nodes.get(chainId);
      if (existing !== undefined) {
        await this.graph.remove(cacheId); // registering is idempotent: keep the first copy
        existing.refs++;
        return existing.layer;
      }
      const layer: Layer = { chainId, diffId: extractedDiffId, parent, size, cacheId };
      try {
        await this.records.writeLayer(layer, tarSplit);
      } catch (err) {
        await this.graph.remove(cacheId);
        throw err;
      }
      this.nodes.set(chainId, { layer, refs: 1, children: 0, pending: 0 });
      if (parentNode) parentNode.children++;
      this.logger.debug('layer registered', { chainId, diffId: extractedDiffId, cacheId, size });
      return layer;
    });
  }

  /**
   * Detached layers live in the driver's temporary space (`detachedDir`) with their tar-split
   * staged in the records' tmp/; both are cleared at start, so a crash leaves nothing. While
   * they exist their id is in `inFlight`, so `check --repair` leaves them alone.
   */
  async extractDetached(
    tar: AsyncIterable<Buffer | Uint8Array>,
    options: ExtractDetachedOptions = {},
  ): Promise<DetachedLayer> {
    const id = randomId();
    const dir = this.graph.detachedDir(id);
    const tarSplit = this.records.stagedTarSplitPath(id);
    this.inFlight.add(id);
    try {
      mkdirSync(dir, { mode: 0o755 });
      const applied = await applyLayer(tar, dir, {
        signal: options.signal,
        onWarning: (message) => this.logger.warn(message, { detached: id }),
        tarSplit,
      });
      if (options.expectedDiffId !== undefined) verifyDiffId(options.expectedDiffId, applied.diffId);
      const layer: DetachedLayer = { id, diffId: applied.diffId, size: applied.contentBytes };
      this.detached.set(id, layer);
      return layer;
    } catch (err) {
      this.dropDetached(id);
      throw err;
    }
  }

  private dropDetached(id: string): void {
    rmSync(this.graph.detachedDir(id), { recursive: true, force: true });
    rmSync(this.records.stagedTarSplitPath(id), { force: true });
    this.detached.delete(id);
    this.inFlight.delete(id);
  }

  async discardDetached(detached: DetachedLayer): Promise<void> {
    if (this.detached.has(detached.id)) this.dropDetached(detached.id);
    return Promise.resolve();
  }

  async attach(
    detached: DetachedLayer,
    parent: ChainId | undefined,
    options: AttachOptions = {},
  ): Promise<Layer> {
    const own = this.detached.get(detached.id);
    if (own === undefined)
      throw new InvalidArgumentError('not a detached layer of this store (attached or discarded already)');
    const parentNode = parent === undefined ? undefined : this.node(parent);
    const chainId = chainIdOf(parent, own.diffId);
    if (parentNode) parentNode.pending++;
    try {
      return await this.chainLock.run(chainId, async () => {
        const existing = this.nodes.get(chainId);
        if (existing !== undefined) {
          existing.refs++;
          if (options.keep !== true) this.dropDetached(own.id);
          return existing.layer;
        }
        if (options.keep === true) {
          // A second copy, made by replaying the detached layer's exact tar.
          const dir = this.graph.detachedDir(own.id);
          const replay = replayTarSplit(createReadStream(this.records.stagedTarSplitPath(own.id)), dir, {
            expectedDiffId: own.diffId,
          });
          try {
            return await this.extractAndCommitLocked(replay, parentNode, own.diffId);
          } finally {
            replay.destroy();
          }
        }
        const cacheId = own.id;
        const tarSplit = this.records.stagedTarSplitPath(cacheId);
        this.detached.delete(cacheId); // from here it is a layer being made (still in inFlight)
        try {
          const created = await this.graph.create(cacheId, parentNode?.layer.cacheId, {
            diffFrom: this.graph.detachedDir(cacheId),
            deferSync: true,
          });
          const layer: Layer = { chainId, diffId: own.diffId, parent, size: own.size, cacheId };
          try {
            await this.records.writeLayer(layer, tarSplit, created.durable);
          } catch (err) {
            await this.graph.remove(cacheId);
            throw err;
          }
          this.nodes.set(chainId, { layer, refs: 1, children: 0, pending: 0 });
          if (parentNode) parentNode.children++;
          this.logger.debug('layer attached', { chainId, diffId: own.diffId, cacheId, size: own.size });
          return layer;
        } finally {
          this.dropDetached(cacheId); // whatever was not moved in
        }
      });
    } finally {
      if (parentNode) parentNode.pending--;
    }
  }

  /** Extracts and records a layer while its chain's lock is already held. */
  private async extractAndCommitLocked(
    tar: Readable,
    parentNode: LayerNode | undefined,
    expectedDiffId: Layer['diffId'],
  ): Promise<Layer> {
    const cacheId = randomId();
    const tarSplit = this.records.stagedTarSplitPath(cacheId);
    this.inFlight.add(cacheId);
    try {
      let size = 0;
      await this.graph.create(cacheId, parentNode?.layer.cacheId, {
        fill: async (diffDir) => {
          const applied = await applyLayer(tar, diffDir, {
            onWarning: (message) => this.logger.warn(message, { cacheId }),
            tarSplit,
          });
          verifyDiffId(expectedDiffId, applied.diffId);
          size = applied.contentBytes;
        },
      });
      const parent = parentNode?.layer.chainId;
      const layer: Layer = {
        chainId: chainIdOf(parent, expectedDiffId),
        diffId: expectedDiffId,
        parent,
        size,
        cacheId,
      };
      try {
        await this.records.writeLayer(layer, tarSplit);
      } catch (err) {
        await this.graph.remove(cacheId);
        throw err;
      }
      this.nodes.set(layer.chainId, { layer, refs: 1, children: 0, pending: 0 });
      if (parentNode) parentNode.children++;
      return layer;
    } finally {
      rmSync(tarSplit, { force: true });
      this.inFlight.delete(cacheId);
    }
  }

  get(chainId: ChainId): Layer | undefined {
    return this.nodes.get(chainId)?.layer;
  }

  retain(chainId: ChainId): Layer {
    const node = this.node(chainId);
    node.refs++;
    return node.layer;
  }

  async release(chainId: ChainId): Promise<Layer[]> {
    const node = this.node(chainId);
    if (node.refs === 0) throw new InvalidArgumentError(`layer ${chainId} has no reference to release`);
    node.refs--;
    return this.collect(node);
  }

  /**
   * Deletes `node` and then its parents while nothing keeps them. The memory side is done
   * synchronously first, so no other call can see or take a layer being deleted.
   */
  async collect(start: LayerNode | undefined): Promise<Layer[]> {
    const doomed: Layer[] = [];
    for (let node = start; node && node.refs === 0 && node.children === 0 && node.pending === 0;) {
      this.nodes.delete(node.layer.chainId);
      doomed.push(node.layer);
      const parent = node.layer.parent === undefined ? undefined : this.nodes.get(node.layer.parent);
      if (parent) parent.children--;
      node = parent;
    }
    for (const layer of doomed) await this.deleteOnDisk(layer);
    return doomed;
  }

  async deleteOnDisk(layer: Layer): Promise<void> {
    await this.chainLock.run(layer.chainId, async () => {
      this.records.removeLayer(layer.chainId); // first: from here on the layer does not exist
      await this.graph.remove(layer.cacheId);
      this.logger.debug('layer deleted', { chainId: layer.chainId, cacheId: layer.cacheId });
    });
  }

  list(): Layer[] {
    return [...this.nodes.values()].map((n) => n.layer);
  }

  tarStream(chainId: ChainId): Readable {
    const node = this.node(chainId);
    node.pending++; // the layer stays while it is being read
    const diffDir = this.graph.diffDir(node.layer.cacheId);
    const tarSplit = this.records.tarSplitPath(chainId);
    const stream = existsSync(tarSplit)
      ? replayTarSplit(createReadStream(tarSplit), diffDir, { expectedDiffId: node.layer.diffId })
      : diffTarStream(diffDir);
    stream.once('close', () => {
      node.pending--;
    });
    return stream;
  }

  async createRWLayer(
    name: string,
    parent: ChainId | undefined,
    options: CreateRWLayerOptions = {},
  ): Promise<RWLayer> {
    if (!NAME_PATTERN.test(name))
      throw new InvalidArgumentError(`invalid rw layer name ${JSON.stringify(name)}`);
    if (this.rwLayers.has(name) || this.creatingRW.has(name)) {
      throw new ConflictError(`a rw layer named ${name} already exists`);
    }
    const parentNode = parent === undefined ? undefined : this.node(parent);
    this.creatingRW.add(name);
    if (parentNode) parentNode.children++;
    const mountId = randomId();
    const initId = `${mountId}-init`;
    const rw: RWLayer = { name, mountId, initId, parent };
    this.inFlight.add(mountId).add(initId);
    try {
      await this.graph.create(initId, parentNode?.layer.cacheId, {
        fill: async (diffDir) => {
          writeInitLayer(diffDir);
          await options.initialize?.(diffDir);
        },
      });
      await this.graph.create(mountId, initId, { mountable: true });
      await this.records.writeMount(rw);
    } catch (err) {
      await this.graph.remove(mountId).catch(() => undefined);
      await this.graph.remove(initId).catch(() => undefined);
      if (parentNode) parentNode.children--;
      throw err;
    } finally {
      this.creatingRW.delete(name);
      this.inFlight.delete(mountId);
      this.inFlight.delete(initId);
    }
    this.rwLayers.set(name, { rw, mounts: 0 });
    return rw;
  }

  getRWLayer(name: string): RWLayer | undefined {
    return this.rwLayers.get(name)?.rw;
  }

  private rwNode(name: string): RWNode {
    const node = this.rwLayers.get(name);
    if (node === undefined) throw new NotFoundError(`rw layer ${name} does not exist`);
    return node;
  }

  async mount(name: string): Promise<string> {
    const node = this.rwNode(name);
    const id = node.rw.mountId;
    // Synchronous from here: no other call can interleave between the check and the mount.
    const path =
      node.mounts === 0 && !this.graph.isMounted(id) ? this.graph.mount(id) : this.graph.mountPath(id);
    node.mounts++;
    return Promise.resolve(path);
  }

  async unmount(name: string): Promise<void> {
    const node = this.rwNode(name);
    if (node.mounts > 1) {
      node.mounts--;
      return;
    }
    node.mounts = 0;
    // Also unmounts a rootfs left mounted by a previous run (count 0 but mounted).
    if (this.graph.isMounted(node.rw.mountId)) this.graph.unmount(node.rw.mountId);
    return Promise.resolve();
  }

  async removeRWLayer(name: string): Promise<void> {
    const node = this.rwNode(name);
    if (node.mounts > 0)
      throw new ConflictError(`rw layer ${name} is mounted (${node.mounts} users); unmount it first`);
    this.rwLayers.delete(name);
    const { rw } = node;
    this.records.removeMount(name);
    await this.graph.remove(rw.mountId);
    if (rw.initId !== undefined) await this.graph.remove(rw.initId);
    const parentNode = rw.parent === undefined ? undefined : this.nodes.get(rw.parent);
    if (parentNode) {
      parentNode.children--;
      await this.collect(parentNode);
    }
  }

  changes(name: string): LayerChange[] {
    const { mountId, parent } = this.rwBelow(name);
    return this.graph.changes(mountId, parent);
  }

  changesTar(name: string): Readable {
    const { mountId, parent } = this.rwBelow(name);
    return this.graph.changesTar(mountId, parent);
  }

  /** A container's rw directory and the one it was made on (its `-init` layer, else the image's top). */
  private rwBelow(name: string): { mountId: string; parent: string | undefined } {
    const { rw } = this.rwNode(name);
    const parent = rw.initId ?? (rw.parent === undefined ? undefined : this.node(rw.parent).layer.cacheId);
    return { mountId: rw.mountId, parent };
  }

  graphDriverInfo(target: { layer: ChainId } | { rwLayer: string }): GraphDriverInfo {
    const id =
      'layer' in target ? this.node(target.layer).layer.cacheId : this.rwNode(target.rwLayer).rw.mountId;
    return { Name: this.graph.name, Data: this.graph.metadata(id) };
  }

  async check(options: { repair: boolean }): Promise<LayerCheckProblem[]> {
    return checkLayerStore(this, options.repair);
  }

  /** `keepMounts`: live restore, where running containers keep their rootfs past the daemon. */
  async close(options: { keepMounts?: boolean } = {}): Promise<void> {
    if (options.keepMounts === true) return;
    for (const node of this.rwLayers.values()) {
      if (node.mounts === 0) continue;
      node.mounts = 0;
      this.graph.unmount(node.rw.mountId);
    }
    return Promise.resolve();
  }
}
