/**
 * `docker push`: for each tag, every layer (top first, as dockerd lists them) is made present
 * in the target repository — `Layer already exists` when a HEAD finds a blob this daemon knows
 * for it, `Mounted from <repo>` when the registry mounts one from another repository it holds
 * (blob-sources.ts remembers where each layer went), else gzip of the layer's tar
 * (layerStore.tarStream, the exact bytes it was registered from) streamed into an upload —
 * then the config blob and a Docker v2 schema 2 manifest, PUT by tag. The stream ends with
 * dockerd's `latest: digest: sha256:… size: N` and an aux {Tag, Digest, Size}.
 *
 * Uploads run in parallel up to max-concurrent-uploads; a layer waiting for a slot reports
 * `Waiting`, as with dockerd.
 */
import { createGzip } from 'node:zlib';
import { NotFoundError, SystemError } from '../errors/index.js';
import type { Image, ImageStore } from '../image/index.js';
import type { ChainId, DiffId } from '../layer/index.js';
import type { Logger } from '../log/index.js';
import { MediaType } from '../oci/index.js';
import type { RepositoryClient } from '../registry/client/registry-client.js';
import type { BlobSource, BlobSources } from './blob-sources.js';
import { throttled, type ProgressSink } from './progress.js';
import type { Semaphore } from './semaphore.js';
import { shortDigest, type Digest, type RemoteImage } from './types.js';

export interface PushTarget {
  tag: string;
  image: Image;
}

export interface PushOptions {
  /** A session for the target repository with pull and push scope. */
  client: RepositoryClient;
  image: RemoteImage;
  /** From `targets()`. */
  targets: PushTarget[];
  signal: AbortSignal;
  progress: ProgressSink;
}

export interface PusherOptions {
  images: ImageStore;
  uploads: Semaphore;
  sources: BlobSources;
  logger: Logger;
}

interface LayerBlob {
  digest: Digest;
  size: number;
}

/** Blobs compressed this way can stand in a Docker schema 2 manifest as they are. */
const GZIP_TYPES = new Set<string>([MediaType.DockerLayerGzip, MediaType.OciLayerGzip]);
/** Other repositories offered to the token service for mounting (each costs scope text). */
const MAX_MOUNT_CANDIDATES = 8;

export class Pusher {
  constructor(private readonly options: PusherOptions) {}

  /**
   * The local images to push: the tag's, or every tag of the repository when none is given;
   * dockerd's 404 `An image does not exist locally with the tag: x` when there is none.
   */
  targets(image: RemoteImage): PushTarget[] {
    const { images } = this.options;
    const missing = new NotFoundError(`An image does not exist locally with the tag: ${image.familiarName}`);
    if (image.tag !== undefined) {
      const found = images.lookup({ repo: image.familiarName, tag: image.tag });
      if (found === undefined) throw missing;
      return [{ tag: image.tag, image: found }];
    }
    const targets: PushTarget[] = [];
    for (const { ref, id } of images.allReferences()) {
      if (ref.repo !== image.familiarName || ref.tag === undefined) continue;
      const found = images.get(id);
      if (found !== undefined) targets.push({ tag: ref.tag, image: found });
    }
    if (targets.length === 0) throw missing;
    return targets.sort((a, b) => a.tag.localeCompare(b.tag));
  }

  /** Repositories of the same registry known to hold layers of `targets`, for mount scopes. */
  mountCandidates(image: RemoteImage, targets: readonly PushTarget[]): string[] {
    const repos = new Set<string>();
    for (const { image: local } of targets) {
      for (const diffId of local.config.rootfs.diff_ids) {
        for (const source of this.options.sources.get(diffId)) {
          if (source.registry === image.registry && source.repository !== image.repository) {
            repos.add(source.repository);
          }
        }
      }
    }
    return [...repos].slice(0, MAX_MOUNT_CANDIDATES);
  }

  async push(options: PushOptions): Promise<void> {
    const { image, progress } = options;
    progress({ status: `The push refers to repository [${image.registry}/${image.repository}]` });
    for (const target of options.targets) await this.pushTag(options, target);
  }

