/**
 * RepositoryClient: the operations of registry-client.ts for one repository, composed from
 * the single-job files beside it. Reads walk the endpoints (mirrors, then upstream); writes
 * go to the upstream only.
 */
import { familiarName } from '../../reference/index.js';
import type { Descriptor, Digest } from '../../oci/index.js';
import { NotFoundError } from '../../errors/index.js';
import { downloadBlob, fetchWholeBlob, type BlobDownloadContext } from './blob-download.js';
import { blobExists, mountBlob, uploadBlob } from './blob-upload.js';
import { EndpointSession, type ClientContext } from './endpoint-session.js';
import {
  readEndpoints,
  upstreamEndpoint,
  canonicalRegistry,
  type Endpoint,
  type EndpointConfig,
} from './endpoints.js';
import { fetchManifest, headManifest, type ManifestTarget } from './manifest-fetch.js';
import { tryEndpoints, reportOf, type MirrorBackoff, type SelectionContext } from './mirror-selection.js';
import type {
  BlobDownloadOptions,
  EndpointEvent,
  FetchedManifest,
  PushedManifest,
  RegistryCredentials,
  RepositoryClient,
} from './registry-client.js';
import { listTags } from './tag-list.js';
import { putManifest } from './manifest-put.js';

export interface RepositorySettings {
  config: EndpointConfig;
  backoff: MirrorBackoff;
  onEvent: ((event: EndpointEvent) => void) | undefined;
  maxResumes: number;
  maxRestarts: number;
  uploadChunkBytes: number;
}

/** Token scopes: the actions on this repository, pull on each mount source. */
export function scopesFor(
  repository: string,
  actions: ReadonlyArray<'pull' | 'push'>,
  mountFrom: readonly string[] = [],
): string[] {
  const scopes = [`repository:${repository}:${[...new Set(actions)].join(',')}`];
  for (const from of mountFrom) if (from !== repository) scopes.push(`repository:${from}:pull`);
  return scopes;
}

const DEFAULT_MAX_BLOB_FETCH = 4 * 1024 * 1024;

export class RepositoryClientImpl implements RepositoryClient {
  readonly registry: string;
  private readonly sessions = new Map<string, EndpointSession>();
  private readonly scopes: string[];
  private readonly familiar: string;

  constructor(
    private readonly ctx: ClientContext,
    private readonly settings: RepositorySettings,
    registry: string,
    readonly repository: string,
    private readonly credentials: RegistryCredentials | undefined,
    actions: ReadonlyArray<'pull' | 'push'>,
    mountFrom: readonly string[] | undefined,
  ) {
    this.registry = canonicalRegistry(registry);
    this.scopes = scopesFor(repository, actions, mountFrom);
    // X-Registry-Auth of `{}` decodes to empty basic credentials: that is anonymous.
    if (credentials?.kind === 'basic' && credentials.username === '' && credentials.password === '') {
      this.credentials = undefined;
    }
    this.familiar = familiarName({ domain: this.registry, path: repository });
  }

  /**
   * One session per endpoint. Mirrors answer challenges with the registry's credentials, as
   * in Docker, whose auth config belongs to the registry and not to an endpoint.
   */
  private session(endpoint: Endpoint): EndpointSession {
    let session = this.sessions.get(endpoint.url);
    if (session === undefined) {
      session = new EndpointSession(this.ctx, endpoint, this.scopes, this.credentials);
      this.sessions.set(endpoint.url, session);
    }
    return session;
  }

  private selection(): SelectionContext {
    const { config } = this.settings;
    return {
      registry: this.registry,
      endpoints: readEndpoints(this.registry, config),
      mirrorOnly: config.mirrorOnly.has(this.registry),
      backoff: this.settings.backoff,
      onEvent: this.settings.onEvent,
      resolvedUrl: (endpoint) => this.ctx.resolved.get(endpoint.url),
    };
  }

  private upstream(): EndpointSession {
    return this.session(upstreamEndpoint(this.registry, this.settings.config));
  }

  private target(reference: string): ManifestTarget {
    return { repository: this.repository, familiar: this.familiar, reference };
  }

  private blobContext(): BlobDownloadContext {
    return {
      selection: this.selection(),
      session: (endpoint) => this.session(endpoint),
      repository: this.repository,
      maxResumes: this.settings.maxResumes,
      maxRestarts: this.settings.maxRestarts,
    };
  }

  async getManifest(reference: string, options: { signal?: AbortSignal } = {}): Promise<FetchedManifest> {
    return tryEndpoints(this.selection(), `manifest ${reference}`, options.signal, async (endpoint) => {
      const fetched = await fetchManifest(this.session(endpoint), this.target(reference), options.signal);
      return { ...fetched, servedBy: reportOf(this.registry, endpoint, this.ctx.resolved.get(endpoint.url)) };
    });
  }

  async headManifest(reference: string, options: { signal?: AbortSignal } = {}): Promise<Digest | undefined> {
    const NOT_HERE = Symbol('not here');
    try {
      return await tryEndpoints(
        this.selection(),
        `manifest ${reference}`,
        options.signal,
        async (endpoint) => {
          const digest = await headManifest(this.session(endpoint), this.target(reference), options.signal);
          // A mirror without it is passed over; only the upstream's "no" is the answer.
          if (digest === undefined && endpoint.mirror)
            throw new NotFoundError(`manifest ${reference} not on mirror`);
          if (digest === undefined) throw NOT_HERE;
          return digest;
        },
      );
    } catch (err) {
      if (err === NOT_HERE) return undefined;
      // Mirror-only: when no mirror has it, that is the answer (there is no upstream to ask).
      if (this.settings.config.mirrorOnly.has(this.registry) && err instanceof NotFoundError)
        return undefined;
      throw err;
    }
  }

  openBlob(descriptor: Descriptor, options: BlobDownloadOptions = {}): AsyncIterable<Buffer> {
    return downloadBlob(this.blobContext(), descriptor, options);
  }

  fetchBlob(
    descriptor: Descriptor,
    options: { signal?: AbortSignal; maxBytes?: number } = {},
  ): Promise<Buffer> {
    return fetchWholeBlob(
      this.blobContext(),
      descriptor,
      options.maxBytes ?? DEFAULT_MAX_BLOB_FETCH,
      options.signal,
    );
  }

  hasBlob(digest: Digest, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return blobExists(this.upstream(), this.repository, digest, options.signal);
  }

  mountBlob(
    digest: Digest,
    fromRepository: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<boolean> {
    return mountBlob(this.upstream(), this.repository, digest, fromRepository, options.signal);
  }

  uploadBlob(
    content: AsyncIterable<Buffer>,
    options: { signal?: AbortSignal; onProgress?: (sent: number) => void } = {},
  ): Promise<{ digest: Digest; size: number }> {
    return uploadBlob(this.upstream(), this.repository, content, this.settings.uploadChunkBytes, options);
  }

  putManifest(
    tag: string,
    bytes: Buffer,
    mediaType: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<PushedManifest> {
    return putManifest(this.upstream(), this.repository, tag, bytes, mediaType, options.signal);
  }

  listTags(options: { signal?: AbortSignal; pageSize?: number } = {}): Promise<string[]> {
    return tryEndpoints(this.selection(), 'tag list', options.signal, (endpoint) =>
      listTags(this.session(endpoint), this.repository, options.pageSize, options.signal),
    );
  }
}
