/**
 * `docker load`: reads the three archive shapes Docker has written — docker's manifest.json
 * (current OCI-based saves and the legacy `<id>/layer.tar` form alike), else a plain OCI
 * image layout's index.json — in one pass over the request stream (archive-stream.ts).
 *
 * Members are handled as they arrive, whatever their order: a small JSON member (manifest,
 * index, config, repositories) is kept in memory (bounded); anything else is taken for a
 * layer blob and extracted at once into a detached layer of the layer store (layer-store.ts),
 * so decompression, hashing and writing the files all happen while the archive is read. A
 * member that turns out not to be a layer (a VERSION file, garbage) only fails if a manifest
 * names it as one; blobs no manifest names are discarded.
 *
 * When the stream ends the manifests are resolved and every layer's diffID is checked against
 * its config before anything is attached (hostile-input row 17): a mismatch rejects the load
 * and discards every detached layer, keeping nothing. Then each image's layers are attached
 * bottom up (idempotent: a chain that exists keeps its layer). The references taken while
 * attaching are dropped at the end either way, so a rejected image leaves no layer behind,
 * and an accepted one is held by its own image reference.
 */
import { Readable } from 'node:stream';
import { DiffIdMismatchError } from '../archive/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import {
  isDigest,
  isIndexMediaType,
  isManifestMediaType,
  parseManifestDocument,
  MAX_MANIFEST_BYTES,
  digestHex,
  type Descriptor,
  type Digest,
  type ImageManifest,
} from '../oci/index.js';
import type { ChainId, DetachedLayer, LayerStore } from '../layer/index.js';
import {
  readArchive,
  DEFAULT_SPOOL_LIMITS,
  type ArchiveFile,
  type ArchiveLinks,
  type SpoolLimits,
} from './archive-stream.js';
import { MAX_CONFIG_BYTES, parseImageConfig } from './image-config.js';
import { imageRefString, type ImageRef } from './image-ref.js';
import type { Image, ImageStore } from './image-store.js';
import { CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION } from './save.js';

export type LoadEvent =
  | { kind: 'layer'; id: string; status: 'Loading layer'; current: number; total: number }
  | { kind: 'renamed'; name: string; oldId: Digest }
  | { kind: 'loaded'; image: Image; name: string | undefined };

export interface LoadOptions {
  /** Parses and normalises an archive's image name (`busybox:latest`, `docker.io/x/y:1`) to a tag. */
  parseName: (name: string) => ImageRef;
  /** The host's platform: images for another OS are refused. */
  os?: string;
  report?: (event: LoadEvent) => void;
  limits?: SpoolLimits;
  signal?: AbortSignal;
}

interface PlannedImage {
  configBytes: Buffer;
  /** Archive names of the layer blobs, bottom first. */
  layers: string[];
  names: string[];
}

const MAX_INDEX_DEPTH = 4;

/** A member kept in memory when it looks like JSON and is at most this big (each: a config's limit)… */
const MAX_INLINE_JSON_BYTES = Math.max(MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES);
/** …or is smaller than any tar with an end marker, whatever it holds (VERSION files). */
const MAX_INLINE_ANY_BYTES = 1023;
/** All members kept in memory together. */
const MAX_INLINE_TOTAL_BYTES = 64 * 1024 * 1024;
/**
 * A layer member up to this size is read into memory and extracted in the background while
 * the archive goes on to the next member, so the small layers of an image are extracted side
 * by side (each into its own directory) instead of one after another. A bigger one is
 * extracted straight from the stream, where reading and extracting overlap anyway. At most
 * MAX_PARALLEL_EXTRACTIONS run at once, holding at most MAX_BUFFERED_TOTAL_BYTES between them.
 */
const MAX_BUFFERED_LAYER_BYTES = 16 * 1024 * 1024;
const MAX_BUFFERED_TOTAL_BYTES = 64 * 1024 * 1024;
const MAX_PARALLEL_EXTRACTIONS = 3;

/** What became of one archive member. */
type Member =
  | { kind: 'inline'; bytes: Buffer }
  | { kind: 'layer'; detached: DetachedLayer }
  | { kind: 'failed'; error: unknown; size: number };

function looksLikeJson(first: Buffer | undefined): boolean {
  if (first === undefined) return true;
  for (const byte of first) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b || byte === 0x5b; // '{' or '['
  }
  return true;
}