  private async pushTag(options: PushOptions, target: PushTarget): Promise<void> {
    const { client, progress, signal } = options;
    const local = target.image;
    const diffIds = local.config.rootfs.diff_ids;
    // Top first, as dockerd lists them.
    const order = diffIds.map((_, i) => i).reverse();
    for (const i of order) progress({ id: shortDigest(diffIds[i]!), status: 'Preparing' });
    const blobs = new Map<DiffId, Promise<LayerBlob>>();
    const pushes = order.map((i) => {
      const diffId = diffIds[i]!;
      let blob = blobs.get(diffId);
      if (blob === undefined) {
        blob = this.pushLayer(options, diffId, local.chainIds[i]!);
        blobs.set(diffId, blob);
      }
      return blob;
    });
    const settled = await Promise.allSettled(pushes);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const layerBlobs = new Map(
      order.map((i, k) => [i, (settled[k] as PromiseFulfilledResult<LayerBlob>).value]),
    );

    if (!(await client.hasBlob(local.id, { signal }))) {
      const sent = await client.uploadBlob(one(local.configBytes), { signal });
      if (sent.digest !== local.id)
        throw new SystemError(`config upload gave ${sent.digest}, expected ${local.id}`);
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, size: local.configBytes.length, digest: local.id },
      layers: diffIds.map((_, i) => {
        const blob = layerBlobs.get(i)!;
        return { mediaType: MediaType.DockerLayerGzip, size: blob.size, digest: blob.digest };
      }),
    };
    // dockerd (distribution's schema2) indents with three spaces; keep its bytes' shape.
    const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
    const pushed = await client.putManifest(target.tag, bytes, MediaType.DockerManifest, { signal });
    progress({ status: `${target.tag}: digest: ${pushed.digest} size: ${pushed.size}` });
    progress({ progressDetail: {}, aux: { Tag: target.tag, Digest: pushed.digest, Size: pushed.size } });
    this.options.logger.info('pushed image', {
      image: `${options.image.familiarName}:${target.tag}`,
      digest: pushed.digest,
    });
  }

  /** Makes one layer present in the target repository; returns the blob the manifest names. */
  private async pushLayer(options: PushOptions, diffId: DiffId, chainId: ChainId): Promise<LayerBlob> {
    const { client, image, signal, progress } = options;
    const { uploads, sources } = this.options;
    const id = shortDigest(diffId);
    if (!uploads.tryAcquire()) {
      progress({ id, status: 'Waiting' });
      await uploads.acquire(signal);
    }
    try {
      const known = sources
        .get(diffId)
        .filter((s) => s.registry === image.registry && GZIP_TYPES.has(s.mediaType));
      const record = (blob: LayerBlob): Promise<void> =>
        sources.add(diffId, {
          ...blob,
          mediaType: MediaType.DockerLayerGzip,
          registry: image.registry,
          repository: image.repository,
        });
      const here = known.filter((s) => s.repository === image.repository);
      for (const source of [...here, ...dedupe(known.filter((s) => s.repository !== image.repository))]) {
        if (await client.hasBlob(source.digest, { signal })) {
          progress({ id, status: 'Layer already exists' });
          await record(source);
          return source;
        }
      }
      for (const source of known.filter((s) => s.repository !== image.repository)) {
        if (await client.mountBlob(source.digest, source.repository, { signal })) {
          progress({ id, status: `Mounted from ${source.repository}` });
          await record(source);
          return source;
        }
      }
      const blob = await this.upload(options, id, chainId);
      progress({ id, status: 'Pushed' });
      await record(blob);
      return blob;
    } finally {
      uploads.release();
    }
  }

  /** gzip of the layer's tar, streamed into the registry. */
  private async upload(options: PushOptions, id: string, chainId: ChainId): Promise<LayerBlob> {
    const { client, signal, progress } = options;
    const layers = this.options.images.layers;
    const total = layers.get(chainId)?.size;
    const tar = layers.tarStream(chainId);
    const gzip = createGzip();
    let read = 0;
    const report = throttled((current) =>
      progress({
        id,
        status: 'Pushing',
        progressDetail: total !== undefined ? { current, total } : { current },
      }),
    );
    tar.on('data', (chunk: Buffer) => {
      read += chunk.length;
      report(read);
    });
    tar.on('error', (err) => gzip.destroy(err));
    tar.pipe(gzip);
    try {
      const sent = await client.uploadBlob(gzip, { signal });
      report(read, true);
      return sent;
    } finally {
      tar.destroy();
      gzip.destroy();
    }
  }
}

async function* one(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

/** One source per digest (the same blob pushed to many repositories). */
function dedupe(sources: readonly BlobSource[]): BlobSource[] {
  const seen = new Set<string>();
  return sources.filter((s) => !seen.has(s.digest) && (seen.add(s.digest), true));
}
