/**
 * The distribution backend: `docker pull`, `push` and `login` over the Engine API. This is
 * where names are parsed and normalised (distribution/ does not see the reference grammar),
 * credentials are read from X-Registry-Auth, progress becomes Docker's JSON messages, and
 * `pull`/`push` image events are published (actor: `busybox:latest`, as dockerd).
 */
import { join } from 'node:path';
import type { DistributionBackend, ProgressSink, PullRequest, PushRequest } from '../api/server/backends.js';
import { formatProgress, type JsonMessage } from '../api/server/stream/json-progress.js';
import type { AuthConfig, AuthResponse } from '../api/types/index.js';
import {
  BlobSources,
  familiarString,
  LayerJobs,
  normalizePlatform,
  parsePlatform,
  Puller,
  Pusher,
  pullStatus,
  Semaphore,
  type ProgressEvent,
  type RemoteImage,
} from '../distribution/index.js';
import { ForbiddenError, InvalidArgumentError, NotFoundError, UnauthorizedError } from '../errors/index.js';
import type { ImageStore } from '../image/index.js';
import type { Logger } from '../log/index.js';
import { isDigest } from '../oci/index.js';
import {
  familiarName,
  parseNormalizedNamed,
  trimNamed,
  withDigest,
  withTag,
  type NamedReference,
} from '../reference/index.js';
import type { RegistryCredentials } from '../registry/client/index.js';
import type { EventsService } from './events-service.js';
import { goArch } from './host-facts.js';
import type { RegistryService } from './registry-service.js';

export interface DistributionServiceOptions {
  images: ImageStore;
  registry: RegistryService;
  events: EventsService;
  logger: Logger;
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
}

/** What docker login's serveraddress means for Docker Hub, in every spelling the CLI uses. */
const DOCKER_HUB_ADDRESSES = new Set([
  '',
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'https://index.docker.io/v1/',
  'https://index.docker.io/v1',
  'https://registry-1.docker.io',
]);

