/**
 * `docker save`: the archive current Docker writes — an OCI image layout (`oci-layout`,
 * `index.json`, `blobs/sha256/…`) with docker's `manifest.json` and `repositories` beside it.
 * Layers are stored uncompressed, so each layer blob's digest is its diffID.
 *
 * A tar header needs the entry's size before its bytes, and the layer store regenerates a
 * layer's tar from its files (and its tar-split record), so every layer is first spooled to
 * a temp file, hashed on the way and refused if it does not reproduce its diffID (a damaged
 * layer must not travel as a valid one), then streamed into the archive and removed, as
 * Docker also stages a save on disk.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encodeHeader, END_OF_ARCHIVE, tarPadding } from '../archive/index.js';
import { SystemError } from '../errors/index.js';
import { Digester, MediaType, digestHex, sha256Digest, type Descriptor, type Digest } from '../oci/index.js';
import type { ImageRef } from './image-ref.js';
import { imageRefString } from './image-ref.js';
import type { Image, ImageStore } from './image-store.js';

export interface SaveTarget {
  image: Image;
  /** Tags to record (RepoTags, index.json names); empty saves the image by id only. */
  tags: ImageRef[];
}

export interface SaveOptions {
  /** The fully qualified name of a reference (`docker.io/library/busybox:latest`) for index.json. */
  qualify: (ref: ImageRef) => string;
  signal?: AbortSignal;
}

/** docker's manifest.json entry. */
export interface ArchiveManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME_ANNOTATION = 'io.containerd.image.name';

function blobName(digest: Digest): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

/** The header of a member of the archive (root-owned, time 0), as Go's archive/tar writes it. */
function tarHeader(input: { name: string; type: 'file' | 'directory'; size?: number }): Buffer {
  const directory = input.type === 'directory';
  return encodeHeader({
    name: Buffer.from(directory && !input.name.endsWith('/') ? `${input.name}/` : input.name),
    mode: directory ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    size: directory ? 0 : (input.size ?? 0),
    mtime: 0,
    typeflag: directory ? '5' : '0',
  });
}

/** A small member (JSON, config) as header + bytes + padding. */
function* bufferEntry(name: string, data: Buffer | string): Generator<Buffer> {
  const bytes = Buffer.from(data);
  yield tarHeader({ name, type: 'file', size: bytes.length });
  yield bytes;
  yield tarPadding(bytes.length);
}

/** Spools a layer's tar to `file`; returns its size after checking its digest. */
async function spoolLayer(store: ImageStore, chainId: Digest, diffId: Digest, file: string): Promise<number> {
  const digester = new Digester();
  const hash = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      digester.update(chunk);
      cb(null, chunk);
    },
  });
  await pipeline(store.layers.tarStream(chainId), hash, createWriteStream(file, { mode: 0o600 }));
  if (digester.digest() !== diffId) {
    throw new SystemError(
      `layer ${chainId} does not reproduce its diffID (${diffId}, got ${digester.digest()}); run "lading system check"`,
    );
  }
  return (await stat(file)).size;
}

interface SpooledLayers {
  dir: string;
  /** diffID → spooled tar and its size */
  files: Map<Digest, { path: string; size: number }>;
}

