/**
 * An in-memory LayerStore for the image store's unit tests: layers are the tar bytes they
 * were registered with (so tarStream reproduces any diffID), counted the way the contract
 * in layer/layer-store.ts says. Container (rw) layers are not needed here and throw.
 */
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { InvalidArgumentError, NotFoundError, NotImplementedError } from '../errors/index.js';
import { sha256Digest } from '../oci/index.js';
import { chainIdOf } from '../layer/index.js';
import type {
  AttachOptions,
  ChainId,
  DetachedLayer,
  ExtractDetachedOptions,
  GraphDriverInfo,
  Layer,
  LayerChange,
  LayerCheckProblem,
  LayerStore,
  RegisterOptions,
  RWLayer,
} from '../layer/index.js';

interface Node {
  layer: Layer;
  refs: number;
  bytes: Buffer;
}

export class MemoryLayerStore implements LayerStore {
  readonly driver = 'vfs' as const;
  readonly nodes = new Map<ChainId, Node>();
  registrations = 0;

  async register(tar: Readable, parent: ChainId | undefined, options: RegisterOptions = {}): Promise<Layer> {
    const chunks: Buffer[] = [];
    for await (const chunk of tar) chunks.push(chunk as Buffer);
    let bytes = Buffer.concat(chunks);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    const diffId = sha256Digest(bytes);
    if (options.expectedDiffId !== undefined && options.expectedDiffId !== diffId) {
      throw new InvalidArgumentError(
        `layer diffID mismatch: expected ${options.expectedDiffId}, got ${diffId}`,
      );
    }
    if (parent !== undefined && !this.nodes.has(parent)) throw new NotFoundError(`no layer ${parent}`);
    const chainId = chainIdOf(parent, diffId);
    this.registrations++;
    const existing = this.nodes.get(chainId);
    if (existing) {
      existing.refs++;
      return existing.layer;
    }
    const layer: Layer = { chainId, diffId, parent, size: bytes.length, cacheId: chainId.slice(7, 19) };
    this.nodes.set(chainId, { layer, refs: 1, bytes });
    return layer;
  }

  /** Detached layers: their (uncompressed) bytes, by id. */
  readonly detached = new Map<string, { layer: DetachedLayer; bytes: Buffer }>();
  private nextDetached = 0;

  async extractDetached(
    tar: AsyncIterable<Buffer | Uint8Array>,
    options: ExtractDetachedOptions = {},
  ): Promise<DetachedLayer> {
    const chunks: Buffer[] = [];
    for await (const chunk of tar) chunks.push(Buffer.from(chunk));
    let bytes = Buffer.concat(chunks);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    if (bytes.length === 0 || bytes.length % 512 !== 0) throw new InvalidArgumentError('not a tar');
    const diffId = sha256Digest(bytes);
    if (options.expectedDiffId !== undefined && options.expectedDiffId !== diffId) {
      throw new InvalidArgumentError(
        `layer diffID mismatch: expected ${options.expectedDiffId}, got ${diffId}`,
      );
    }
    const layer: DetachedLayer = { id: `d${this.nextDetached++}`, diffId, size: bytes.length };
    this.detached.set(layer.id, { layer, bytes });
    return layer;
  }

  async attach(
    detached: DetachedLayer,
    parent: ChainId | undefined,
    options: AttachOptions = {},
  ): Promise<Layer> {
    const own = this.detached.get(detached.id);
    if (own === undefined) throw new InvalidArgumentError('not a detached layer');
    if (options.keep !== true) this.detached.delete(detached.id);
    return this.register(Readable.from([own.bytes]), parent, { expectedDiffId: own.layer.diffId });
  }

  async discardDetached(detached: DetachedLayer): Promise<void> {
    this.detached.delete(detached.id);
    return Promise.resolve();
  }

  get(chainId: ChainId): Layer | undefined {
    return this.nodes.get(chainId)?.layer;
  }

  retain(chainId: ChainId): Layer {
    const node = this.nodes.get(chainId);
    if (!node) throw new NotFoundError(`no layer ${chainId}`);
    node.refs++;
    return node.layer;
  }

  async release(chainId: ChainId): Promise<Layer[]> {
    const node = this.nodes.get(chainId);
    if (!node) throw new NotFoundError(`no layer ${chainId}`);
    if (node.refs <= 0) throw new Error(`release of ${chainId} without a reference`);
    node.refs--;
    const deleted: Layer[] = [];
    let current: Node | undefined = node;
    while (current && current.refs === 0 && !this.hasChildren(current.layer.chainId)) {
      this.nodes.delete(current.layer.chainId);
      deleted.push(current.layer);
      current = current.layer.parent === undefined ? undefined : this.nodes.get(current.layer.parent);
    }
    return deleted;
  }

  private hasChildren(chainId: ChainId): boolean {
    return [...this.nodes.values()].some((n) => n.layer.parent === chainId);
  }

  refs(chainId: ChainId): number {
    return this.nodes.get(chainId)?.refs ?? 0;
  }

  list(): Layer[] {
    return [...this.nodes.values()].map((n) => n.layer);
  }

  tarStream(chainId: ChainId): Readable {
    const node = this.nodes.get(chainId);
    if (!node) throw new NotFoundError(`no layer ${chainId}`);
    return Readable.from([node.bytes]);
  }

  createRWLayer(): Promise<RWLayer> {
    throw new NotImplementedError('not in the test double');
  }
  getRWLayer(): RWLayer | undefined {
    return undefined;
  }
  mount(): Promise<string> {
    throw new NotImplementedError('not in the test double');
  }
  async unmount(): Promise<void> {}
  async removeRWLayer(): Promise<void> {}

  graphDriverInfo(): GraphDriverInfo {
    return { Name: 'vfs', Data: {} };
  }

  /** Image tests never make containers, so no rw layer has changes. */
  changes(): LayerChange[] {
    return [];
  }

  changesTar(): Readable {
    throw new Error('image tests make no containers');
  }

  async check(): Promise<LayerCheckProblem[]> {
    return [];
  }

  async close(): Promise<void> {}
}
