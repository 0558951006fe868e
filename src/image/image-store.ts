/**
 * The image store: image configs by id (the sha256 of the config bytes, stored verbatim),
 * tags and digests (repositories.json), parent links, and the tie to the layer store.
 *
 * Each stored image holds one reference on its top layer (the chainID of its last diffID):
 * taken when the image is created or found at open, dropped when it is deleted; the layer
 * store keeps everything below a referenced layer. Mutations are serialised on one queue,
 * and each is ordered so a crash leaves either the old state or the new one: a config is
 * written (atomically) before anything names it, and a reference is removed before the
 * config it names.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../errors/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { digestFromHex, isDigest, sha256Digest, type Digest, type ImageConfig } from '../oci/index.js';
import { chainIdsOf } from '../layer/index.js';
import type { ChainId, Layer, LayerStore } from '../layer/index.js';
import { atomicWriteFile, removeFileDurably, syncDir } from '../durable/index.js';
import { goTimestamp } from './go-time.js';
import { parseImageConfig } from './image-config.js';
import { imageRefString, type ImageRef } from './image-ref.js';
import { ImageStoreLayout, LAST_UPDATED_FILE, PARENT_FILE } from './layout.js';
import { ReferenceStore } from './reference-store.js';

/** The store's files are root's alone, as Docker's imagedb. */
const STORE_FILE = { mode: 0o600 };

export interface Image {
  id: Digest;
  config: ImageConfig;
  /** The config exactly as stored; its sha256 is `id`. */
  configBytes: Buffer;
  /** Bottom first, one per diffID. */
  chainIds: ChainId[];
  topLayer: ChainId | undefined;
  /** The image this one was built or committed from, when known. */
  parent: Digest | undefined;
  /** RFC 3339 time of the last tag change (Metadata.LastTagTime). */
  lastUpdated: string | undefined;
}

export interface ImageStoreOptions {
  /** `<data-root>/image/<driver>` */
  root: string;
  layers: LayerStore;
  logger?: Logger;
}

export interface ImageCheckProblem {
  subject: string;
  problem: string;
  repaired?: string;
}

export class ImageStore {
  readonly layout: ImageStoreLayout;
  readonly layers: LayerStore;
  private readonly logger: Logger;
  private readonly images = new Map<Digest, Image>();
  private refs!: ReferenceStore;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(options: ImageStoreOptions) {
    this.layout = new ImageStoreLayout(options.root);
    this.layers = options.layers;
    this.logger = options.logger ?? silentLogger();
  }

  /** Opens (creating if needed) the store and takes each image's layer reference. */
  static async open(options: ImageStoreOptions): Promise<ImageStore> {
    const store = new ImageStore(options);
    await store.load();
    return store;
  }

  private async load(): Promise<void> {
    const { layout, logger } = this;
    await mkdir(layout.contentDir, { recursive: true, mode: 0o700 });
    await mkdir(layout.metadataDir, { recursive: true, mode: 0o700 });
    // Spools of loads and saves that a crash interrupted: nothing in them is referenced.
    await rm(layout.tmpDir, { recursive: true, force: true });
    await mkdir(layout.tmpDir, { recursive: true, mode: 0o700 });
    this.refs = await ReferenceStore.open(layout.repositoriesFile, logger);
    // Metadata without its config: a create or delete that a crash interrupted.
    const contents = new Set(await readdir(layout.contentDir));
    for (const name of await readdir(layout.metadataDir)) {
      if (!contents.has(name)) await rm(join(layout.metadataDir, name), { recursive: true, force: true });
    }
    for (const name of await readdir(layout.contentDir)) {
      if (!/^[a-f0-9]{64}$/.test(name)) continue; // temp files of an interrupted write
      const id = digestFromHex(name);
      try {
        const image = await this.readImage(id);
        if (image.topLayer !== undefined) {
          if (this.layers.get(image.topLayer) === undefined) {
            logger.warn('image skipped: its top layer is missing from the layer store', {
              image: id,
              layer: image.topLayer,
            });
            continue;
          }
          this.layers.retain(image.topLayer);
        }
        this.images.set(id, image);
      } catch (err) {
        logger.warn('image skipped: unreadable', { image: id, error: (err as Error).message });
      }
    }
    logger.debug('image store opened', { images: this.images.size });
  }

