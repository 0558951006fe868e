/**
 * `docker pull`: manifest (an index resolves to one platform's manifest), config (verified by
 * the client against its digest; diff_ids must pair with the layers), then the layers — those
 * in the store report `Already exists`, the rest stream into the layer store through shared
 * jobs (layer-jobs.ts) — and finally the image: config into the image store, the tag, and
 * the RepoDigest `name@<manifest digest>` (a pull by digest records only the digest).
 *
 * Progress follows dockerd's sequence word for word: `Pulling from library/busybox` (id: the
 * tag or digest), per layer (id: 12 hex of the blob digest) `Pulling fs layer`, `Waiting`,
 * `Downloading`, `Verifying Checksum`, `Download complete`, `Extracting`, `Pull complete`
 * or `Already exists`, then `Digest: sha256:…` and `Status: Downloaded newer image for x:tag`
 * or `Status: Image is up to date for x:tag`. One line beyond Docker names the endpoint
 * (mirror or upstream) that served the manifest.
 *
 * Nothing is printed before the manifest is in hand, so a missing image is an ordinary error
 * response (404) rather than a stream error, as with dockerd. A failure after that releases
 * every layer reference the pull took; layers it created and nothing else uses are deleted
 * with them, and detached extractions are discarded, so nothing half-made remains.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../errors/index.js';
import {
  parseImageConfig,
  MAX_CONFIG_BYTES,
  type Image,
  type ImageRef,
  type ImageStore,
} from '../image/index.js';
import { chainIdsOf, type ChainId, type Layer } from '../layer/index.js';
import type { Logger } from '../log/index.js';
import type {
  EndpointReport,
  FetchedManifest,
  RepositoryClient,
} from '../registry/client/registry-client.js';
import type { BlobSources } from './blob-sources.js';
import type { LayerJobs } from './layer-jobs.js';
import {
  DEFAULT_PLATFORM,
  formatPlatform,
  normalizePlatform,
  platformRank,
  selectManifest,
  type PlatformSpec,
} from './platform.js';
import type { ProgressSink } from './progress.js';
import { familiarString, shortDigest, type Digest, type ImageManifest, type RemoteImage } from './types.js';

export interface PullOptions {
  /** A session for `image.registry`/`image.repository` with pull scope. */
  client: RepositoryClient;
  /** Must carry a tag or a digest. */
  image: RemoteImage;
  /** `--platform`; undefined pulls the default platform and accepts any single-platform image. */
  platform?: PlatformSpec;
  signal: AbortSignal;
  progress: ProgressSink;
  /** False leaves out the final `Status:` line (`pull -a` prints one for all tags). */
  status?: boolean;
}

export interface PullResult {
  image: Image;
  /** Digest of what the tag named (the index, for a multi-platform image). */
  manifestDigest: Digest;
  /** False when the reference already named this image ("Image is up to date"). */
  updated: boolean;
  servedBy: EndpointReport;
}

export interface PullerOptions {
  images: ImageStore;
  jobs: LayerJobs;
  logger: Logger;
  sources?: BlobSources;
  /** The platform pulled from an index when none is asked for (default linux/amd64). */
  defaultPlatform?: PlatformSpec;
}

/** dockerd's words when the config and the manifest disagree on the layer count. */
const ROOTFS_MISMATCH = "layers from manifest don't match image configuration";
/** An index pointing at an index is followed this deep. */
const MAX_INDEX_DEPTH = 2;

/** dockerd's last line of a pull. */
export function pullStatus(updated: boolean, name: string): string {
  return `Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${name}`;
}

