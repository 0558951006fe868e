/**
 * `docker load`: reads the three archive shapes Docker has written — docker's manifest.json
 * (current OCI-based saves and the legacy `<id>/layer.tar` form alike), else a plain OCI
 * image layout's index.json — spooled from the request stream (see archive-spool.ts).
 *
 * Each image's layers are registered bottom up with the diffID its config promises; the
 * layer store refuses a layer whose bytes hash differently (hostile-input row 17). The
 * references taken while registering are dropped at the end either way, so a rejected image
 * leaves no layer behind, and an accepted one is held by its own image reference.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
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
import type { ChainId } from '../layer/layer-store.js';
import {
  spoolArchive,
  DEFAULT_SPOOL_LIMITS,
  type SpooledArchive,
  type SpoolLimits,
} from './archive-spool.js';
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

async function readJson<T>(archive: SpooledArchive, name: string, limit: number): Promise<T> {
  const bytes = await archive.read(name, limit);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (err) {
    throw new InvalidArgumentError(`invalid archive: ${name} is not valid JSON`, { cause: err });
  }
}

async function planFromManifestJson(archive: SpooledArchive): Promise<PlannedImage[]> {
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

async function planFromIndex(archive: SpooledArchive, os: string | undefined): Promise<PlannedImage[]> {
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

async function loadOne(
  store: ImageStore,
  archive: SpooledArchive,
  plan: PlannedImage,
  options: LoadOptions,
): Promise<Image> {
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
  const paths = plan.layers.map((name) => {
    const path = archive.path(name);
    if (path === undefined) throw new InvalidArgumentError(`invalid archive: ${name} not found`);
    return path;
  });

  const taken: ChainId[] = [];
  let image: Image;
  try {
    let parent: ChainId | undefined;
    for (const [i, path] of paths.entries()) {
      const diffId = diffIds[i] as Digest;
      const id = digestHex(diffId).slice(0, 12);
      options.report?.({ kind: 'layer', id, status: 'Loading layer', current: 0, total: 1 });
      // With the diffID given, the layer store skips reading a layer it already has; the
      // stream is closed here either way so its file descriptor never lingers.
      const tar = createReadStream(path);
      let layer;
      try {
        layer = await store.layers.register(tar, parent, {
          expectedDiffId: diffId,
          ...(options.signal !== undefined && { signal: options.signal }),
        });
      } finally {
        tar.destroy();
      }
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
  const dir = await store.makeTempDir('load');
  try {
    const archive = await spoolArchive(source, dir, options.limits ?? DEFAULT_SPOOL_LIMITS, options.signal);
    let plans: PlannedImage[];
    if (archive.has('manifest.json')) plans = await planFromManifestJson(archive);
    else if (archive.has('index.json')) plans = await planFromIndex(archive, options.os);
    else {
      throw new InvalidArgumentError(
        'invalid archive: no manifest.json or index.json (archives of docker before 1.10 are not supported)',
      );
    }
    const images: Image[] = [];
    for (const plan of plans) images.push(await loadOne(store, archive, plan, options));
    return images;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