  private async readImage(id: Digest): Promise<Image> {
    const configBytes = await readFile(this.layout.content(id));
    if (sha256Digest(configBytes) !== id) throw new Error('config digest does not match its file name');
    const config = parseImageConfig(configBytes);
    const meta = this.layout.metadata(id);
    const parentText = await readOptional(join(meta, PARENT_FILE));
    const lastUpdated = await readOptional(join(meta, LAST_UPDATED_FILE));
    const chainIds = chainIdsOf(config.rootfs.diff_ids);
    return {
      id,
      config,
      configBytes,
      chainIds,
      topLayer: chainIds[chainIds.length - 1],
      parent: parentText !== undefined && isDigest(parentText) ? parentText : undefined,
      lastUpdated,
    };
  }

  /** Runs mutations one at a time, in call order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new InvalidArgumentError('image store is closed');
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  get(id: Digest): Image | undefined {
    return this.images.get(id);
  }

  list(): Image[] {
    return [...this.images.values()];
  }

  get count(): number {
    return this.images.size;
  }

  /**
   * The image whose id starts with `prefix` (with or without `sha256:`), or undefined when
   * none or more than one does.
   */
  search(prefix: string): Image | undefined {
    const hex = prefix.startsWith('sha256:') ? prefix.slice('sha256:'.length) : prefix;
    if (!/^[a-f0-9]{1,64}$/.test(hex)) return undefined;
    let found: Image | undefined;
    for (const image of this.images.values()) {
      if (!image.id.startsWith(`sha256:${hex}`)) continue;
      if (found !== undefined) return undefined;
      found = image;
    }
    return found;
  }

  /** The image a tag or digest names. */
  lookup(ref: ImageRef): Image | undefined {
    const id = this.refs.get(ref);
    return id === undefined ? undefined : this.images.get(id);
  }

  references(id: Digest): ImageRef[] {
    return this.refs.referencesTo(id);
  }

  allReferences(): { ref: ImageRef; id: Digest }[] {
    return this.refs.entries();
  }

  children(id: Digest): Image[] {
    return this.list().filter((image) => image.parent === id);
  }

  /** The image's layers bottom first; a layer missing from the layer store is skipped. */
  layersOf(image: Image): Layer[] {
    return image.chainIds.map((c) => this.layers.get(c)).filter((l): l is Layer => l !== undefined);
  }

  /** Docker's image Size: the bytes of all its layers. */
  sizeOf(image: Image): number {
    return this.layersOf(image).reduce((sum, layer) => sum + layer.size, 0);
  }

  /**
   * Stores a config as an image. Its layers must already be in the layer store (the top one
   * is retained). Creating an image that exists changes nothing and returns it.
   */
  async create(configBytes: Buffer, options: { parent?: Digest } = {}): Promise<Image> {
    const config = parseImageConfig(configBytes);
    const id = sha256Digest(configBytes);
    return await this.exclusive(async () => {
      const existing = this.images.get(id);
      if (existing !== undefined) return existing;
      const chainIds = chainIdsOf(config.rootfs.diff_ids);
      const topLayer = chainIds[chainIds.length - 1];
      if (topLayer !== undefined) {
        if (this.layers.get(topLayer) === undefined) {
          throw new InvalidArgumentError(`layer ${topLayer} of image ${id} does not exist`);
        }
        this.layers.retain(topLayer);
      }
      try {
        const image: Image = {
          id,
          config,
          configBytes: Buffer.from(configBytes),
          chainIds,
          topLayer,
          parent: options.parent,
          lastUpdated: undefined,
        };
        if (options.parent !== undefined) await this.writeMetadata(id, PARENT_FILE, options.parent);
        await atomicWriteFile(this.layout.content(id), configBytes, STORE_FILE);
        this.images.set(id, image);
        this.logger.debug('image created', { image: id });
        return image;
      } catch (err) {
        if (topLayer !== undefined) await this.layers.release(topLayer);
        await rm(this.layout.metadata(id), { recursive: true, force: true });
        throw err;
      }
    });
  }

