/**
 * The layer store: read-only layers stacked into chains and shared by every image and
 * container that uses them, plus the read-write layers containers run in (the seed's model).
 *
 * Vocabulary (as Docker's):
 * - diffID   sha256 of one layer's uncompressed tar (image config `rootfs.diff_ids`).
 * - chainID  identity of a layer *with everything below it*: for the bottom layer the
 *            diffID itself, above it sha256("<parent chainID> <diffID>"). Two images that
 *            share a base share its chainIDs, hence its files on disk.
 * - cacheID  the graph driver's directory for the layer: `overlay2/<cacheID>`. Random, so a
 *            half-made directory can never be mistaken for a finished layer.
 *
 * Lifecycle of a read-only layer: `register` → (used by images and containers through
 * `retain`/`release`) → deleted when its last reference is released and no layer above it
 * remains. Lifecycle of a read-write layer: `createRWLayer` (writes the `-init` layer) →
 * `mount`/`unmount` (counted: nested mounts share one overlay mount) → `removeRWLayer`.
 *
 * Detached layers (streaming `docker load`): a layer's diff is extracted before its parent
 * exists, into a private directory of the graph driver, then stacked later.
 * - detached layer  extracted files, diffID, size and tar-split of one layer tar, in a
 *                   temporary place of the driver (removed by the next start's cleanup if the
 *                   daemon dies). It has no chainID and is never a layer: `get`, `list`,
 *                   `check` and references never see it.
 * Lifecycle: `extractDetached` → exactly one of `attach` (which consumes it unless `keep`)
 * or `discardDetached`. `attach` is idempotent like `register`: if the chain already exists
 * the existing layer is kept (and referenced) and the detached copy is discarded.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../oci/index.js';
import type { LayerChange } from './changes/index.js';

export type ChainId = Digest;
export type DiffId = Digest;

export type StorageDriverName = 'overlay2' | 'vfs';

export interface Layer {
  chainId: ChainId;
  diffId: DiffId;
  parent: ChainId | undefined;
  /** Bytes of this layer's own files (its diff directory), not counting its parents. */
  size: number;
  /** The graph driver's directory name for this layer. */
  cacheId: string;
}

export interface RegisterOptions {
  /**
   * The diffID the image config promises; a mismatch rejects the layer and keeps nothing.
   * With it the chainID is known up front: if the layer exists (or another register of it
   * is running) `tar` is not read at all — the caller should then destroy its stream.
   */
  expectedDiffId?: DiffId;
  signal?: AbortSignal;
}

/** A layer tar extracted on its own, not yet on any parent (see the vocabulary above). */
export interface DetachedLayer {
  /** The store's private handle. */
  readonly id: string;
  readonly diffId: DiffId;
  /** Bytes of the layer's own files, as Layer.size. */
  readonly size: number;
}

export interface ExtractDetachedOptions {
  /** A mismatch rejects the layer and keeps nothing. */
  expectedDiffId?: DiffId;
  signal?: AbortSignal;
}

export interface AttachOptions {
  /**
   * Leave the detached layer usable for another `attach` (the same blob used at two places of
   * a chain, or by two images on different parents): the layer is made from a copy.
   */
  keep?: boolean;
}

export interface RWLayer {
  /** The owner's name: the container id. */
  name: string;
  /** Graph driver directory of the upper (read-write) layer. */
  mountId: string;
  /** Graph driver directory of the init layer (`<mountId>-init`), if one was made. */
  initId: string | undefined;
  /** The image's top layer, or undefined for a container from scratch. */
  parent: ChainId | undefined;
}

export interface CreateRWLayerOptions {
  /** Writes the init layer's files (/etc/hosts, /etc/hostname…) into the given directory. */
  initialize?: (initDiffDir: string) => Promise<void>;
}

/** What `inspect` shows as GraphDriver: Name and Data (LowerDir, MergedDir, UpperDir, WorkDir). */
export interface GraphDriverInfo {
  Name: StorageDriverName;
  Data: Record<string, string>;
}

export interface LayerCheckProblem {
  /** The chainID, cacheID or path concerned. */
  subject: string;
  problem: string;
  /** What `--repair` did about it, when it was asked to. */
  repaired?: string;
}

export interface LayerStore {
  readonly driver: StorageDriverName;

  /**
   * Applies `tar` (gzip, zstd or plain; recognised by magic bytes) on top of `parent` and
   * records it. If the resulting chainID already exists, the new copy is discarded and the
   * existing layer returned, so registering is idempotent. Takes one reference on the result.
   */
  register(tar: Readable, parent: ChainId | undefined, options?: RegisterOptions): Promise<Layer>;

  /**
   * Extracts `tar` (gzip, zstd or plain) into a fresh private directory, without a parent:
   * the diff of a layer does not depend on what is below it. Nothing becomes visible.
   */
  extractDetached(
    tar: AsyncIterable<Buffer | Uint8Array>,
    options?: ExtractDetachedOptions,
  ): Promise<DetachedLayer>;

  /**
   * Stacks a detached layer on `parent` and records it (the result of `register` with the
   * same tar): takes one reference on the result. Consumes the detached layer unless `keep`.
   */
  attach(detached: DetachedLayer, parent: ChainId | undefined, options?: AttachOptions): Promise<Layer>;

  /** Removes a detached layer's files; an already attached or discarded one is fine. */
  discardDetached(detached: DetachedLayer): Promise<void>;

  /** The layer, or undefined; takes no reference. */
  get(chainId: ChainId): Layer | undefined;

  /** Takes one more reference (an image that uses the layer as its top, a container's parent). */
  retain(chainId: ChainId): Layer;

  /**
   * Drops one reference. A layer with no references and no layer above it is deleted, and
   * its parent is then considered the same way. Returns the layers deleted, top first.
   */
  release(chainId: ChainId): Promise<Layer[]>;

  list(): Layer[];

  /**
   * The layer's own changes as an uncompressed tar whose sha256 is the layer's diffID: the
   * exact bytes it was registered from, replayed from its tar-split recording (the stream
   * errors rather than ends if they no longer match); a layer without a recording is
   * rebuilt from its diff dir in `.wh.` form (archive's diffTarStream).
   */
  tarStream(chainId: ChainId): Readable;

  createRWLayer(name: string, parent: ChainId | undefined, options?: CreateRWLayerOptions): Promise<RWLayer>;
  getRWLayer(name: string): RWLayer | undefined;
  /** Mounts (or counts one more user of) the container's rootfs; returns the merged path. */
  mount(name: string): Promise<string>;
  unmount(name: string): Promise<void>;
  removeRWLayer(name: string): Promise<void>;

  graphDriverInfo(target: { layer: ChainId } | { rwLayer: string }): GraphDriverInfo;

  /** `docker diff` of a container's rw layer against its `-init` layer (or the image's top). */
  changes(rwLayer: string): LayerChange[];

  /** `docker commit`: the same changes as a layer tar, to `register` on the image's top layer. */
  changesTar(rwLayer: string): Readable;

  /** Verifies records and directories; with `repair`, removes what cannot be trusted. */
  check(options: { repair: boolean }): Promise<LayerCheckProblem[]>;

  /** Unmounts what this store mounted. */
  close(options?: { keepMounts?: boolean }): Promise<void>;
}