/** The archive as received: members by name, and its links. */
class ReceivedArchive {
  readonly members = new Map<string, Member>();
  links: ArchiveLinks | undefined;
  inlineBytes = 0;
  /** Background extractions by member name; each sets its member when done. */
  private readonly extracting = new Map<string, Promise<void>>();
  private bufferedBytes = 0;

  constructor(private readonly layers: LayerStore) {}

  member(name: string): Member | undefined {
    const resolved = this.links?.resolve(name, (n) => this.members.has(n)) ?? name;
    return this.members.get(resolved);
  }

  has(name: string): boolean {
    return this.member(name) !== undefined;
  }

  /** A small member (JSON metadata), refusing anything above `limit` bytes. */
  async read(name: string, limit: number): Promise<Buffer> {
    const member = this.member(name);
    if (member === undefined) throw new InvalidArgumentError(`invalid archive: ${name} not found`);
    if (member.kind === 'inline' && member.bytes.length <= limit) return Promise.resolve(member.bytes);
    const size = member.kind === 'inline' ? member.bytes.length : member.kind === 'failed' ? member.size : -1;
    if (size >= 0 && size <= limit) {
      // Neither JSON-looking nor a layer: what JSON.parse would have said.
      throw new InvalidArgumentError(`invalid archive: ${name} is not valid JSON`);
    }
    throw new InvalidArgumentError(
      `invalid archive: ${name} is ${size >= 0 ? `${size} bytes` : 'a layer, not metadata'} (limit ${limit})`,
    );
  }

  /** Takes one member from the stream. */
  async receive(file: ArchiveFile, signal: AbortSignal | undefined): Promise<void> {
    await this.replace(file.name);
    const iterator = file.body[Symbol.asyncIterator]();
    // A failure of the archive stream itself (a bomb, a truncated tar, a dropped connection)
    // fails the load; a failure of the layer's own contents only marks the member.
    const source: { error?: unknown } = {};
    const pull = async (): Promise<IteratorResult<Buffer>> => {
      try {
        return await iterator.next();
      } catch (err) {
        source.error = err;
        throw err;
      }
    };
    const first = file.size > 0 ? await pull() : undefined;
    const head = first === undefined || first.done === true ? undefined : first.value;
    async function* rest(): AsyncGenerator<Buffer> {
      if (head !== undefined) yield head;
      // Not `yield*`: returning early must not close the body (the reader skips the rest).
      for (let next = await pull(); next.done !== true; next = await pull()) yield next.value;
    }
    const inline =
      (file.size <= MAX_INLINE_ANY_BYTES || (file.size <= MAX_INLINE_JSON_BYTES && looksLikeJson(head))) &&
      this.inlineBytes + file.size <= MAX_INLINE_TOTAL_BYTES;
    if (inline) {
      const chunks: Buffer[] = [];
      for await (const chunk of rest()) chunks.push(chunk);
      this.inlineBytes += file.size;
      this.members.set(file.name, { kind: 'inline', bytes: Buffer.concat(chunks) });
      return;
    }
    if (file.size <= MAX_BUFFERED_LAYER_BYTES) {
      while (
        this.extracting.size >= MAX_PARALLEL_EXTRACTIONS ||
        (this.extracting.size > 0 && this.bufferedBytes + file.size > MAX_BUFFERED_TOTAL_BYTES)
      ) {
        await Promise.race(this.extracting.values());
      }
      const chunks: Buffer[] = [];
      for await (const chunk of rest()) chunks.push(chunk);
      this.bufferedBytes += file.size;
      const done = this.extract(file.name, file.size, chunks, signal).finally(() => {
        this.bufferedBytes -= file.size;
        this.extracting.delete(file.name);
      });
      this.extracting.set(file.name, done);
      return;
    }
    await this.extract(file.name, file.size, rest(), signal);
    if ('error' in source) throw source.error; // the archive itself failed, not just this member
  }