/** Every layer of every target, spooled and verified before a byte of the archive is sent. */
async function spoolLayers(
  store: ImageStore,
  targets: SaveTarget[],
  signal?: AbortSignal,
): Promise<SpooledLayers> {
  const dir = await store.makeTempDir('save');
  const files = new Map<Digest, { path: string; size: number }>();
  try {
    for (const { image } of targets) {
      for (const [i, diffId] of image.config.rootfs.diff_ids.entries()) {
        signal?.throwIfAborted();
        if (files.has(diffId)) continue;
        const path = join(dir, digestHex(diffId));
        files.set(diffId, { path, size: await spoolLayer(store, image.chainIds[i] as Digest, diffId, path) });
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, files };
}

async function* archiveChunks(
  layers: SpooledLayers,
  targets: SaveTarget[],
  options: SaveOptions,
): AsyncGenerator<Buffer> {
  yield tarHeader({ name: 'blobs', type: 'directory' });
  yield tarHeader({ name: 'blobs/sha256', type: 'directory' });
  const written = new Set<Digest>();
  const manifestJson: ArchiveManifestEntry[] = [];
  const indexEntries: Descriptor[] = [];
  const repositories: Record<string, Record<string, string>> = {};

  for (const { image, tags } of targets) {
    const diffIds = image.config.rootfs.diff_ids;
    for (const diffId of diffIds) {
      options.signal?.throwIfAborted();
      if (written.has(diffId)) continue;
      const layer = layers.files.get(diffId) as { path: string; size: number };
      yield tarHeader({ name: blobName(diffId), type: 'file', size: layer.size });
      for await (const chunk of createReadStream(layer.path, { highWaterMark: 1024 * 1024 }))
        yield chunk as Buffer;
      yield tarPadding(layer.size);
      await rm(layer.path, { force: true });
      written.add(diffId);
    }
    if (!written.has(image.id)) {
      yield* bufferEntry(blobName(image.id), image.configBytes);
      written.add(image.id);
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: image.id, size: image.configBytes.length },
      layers: diffIds.map((d) => ({
        mediaType: MediaType.OciLayer,
        digest: d,
        size: layers.files.get(d)?.size ?? 0,
      })),
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestDigest = sha256Digest(manifestBytes);
    if (!written.has(manifestDigest)) {
      yield* bufferEntry(blobName(manifestDigest), manifestBytes);
      written.add(manifestDigest);
    }
    const descriptor: Descriptor = {
      mediaType: MediaType.OciManifest,
      digest: manifestDigest,
      size: manifestBytes.length,
    };
    if (tags.length === 0) indexEntries.push(descriptor);
    for (const tag of tags) {
      indexEntries.push({
        ...descriptor,
        annotations: {
          [CONTAINERD_NAME_ANNOTATION]: options.qualify(tag),
          [REF_NAME_ANNOTATION]: tag.tag ?? '',
        },
      });
      const top = diffIds[diffIds.length - 1];
      if (top !== undefined && tag.tag !== undefined)
        (repositories[tag.repo] ??= {})[tag.tag] = digestHex(top);
    }
    manifestJson.push({
      Config: blobName(image.id),
      RepoTags: tags.length > 0 ? tags.map(imageRefString) : null,
      Layers: diffIds.map(blobName),
    });
  }
  const index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: indexEntries };
  yield* bufferEntry('index.json', JSON.stringify(index));
  yield* bufferEntry('manifest.json', JSON.stringify(manifestJson));
  yield* bufferEntry('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  if (Object.keys(repositories).length > 0) yield* bufferEntry('repositories', JSON.stringify(repositories));
  yield END_OF_ARCHIVE;
}

/**
 * Spools and verifies every layer first — so a layer that cannot be reproduced is a clean
 * error, not a truncated archive — then returns the archive as a stream. An error while
 * streaming destroys the stream with that error; the spool is removed however it ends.
 */
export async function saveImages(
  store: ImageStore,
  targets: SaveTarget[],
  options: SaveOptions,
): Promise<Readable> {
  const layers = await spoolLayers(store, targets, options.signal);
  async function* withCleanup(): AsyncGenerator<Buffer> {
    try {
      yield* archiveChunks(layers, targets, options);
    } finally {
      await rm(layers.dir, { recursive: true, force: true });
    }
  }
  const stream = Readable.from(withCleanup(), { objectMode: false, highWaterMark: 1024 * 1024 });
  // A consumer that stops early never resumes the generator: clean up on close as well.
  stream.once('close', () => void rm(layers.dir, { recursive: true, force: true }));
  return stream;
}