  private async writeMetadata(id: Digest, name: string, value: string): Promise<void> {
    const dir = this.layout.metadata(id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await atomicWriteFile(join(dir, name), value, STORE_FILE);
  }

  /** Records when the image's tags last changed (inspect's Metadata.LastTagTime). */
  async touch(id: Digest, when: Date = new Date()): Promise<void> {
    const image = this.images.get(id);
    if (image === undefined) return;
    const stamp = goTimestamp(when);
    await this.writeMetadata(id, LAST_UPDATED_FILE, stamp);
    image.lastUpdated = stamp;
  }

  /**
   * Points a tag or digest at an image, moving it if it named another one (Docker's tag is
   * always forced). Returns the id it named before, when that was a different image.
   * `touch` records the time as the image's LastTagTime, as `docker tag` and import do
   * (load does not, in Docker).
   */
  addReference(ref: ImageRef, id: Digest, options: { touch?: boolean } = {}): Promise<Digest | undefined> {
    return this.exclusive(async () => {
      if (!this.images.has(id)) throw new NotFoundError(`No such image: ${id}`);
      const previous = await this.refs.add(ref, id, true);
      if (options.touch !== false) await this.touch(id);
      return previous;
    });
  }

  /** Removes a tag or digest; returns the id it named, or undefined if there was none. */
  removeReference(ref: ImageRef): Promise<Digest | undefined> {
    return this.exclusive(() => this.refs.delete(ref));
  }

  /**
   * Deletes the image and every reference left to it, drops its layer reference, and returns
   * the layers the layer store deleted as a result (top first).
   */
  delete(id: Digest): Promise<Layer[]> {
    return this.exclusive(async () => {
      const image = this.images.get(id);
      if (image === undefined) throw new NotFoundError(`No such image: ${id}`);
      for (const ref of this.refs.referencesTo(id)) await this.refs.delete(ref);
      // The config file is the commit point: once it is gone the image is gone.
      await removeFileDurably(this.layout.content(id));
      this.images.delete(id);
      await rm(this.layout.metadata(id), { recursive: true, force: true });
      await syncDir(this.layout.metadataDir);
      this.logger.debug('image deleted', { image: id });
      return image.topLayer === undefined ? [] : this.layers.release(image.topLayer);
    });
  }

  /**
   * Deletes read-only layers that no image uses and nothing stacks on: what a crash between
   * registering a load's layers and recording its image leaves behind. Run at start, after
   * open (every image has re-taken its reference by then; containers hold their layers
   * through their rw layers, which count as children). Returns the layers deleted.
   */
  collectOrphanLayers(): Promise<Layer[]> {
    return this.exclusive(async () => {
      const used = new Set<string>();
      for (const image of this.images.values()) for (const c of image.chainIds) used.add(c);
      const deleted: Layer[] = [];
      for (const layer of this.layers.list()) {
        if (used.has(layer.chainId) || this.layers.get(layer.chainId) === undefined) continue;
        // retain + release: the layer store deletes it only if nothing else holds it.
        this.layers.retain(layer.chainId);
        deleted.push(...(await this.layers.release(layer.chainId)));
      }
      if (deleted.length > 0) this.logger.info('removed layers no image uses', { layers: deleted.length });
      return deleted;
    });
  }

  /** A temp directory under the store's root (same filesystem as the layers), removed at open. */
  async makeTempDir(prefix: string): Promise<string> {
    return mkdtemp(join(this.layout.tmpDir, `${prefix}-`));
  }

  /** Images whose layers are missing, and references to images that do not exist. */
  check(options: { repair: boolean }): Promise<ImageCheckProblem[]> {
    return this.exclusive(async () => {
      const problems: ImageCheckProblem[] = [];
      for (const image of this.images.values()) {
        const missing = image.chainIds.filter((c) => this.layers.get(c) === undefined);
        if (missing.length > 0) {
          problems.push({
            subject: image.id,
            problem: `${missing.length} of its layers are missing from the layer store (first: ${missing[0]})`,
          });
        }
      }
      for (const { ref, id } of this.refs.entries()) {
        if (this.images.has(id)) continue;
        const problem: ImageCheckProblem = {
          subject: imageRefString(ref),
          problem: `names image ${id}, which does not exist`,
        };
        if (options.repair) {
          await this.refs.delete(ref);
          problem.repaired = 'reference removed';
        }
        problems.push(problem);
      }
      return problems;
    });
  }

  /** Waits for pending mutations; later calls fail. Layer references stay with the process. */
  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