  /** Extracts a member into a detached layer; a member that is no layer is only marked. */
  private async extract(
    name: string,
    size: number,
    body: AsyncIterable<Buffer> | Buffer[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    try {
      const detached = await this.layers.extractDetached(
        Array.isArray(body) ? Readable.from(body) : body,
        signal === undefined ? {} : { signal },
      );
      this.members.set(name, { kind: 'layer', detached });
    } catch (err) {
      signal?.throwIfAborted();
      // Maybe not a layer at all: it only matters if a manifest names it as one.
      this.members.set(name, { kind: 'failed', error: err, size });
    }
  }

  /** Waits for the background extractions; the first abort among them is thrown. */
  async settle(): Promise<void> {
    while (this.extracting.size > 0) await Promise.all(this.extracting.values());
  }

  /** A later member of the same name replaces an earlier one (tar semantics). */
  async replace(name: string): Promise<void> {
    await this.extracting.get(name);
    const old = this.members.get(name);
    if (old === undefined) return;
    this.members.delete(name);
    if (old.kind === 'inline') this.inlineBytes -= old.bytes.length;
    if (old.kind === 'layer') await this.layers.discardDetached(old.detached);
  }

  async discardAll(): Promise<void> {
    await this.settle().catch(() => undefined);
    for (const member of this.members.values()) {
      if (member.kind === 'layer') await this.layers.discardDetached(member.detached);
    }
  }
}

async function readJson<T>(archive: ReceivedArchive, name: string, limit: number): Promise<T> {
  const bytes = await archive.read(name, limit);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (err) {
    throw new InvalidArgumentError(`invalid archive: ${name} is not valid JSON`, { cause: err });
  }
}

async function planFromManifestJson(archive: ReceivedArchive): Promise<PlannedImage[]> {
  const entries = await readJson<unknown>(archive, 'manifest.json', MAX_MANIFEST_BYTES);
  if (!Array.isArray(entries)) throw new InvalidArgumentError('invalid archive: manifest.json is not a list');
  const plans: PlannedImage[] = [];
  for (const raw of entries) {
    const entry = raw as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) {
      throw new InvalidArgumentError('invalid archive: manifest.json entry without Config or Layers');
    }
    const layers = entry.Layers.map((l) => {
      if (typeof l !== 'string')
        throw new InvalidArgumentError('invalid archive: layer name is not a string');
      return l;
    });
    const names = Array.isArray(entry.RepoTags)
      ? entry.RepoTags.filter((t): t is string => typeof t === 'string')
      : [];
    plans.push({ configBytes: await archive.read(entry.Config, MAX_CONFIG_BYTES), layers, names });
  }
  return plans;
}

function blobName(digest: Digest): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

async function planFromIndex(archive: ReceivedArchive, os: string | undefined): Promise<PlannedImage[]> {
  const plans: PlannedImage[] = [];
  const walk = async (
    descriptors: Descriptor[],
    depth: number,
    topNames: string[] | undefined,
  ): Promise<void> => {
    if (depth > MAX_INDEX_DEPTH) throw new InvalidArgumentError('invalid archive: indexes nested too deeply');
    // Within a nested index only the host's platform is loaded, as docker does.
    const chosen =
      depth === 0
        ? descriptors
        : [
            descriptors.find((d) => d.platform === undefined || d.platform.os === (os ?? 'linux')) ??
              descriptors[0],
          ].filter((d): d is Descriptor => d !== undefined);
    for (const descriptor of chosen) {
      if (!isDigest(descriptor.digest))
        throw new InvalidArgumentError('invalid archive: bad digest in index');
      const names = topNames ?? namesOf(descriptor);
      const bytes = await archive.read(blobName(descriptor.digest), MAX_MANIFEST_BYTES);
      const doc = parseManifestDocument(
        bytes,
        isIndexMediaType(descriptor.mediaType) || isManifestMediaType(descriptor.mediaType)
          ? descriptor.mediaType
          : undefined,
      );
      if (doc.kind === 'index') {
        await walk(doc.index.manifests, depth + 1, names);
        continue;
      }
      const manifest: ImageManifest = doc.manifest;
      plans.push({
        configBytes: await archive.read(blobName(manifest.config.digest), MAX_CONFIG_BYTES),
        layers: manifest.layers.map((l) => blobName(l.digest)),
        names,
      });
    }
  };
  const indexBytes = await archive.read('index.json', MAX_MANIFEST_BYTES);
  const index = parseManifestDocument(indexBytes);
  if (index.kind !== 'index')
    throw new InvalidArgumentError('invalid archive: index.json is not an image index');
  await walk(index.index.manifests, 0, undefined);
  return plans;
}

/** containerd's full name if present, else ref.name when it is a whole reference rather than a bare tag. */
function namesOf(descriptor: Descriptor): string[] {
  const full = descriptor.annotations?.[CONTAINERD_NAME_ANNOTATION];
  if (full !== undefined && full !== '') return [full];
  const refName = descriptor.annotations?.[REF_NAME_ANNOTATION];
  if (refName !== undefined && (refName.includes('/') || refName.includes(':'))) return [refName];
  return [];
}

/** An image whose config, names and layers have been checked: ready to attach. */
interface CheckedImage {
  plan: PlannedImage;
  refs: ImageRef[];
  diffIds: Digest[];
  layers: Member[];
}