/** X-Registry-Auth's fields as the registry client's credentials; undefined is anonymous. */
export function credentialsOf(auth: AuthConfig | undefined): RegistryCredentials | undefined {
  if (auth === undefined) return undefined;
  if (auth.identitytoken) return { kind: 'identity-token', token: auth.identitytoken };
  if (auth.registrytoken) return { kind: 'registry-token', token: auth.registrytoken };
  let username = auth.username ?? '';
  let password = auth.password ?? '';
  if (username === '' && password === '' && auth.auth) {
    const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  if (username === '' && password === '') return undefined;
  return { kind: 'basic', username, password };
}

/** `https://index.docker.io/v1/` → docker.io, `http://127.0.0.1:5000/` → 127.0.0.1:5000. */
export function registryOfServerAddress(address: string | undefined): string {
  const text = (address ?? '').trim();
  if (DOCKER_HUB_ADDRESSES.has(text)) return 'docker.io';
  const withScheme = text.includes('://') ? text : `https://${text}`;
  let host: string;
  try {
    host = new URL(withScheme).host;
  } catch {
    throw new InvalidArgumentError(`invalid registry address "${text}"`);
  }
  return DOCKER_HUB_ADDRESSES.has(host) ? 'docker.io' : host;
}

function toRemote(ref: NamedReference): RemoteImage {
  if (ref.domain === '') throw new InvalidArgumentError(`cannot pull ${ref.path}: it names no registry`);
  return {
    registry: ref.domain,
    repository: ref.path,
    familiarName: familiarName(ref),
    ...(ref.tag !== undefined && { tag: ref.tag }),
    ...(ref.digest !== undefined && { digest: ref.digest }),
  };
}

/** Docker's progress event as a wire message, with the bar text dockerd adds. */
function toMessage(event: ProgressEvent): JsonMessage {
  const message: JsonMessage = {};
  if (event.status !== undefined) message.status = event.status;
  if (event.progressDetail !== undefined) {
    message.progressDetail = event.progressDetail;
    const bar = formatProgress(event.progressDetail);
    if (bar !== '') message.progress = bar;
  }
  if (event.id !== undefined) message.id = event.id;
  if (event.aux !== undefined) message.aux = event.aux;
  return message;
}

/**
 * dockerd answers "pull access denied …" with 404, not 401: a 401 makes the docker CLI ask
 * for a password on the terminal and retry, which is wrong for a repository that may simply
 * not exist (Docker Hub says "denied" for both).
 */
function asDockerPullError(err: unknown): unknown {
  if (
    (err instanceof UnauthorizedError || err instanceof ForbiddenError) &&
    err.message.startsWith('pull access denied')
  ) {
    return new NotFoundError(err.message, { cause: err });
  }
  return err;
}

export class DistributionService implements DistributionBackend {
  private readonly downloads: Semaphore;
  private readonly uploads: Semaphore;
  private readonly puller: Puller;
  private readonly pusher: Pusher;

  private constructor(
    private readonly options: DistributionServiceOptions,
    sources: BlobSources,
  ) {
    this.downloads = new Semaphore(options.maxConcurrentDownloads);
    this.uploads = new Semaphore(options.maxConcurrentUploads);
    const logger = options.logger;
    this.puller = new Puller({
      images: options.images,
      jobs: new LayerJobs(options.images.layers, this.downloads, logger),
      logger,
      sources,
      // Docker pulls the host's platform from an index (linux/amd64 on the machines we run on).
      defaultPlatform: normalizePlatform({ os: 'linux', architecture: goArch() }),
    });
    this.pusher = new Pusher({ images: options.images, uploads: this.uploads, sources, logger });
  }

  static async open(options: DistributionServiceOptions): Promise<DistributionService> {
    const sources = await BlobSources.open(
      join(options.images.layout.root, 'distribution', 'blob-sources.json'),
      options.logger,
    );
    return new DistributionService(options, sources);
  }

  /** SIGHUP: max-concurrent-downloads/-uploads. */
  setLimits(limits: { downloads: number; uploads: number }): void {
    this.downloads.limit = limits.downloads;
    this.uploads.limit = limits.uploads;
  }

  async pull(request: PullRequest, progress: ProgressSink): Promise<void> {
    // `docker pull -a` may send a trailing ':' (moby strips it too).
    let ref = parseNormalizedNamed(request.fromImage.replace(/:$/, ''));
    if (request.tag !== '') {
      ref = isDigest(request.tag) ? withDigest(trimNamed(ref), request.tag) : withTag(ref, request.tag);
    }
    const platform = request.platform === '' ? undefined : parsePlatform(request.platform);
    const remote = toRemote(ref);
    const client = this.options.registry.client.repository(remote.registry, remote.repository, {
      actions: ['pull'],
      ...this.credentials(request.auth),
    });
    const sink = (event: ProgressEvent): void => progress(toMessage(event));
    const allTags = remote.tag === undefined && remote.digest === undefined;
    const tags = allTags ? await client.listTags({ signal: request.signal }) : [undefined];
    let updated = false;
    for (const tag of tags) {
      const image: RemoteImage = tag === undefined ? remote : { ...remote, tag };
      const result = await this.puller
        .pull({
          client,
          image,
          ...(platform !== undefined && { platform }),
          signal: request.signal,
          progress: sink,
          status: !allTags,
        })
        .catch((err: unknown) => {
          throw asDockerPullError(err);
        });
      updated ||= result.updated;
      this.options.logger.info('pulled image', {
        image: familiarString(image),
        digest: result.manifestDigest,
        id: result.image.id,
        endpoint: result.servedBy.endpoint,
        mirror: result.servedBy.mirror,
      });
      this.publish('pull', familiarString(image), image.familiarName, result.image.config.config?.Labels);
    }
    // `pull -a` ends with one status for the repository, as dockerd's.
    if (allTags) sink({ status: pullStatus(updated, remote.familiarName) });
  }

  async push(request: PushRequest, progress: ProgressSink): Promise<void> {
    let ref = parseNormalizedNamed(request.name);
    if (request.tag !== '') ref = withTag(ref, request.tag);
    const remote = toRemote(ref);
    const sink = (event: ProgressEvent): void => progress(toMessage(event));
    const pusher = this.pusher;
    const targets = pusher.targets(remote);
    const client = this.options.registry.client.repository(remote.registry, remote.repository, {
      actions: ['pull', 'push'],
      ...this.credentials(request.auth),
      mountFrom: pusher.mountCandidates(remote, targets),
    });
    await pusher.push({ client, image: remote, targets, signal: request.signal, progress: sink });
    for (const target of targets) {
      this.publish(
        'push',
        familiarString({ ...remote, tag: target.tag }),
        remote.familiarName,
        target.image.config.config?.Labels,
      );
    }
  }

  async login(auth: AuthConfig, signal: AbortSignal): Promise<AuthResponse> {
    const registry = registryOfServerAddress(auth.serveraddress);
    const credentials = credentialsOf(auth) ?? { kind: 'basic', username: '', password: '' };
    const result = await this.options.registry.client.login(registry, credentials, { signal });
    this.options.logger.info('login succeeded', { registry });
    return { Status: result.status, IdentityToken: result.identityToken ?? '' };
  }

  private credentials(auth: AuthConfig | undefined): { credentials?: RegistryCredentials } {
    const credentials = credentialsOf(auth);
    return credentials === undefined ? {} : { credentials };
  }

  private publish(
    action: 'pull' | 'push',
    actor: string,
    name: string,
    labels?: Record<string, string>,
  ): void {
    this.options.events.publish({
      type: 'image',
      action,
      actorId: actor,
      attributes: { ...(labels ?? {}), name },
    });
  }
}