function sha256(bytes: Buffer): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class Puller {
  /** Config fetches in flight, so concurrent pulls of one image GET its config once. */
  private readonly configs = new Map<Digest, { bytes: Promise<Buffer>; users: number }>();

  constructor(private readonly options: PullerOptions) {}

  async pull(options: PullOptions): Promise<PullResult> {
    const { image, client, signal, progress } = options;
    const reference = image.digest ?? image.tag;
    if (reference === undefined) throw new InvalidArgumentError('pull needs a tag or a digest');

    const top = await client.getManifest(reference, { signal });
    const manifest = await this.resolvePlatform(client, top, options);
    progress({ id: image.digest ?? image.tag, status: `Pulling from ${image.repository}` });
    const served = top.servedBy;
    progress({
      status: `Endpoint: ${served.endpoint}${served.mirror ? ` (mirror of ${served.registry})` : ''}`,
    });

    let configBytes: Buffer;
    try {
      configBytes = await this.config(client, manifest, signal);
    } catch (err) {
      this.doneWithConfig(manifest.config.digest);
      throw err;
    }
    try {
      return await this.pullImage(options, top, manifest, configBytes);
    } finally {
      this.doneWithConfig(manifest.config.digest);
    }
  }

  private async pullImage(
    options: PullOptions,
    top: FetchedManifest,
    manifest: ImageManifest,
    configBytes: Buffer,
  ): Promise<PullResult> {
    const { image, progress } = options;
    const served = top.servedBy;
    const config = parseImageConfig(configBytes);
    if (config.os !== undefined && config.os !== '' && config.os !== 'linux') {
      throw new InvalidArgumentError(`image operating system "${config.os}" cannot be used on this platform`);
    }
    if (top.document.kind === 'manifest' && options.platform !== undefined) {
      if (platformRank(options.platform, config) === undefined) {
        throw new InvalidArgumentError(
          `image with reference ${familiarString(image)} was found but does not match the specified platform: ` +
            `wanted ${formatPlatform(options.platform)}, actual: ${formatPlatform(normalizePlatform(config))}`,
        );
      }
    }
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length) throw new InvalidArgumentError(ROOTFS_MISMATCH);

    const chainIds = chainIdsOf(diffIds);
    const held = await this.layers(options, manifest, diffIds, chainIds);
    let made: Image;
    try {
      made = await this.options.images.create(configBytes);
    } finally {
      for (const chainId of held.reverse()) await this.options.images.layers.release(chainId);
    }

    const updated = await this.record(made, image, top.digest);
    await this.options.sources?.addAll(
      manifest.layers.map((layer, i) => [
        diffIds[i]!,
        {
          digest: layer.digest,
          size: layer.size,
          mediaType: layer.mediaType,
          registry: image.registry,
          repository: image.repository,
        },
      ]),
    );
    progress({ status: `Digest: ${top.digest}` });
    if (options.status !== false) progress({ status: pullStatus(updated, familiarString(image)) });
    return { image: made, manifestDigest: top.digest, updated, servedBy: served };
  }

  /** The manifest to pull: the document itself, or the index entry for the platform. */
  private async resolvePlatform(
    client: RepositoryClient,
    fetched: FetchedManifest,
    options: PullOptions,
  ): Promise<ImageManifest> {
    let current = fetched;
    for (let depth = 0; ; depth++) {
      if (current.document.kind === 'manifest') return current.document.manifest;
      if (depth >= MAX_INDEX_DEPTH) throw new InvalidArgumentError('image index nested too deeply');
      const wanted = options.platform ?? this.options.defaultPlatform ?? DEFAULT_PLATFORM;
      const chosen = selectManifest(current.document.index.manifests, wanted);
      current = await client.getManifest(chosen.digest, { signal: options.signal });
    }
  }

  /**
   * The config bytes: from the image store when the image is there, else one GET shared by
   * every pull that needs it until the last of them has stored the image (a pull that starts
   * after the GET but before the image exists must not fetch again).
   */
  private async config(
    client: RepositoryClient,
    manifest: ImageManifest,
    signal: AbortSignal,
  ): Promise<Buffer> {
    const { digest } = manifest.config;
    const local = this.options.images.get(digest);
    if (local !== undefined) return local.configBytes;
    let entry = this.configs.get(digest);
    if (entry === undefined) {
      const fetching = client
        .fetchBlob(manifest.config, { signal, maxBytes: MAX_CONFIG_BYTES })
        .then((bytes) => {
          // The client verifies; a second look costs nothing for a few KiB and guards the image id.
          if (sha256(bytes) !== digest)
            throw new InvalidArgumentError(`config ${digest} does not match its digest`);
          return bytes;
        });
      fetching.catch(() => {
        if (this.configs.get(digest) === entry) this.configs.delete(digest);
      });
      entry = { bytes: fetching, users: 0 };
      this.configs.set(digest, entry);
    }
    entry.users++;
    return entry.bytes;
  }

  /** Ends one pull's use of a shared config fetch. */
  private doneWithConfig(digest: Digest): void {
    const entry = this.configs.get(digest);
    if (entry !== undefined && --entry.users <= 0) this.configs.delete(digest);
  }

  /**
   * A reference on every layer of the image, bottom first; on failure none is kept. Layers in
   * the store are retained at once; the rest are joined or started as shared jobs.
   */
  private async layers(
    options: PullOptions,
    manifest: ImageManifest,
    diffIds: readonly Digest[],
    chainIds: readonly ChainId[],
  ): Promise<ChainId[]> {
    const { progress } = options;
    const store = this.options.images.layers;
    // Leaving the jobs when this pull fails (or its client goes) lets them stop if unshared.
    const leave = new AbortController();
    const onAbort = (): void => leave.abort(options.signal.reason);
    options.signal.addEventListener('abort', onAbort, { once: true });
    const held: ChainId[] = [];
    const waits: Promise<Layer>[] = [];
    try {
      manifest.layers.forEach((descriptor, i) => {
        const id = shortDigest(descriptor.digest);
        const chainId = chainIds[i]!;
        if (store.get(chainId) !== undefined && !this.options.jobs.has(chainId)) {
          store.retain(chainId);
          held.push(chainId);
          progress({ id, status: 'Already exists' });
          return;
        }
        progress({ id, status: 'Pulling fs layer' });
        waits.push(
          this.options.jobs.join(
            {
              chainId,
              parent: i === 0 ? undefined : chainIds[i - 1],
              diffId: diffIds[i]!,
              descriptor,
              client: options.client,
            },
            (event) => progress({ id, ...event }),
            leave.signal,
          ),
        );
      });
      const results = await Promise.allSettled(
        waits.map((wait) =>
          wait.catch((err: unknown) => {
            leave.abort(err);
            throw err;
          }),
        ),
      );
      for (const result of results) if (result.status === 'fulfilled') held.push(result.value.chainId);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) {
        options.signal.throwIfAborted();
        throw failed.reason;
      }
      return held;
    } catch (err) {
      for (const chainId of held.reverse()) await store.release(chainId);
      await this.options.jobs.settleAbandoned(chainIds);
      throw err;
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Tag and RepoDigest; returns whether the reference named another image (or none) before. */
  private async record(made: Image, image: RemoteImage, manifestDigest: Digest): Promise<boolean> {
    const { images } = this.options;
    const digestRef: ImageRef = { repo: image.familiarName, digest: image.digest ?? manifestDigest };
    const tagRef: ImageRef | undefined =
      image.digest === undefined && image.tag !== undefined
        ? { repo: image.familiarName, tag: image.tag }
        : undefined;
    const before = images.lookup(tagRef ?? digestRef);
    if (tagRef !== undefined) await images.addReference(tagRef, made.id, { touch: false });
    await images.addReference(digestRef, made.id, { touch: false });
    return before?.id !== made.id;
  }
}