function checkImage(archive: ReceivedArchive, plan: PlannedImage, options: LoadOptions): CheckedImage {
  const config = parseImageConfig(plan.configBytes);
  const os = options.os ?? 'linux';
  if (config.os !== undefined && config.os !== '' && config.os !== os) {
    throw new InvalidArgumentError(`cannot load ${config.os} image on ${os}`);
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== plan.layers.length) {
    throw new InvalidArgumentError(
      `invalid manifest, layers length mismatch: expected ${diffIds.length}, got ${plan.layers.length}`,
    );
  }
  // Check every name before touching the layer store, so a bad name changes nothing.
  const refs = plan.names.map((name) => {
    const ref = options.parseName(name);
    if (ref.tag === undefined) throw new InvalidArgumentError(`invalid tag "${name}"`);
    return ref;
  });
  const layers = plan.layers.map((name, i) => {
    const member = archive.member(name);
    if (member === undefined) throw new InvalidArgumentError(`invalid archive: ${name} not found`);
    if (member.kind === 'failed') throw member.error;
    const expected = diffIds[i] as Digest;
    if (member.kind === 'layer' && member.detached.diffId !== expected) {
      throw new DiffIdMismatchError(expected, member.detached.diffId);
    }
    return member;
  });
  return { plan, refs, diffIds, layers };
}

async function loadOne(
  store: ImageStore,
  checked: CheckedImage,
  uses: Map<Member, number>,
  options: LoadOptions,
): Promise<Image> {
  const { plan, refs, diffIds } = checked;
  const taken: ChainId[] = [];
  let image: Image;
  try {
    let parent: ChainId | undefined;
    for (const [i, member] of checked.layers.entries()) {
      const diffId = diffIds[i] as Digest;
      const id = digestHex(diffId).slice(0, 12);
      options.report?.({ kind: 'layer', id, status: 'Loading layer', current: 0, total: 1 });
      const left = (uses.get(member) ?? 1) - 1;
      uses.set(member, left);
      const layer =
        member.kind === 'layer'
          ? await store.layers.attach(member.detached, parent, { keep: left > 0 })
          : await store.layers.register(Readable.from([(member as { bytes: Buffer }).bytes]), parent, {
              expectedDiffId: diffId,
              ...(options.signal !== undefined && { signal: options.signal }),
            });
      taken.push(layer.chainId);
      parent = layer.chainId;
      options.report?.({ kind: 'layer', id, status: 'Loading layer', current: 1, total: 1 });
    }
    image = await store.create(plan.configBytes);
  } finally {
    for (const chainId of taken.reverse()) await store.layers.release(chainId);
  }
  for (const ref of refs) {
    const old = store.lookup(ref);
    if (old !== undefined && old.id !== image.id) {
      options.report?.({ kind: 'renamed', name: imageRefString(ref), oldId: old.id });
    }
    await store.addReference(ref, image.id, { touch: false });
    options.report?.({ kind: 'loaded', image, name: imageRefString(ref) });
  }
  if (refs.length === 0) options.report?.({ kind: 'loaded', image, name: undefined });
  return image;
}

/** Loads every image of an archive stream; returns them in archive order. */
export async function loadImages(
  store: ImageStore,
  source: AsyncIterable<Buffer | Uint8Array>,
  options: LoadOptions,
): Promise<Image[]> {
  const archive = new ReceivedArchive(store.layers);
  try {
    archive.links = await readArchive(
      source,
      (file) => archive.receive(file, options.signal),
      (name) => archive.replace(name),
      options.limits ?? DEFAULT_SPOOL_LIMITS,
      options.signal,
    );
    await archive.settle();
    let plans: PlannedImage[];
    if (archive.has('manifest.json')) plans = await planFromManifestJson(archive);
    else if (archive.has('index.json')) plans = await planFromIndex(archive, options.os);
    else {
      throw new InvalidArgumentError(
        'invalid archive: no manifest.json or index.json (archives of docker before 1.10 are not supported)',
      );
    }
    // Every image is checked (diffIDs included) before any layer is attached.
    const checked = plans.map((plan) => checkImage(archive, plan, options));
    const uses = new Map<Member, number>();
    for (const image of checked) for (const m of image.layers) uses.set(m, (uses.get(m) ?? 0) + 1);
    const images: Image[] = [];
    for (const image of checked) images.push(await loadOne(store, image, uses, options));
    return images;
  } finally {
    await archive.discardAll(); // unused blobs, and everything after a failure
  }
}
