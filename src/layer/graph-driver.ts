/**
 * A graph driver keeps layer directories on disk and knows how to stack them. The layer
 * store decides *which* layers exist (records, chain IDs, references); the driver only
 * does what it is told with directory ids (the store's cacheIDs and mountIDs).
 *
 * Vocabulary:
 * - id        a directory name under the driver's home, made of [0-9a-z-] (cacheID/mountID).
 * - diff dir  the layer's own changes in overlay form (whiteouts are char 0/0 devices,
 *             opaque directories carry trusted.overlay.opaque=y) — what `tarStream` reads.
 * - mountable a layer that will be mounted (a container's rw layer): gets a work dir and a
 *             merged mount point; read-only layers never do.
 *
 * Lifecycle: `create` (the layer appears under its id only when complete) → `mount`/`unmount`
 * (not counted here: the store counts) → `remove`. `ids` lists every finished layer on disk
 * and `removeTemporary` clears what an interrupted create or remove left behind, so the store
 * can drop orphans at start.
 */
import type { Readable } from 'node:stream';
import type { LayerChange } from './changes/index.js';
import type { StorageDriverName } from './layer-store.js';

export interface CreateLayerOptions {
  /** Give the layer a work dir and merged mount point (rw layers). */
  mountable?: boolean;
  /**
   * Fills the new layer's empty diff dir (applyLayer, or the init layer's files). If it
   * throws, nothing of the layer is kept.
   */
  fill?: (diffDir: string) => Promise<void>;
  /**
   * A filled diff dir made at `detachedDir(...)`: moved in (renamed) as the layer's diff dir
   * instead of an empty one (the caller removes it if `create` fails before moving it).
   */
  diffFrom?: string;
  /**
   * Return before the final fsync that makes the new layer's directory durable, handing it
   * back as `CreatedLayer.durable`: the caller awaits it together with the fsyncs of the
   * record that names the layer (one journal commit instead of two), and must await it
   * before that record is committed.
   */
  deferSync?: boolean;
}

export interface CreatedLayer {
  /** Settles once the layer's directory is durable (already settled without deferSync). */
  durable: Promise<void>;
}

export interface DriverProblem {
  subject: string;
  problem: string;
  /** False when the layer cannot be trusted any more (its files are gone). */
  repairable: boolean;
  repaired?: string;
}

export interface GraphDriver {
  readonly name: StorageDriverName;
  /** `<data root>/<driver name>`. */
  readonly home: string;

  /** Makes layer `id` on top of `parent` (an id this driver made), atomically. */
  create(id: string, parent: string | undefined, options?: CreateLayerOptions): Promise<CreatedLayer>;
  exists(id: string): boolean;
  /** Removes the layer; absent is fine. Unmounts it first if it is mounted. */
  remove(id: string): Promise<void>;
  /** Every finished layer id on disk. */
  ids(): string[];
  /** Clears leftovers of interrupted creates and removes (never a finished layer). */
  removeTemporary(): void;

  /**
   * Where a detached diff dir (a layer extracted before its parent exists) is made: a
   * temporary name of this driver, so `removeTemporary` clears it after a crash.
   */
  detachedDir(id: string): string;

  /** The layer's own changes, in overlay form. */
  diffDir(id: string): string;
  /** Mounts the layer with everything below it; returns the path of its root filesystem. */
  mount(id: string): string;
  unmount(id: string): void;
  /** Where `mount` puts (or put) the layer's root filesystem. */
  mountPath(id: string): string;
  /** True when the layer's root filesystem is currently mounted (e.g. left from a previous run). */
  isMounted(id: string): boolean;

  /**
   * `docker diff`: what layer `id` changed relative to `parent` (the layer it was made on),
   * as the container sees it.
   */
  changes(id: string, parent: string | undefined): LayerChange[];
  /** `docker commit`: layer `id`'s changes relative to `parent` as a layer tar (`.wh.` form). */
  changesTar(id: string, parent: string | undefined): Readable;
  /** `inspect`'s GraphDriver.Data for the layer. */
  metadata(id: string): Record<string, string>;
  /** Driver-level consistency of one layer on top of `parent` (links, dirs); `repair` fixes what it can. */
  check(id: string, parent: string | undefined, repair: boolean): DriverProblem[];
}
