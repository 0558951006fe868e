/**
 * The registry client's contract: what pull and push (src/distribution) ask of a registry.
 *
 * Vocabulary:
 * - registry:  the host part of a normalised reference ('docker.io', '127.0.0.1:5000').
 * - endpoint:  one base URL that speaks the distribution API for a registry: the upstream
 *              itself ('https://registry-1.docker.io' for docker.io) or a mirror, which may
 *              carry a path prefix ('http://127.0.0.1:5001/cache' → '/cache/v2/...').
 * - repository: the path part of a normalised reference ('library/busybox').
 *
 * Reads (manifests, blobs) go through the registry's mirrors in order and then its upstream
 * (unless mirror-only). A mirror is passed over on connection error, timeout, 5xx, 401, 403,
 * 404 or content that fails verification, and is then skipped for a short while. Writes
 * (push) go to the upstream only, as in Docker.
 *
 * Every byte handed back is verified: a manifest fetched by digest hashes to it, a blob
 * stream ends with an error (never a clean end) if its bytes do not hash to the descriptor's
 * digest and size.
 */
import type { Descriptor, Digest, ManifestDocument } from '../../oci/index.js';

/** Credentials for one registry, as `docker login` stores them or X-Registry-Auth carries them. */
export type RegistryCredentials =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token from a previous login (Docker's IdentityToken). */
  | { kind: 'identity-token'; token: string }
  /** A bearer token to send as is (X-Registry-Auth's registrytoken). */
  | { kind: 'registry-token'; token: string };

/** Which endpoint answered, for the progress stream and the daemon log. */
export interface EndpointReport {
  registry: string;
  /** The endpoint's base URL, without credentials. */
  endpoint: string;
  mirror: boolean;
}

export interface RegistryClientOptions {
  /** Mirrors per registry ('docker.io' → [...]); tried in order before the upstream. */
  mirrors: ReadonlyMap<string, readonly string[]>;
  /** Registries whose pulls may only use their mirrors (audited sites). */
  mirrorOnly: ReadonlySet<string>;
  /** daemon.json insecure-registries: hosts ('h:5000') and CIDRs; 127.0.0.0/8 is always in. */
  insecureRegistries: readonly string[];
  /** Per-registry CA files: `${certsDir}/<host[:port]>/ca.crt` (and *.crt) beside the system CAs. */
  certsDir: string;
  userAgent: string;
  /** How long a mirror that just failed is passed over. Default 30 s. */
  mirrorBackoffMs?: number;
  /** Per-request connect + first-byte timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** A blob download that drops is resumed this many times. Default 5. */
  maxResumes?: number;
  /**
   * A blob whose bytes failed verification is fetched again from the start this many times
   * (only when the caller passed `onRestart`). Default 2.
   */
  maxRestarts?: number;
  /** Uploads longer than this are PATCHed in chunks of this size; shorter ones go in one PUT. Default 16 MiB. */
  uploadChunkBytes?: number;
  /** Told whenever an endpoint is passed over or serves a request. */
  onEndpointEvent?: (event: EndpointEvent) => void;
}

export type EndpointEvent =
  | ({ kind: 'served'; what: string } & EndpointReport)
  | ({ kind: 'failed'; what: string; reason: string } & EndpointReport);

export interface FetchedManifest {
  document: ManifestDocument;
  /** The exact bytes (their sha256 is `digest`). */
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
  servedBy: EndpointReport;
}

export interface BlobDownloadOptions {
  signal?: AbortSignal;
  /** Compressed bytes received so far (resumes included), for progress. */
  onProgress?: (received: number) => void;
  /** Told when a dropped download is resumed (`offset` bytes already delivered). */
  onResume?: (offset: number, reason: string) => void;
  /**
   * Bytes already delivered failed verification (wrong digest, too long). When given, the
   * caller must drop everything it received so far; the stream then starts again from
   * byte 0 (from the next endpoint when a mirror sent them), up to maxRestarts. Without
   * it, the iterable throws and nothing is retried.
   */
  onRestart?: (reason: string) => void;
}

export interface PushedManifest {
  digest: Digest;
  size: number;
}

/** One registry session for one repository, with the credentials and scopes it needs. */
export interface RepositoryClient {
  readonly registry: string;
  readonly repository: string;

  /**
   * GET a manifest or index by tag or digest. Refuses schema 1 ("…schema 1 is not supported…"),
   * documents over 4 MiB, a Content-Type that contradicts the document, and a document whose
   * digest differs from the one asked for.
   */
  getManifest(reference: string, options?: { signal?: AbortSignal }): Promise<FetchedManifest>;

  /** HEAD a manifest: its digest, or undefined when the registry does not have it. */
  headManifest(reference: string, options?: { signal?: AbortSignal }): Promise<Digest | undefined>;

  /**
   * The blob's bytes, streamed. A dropped connection resumes with Range from where it
   * stopped (or, when the server ignores Range, re-reads and skips what was delivered), up
   * to maxResumes; the iterable throws when the bytes do not match digest and size.
   */
  openBlob(descriptor: Descriptor, options?: BlobDownloadOptions): AsyncIterable<Buffer>;

  /** Small blobs (image configs): fetched whole, verified, at most `maxBytes`. */
  fetchBlob(descriptor: Descriptor, options?: { signal?: AbortSignal; maxBytes?: number }): Promise<Buffer>;

  /** HEAD a blob in this repository (upstream only). */
  hasBlob(digest: Digest, options?: { signal?: AbortSignal }): Promise<boolean>;

  /** Cross-repository mount: true when the registry mounted it, false when it wants an upload. */
  mountBlob(digest: Digest, fromRepository: string, options?: { signal?: AbortSignal }): Promise<boolean>;

  /**
   * Uploads a blob whose digest is known only at the end: POST, PATCH the stream in chunks,
   * PUT ?digest=. Returns the digest and size of what was sent.
   */
  uploadBlob(
    content: AsyncIterable<Buffer>,
    options?: { signal?: AbortSignal; onProgress?: (sent: number) => void },
  ): Promise<{ digest: Digest; size: number }>;

  putManifest(
    tag: string,
    bytes: Buffer,
    mediaType: string,
    options?: { signal?: AbortSignal },
  ): Promise<PushedManifest>;

  /**
   * Tags of the repository (for `pull --all-tags`), following Link pagination. `pageSize`
   * is sent as `n` (registries only paginate when asked).
   */
  listTags(options?: { signal?: AbortSignal; pageSize?: number }): Promise<string[]>;
}

export interface RegistryClient {
  /**
   * A client for one repository. `actions` are the token scopes to ask for
   * (['pull'] or ['pull', 'push']); `mountFrom` adds pull scope on other repositories.
   */
  repository(
    registry: string,
    repository: string,
    options: {
      actions: ReadonlyArray<'pull' | 'push'>;
      credentials?: RegistryCredentials;
      mountFrom?: readonly string[];
    },
  ): RepositoryClient;

  /**
   * `docker login`: checks the credentials against the registry's /v2/ (and its token
   * service). Returns Docker's status and, when the token service gave one, a refresh token.
   * Throws UnauthorizedError with the registry's message when they are wrong.
   */
  login(
    registry: string,
    credentials: RegistryCredentials,
    options?: { signal?: AbortSignal },
  ): Promise<{ status: 'Login Succeeded'; identityToken?: string }>;

  /** Mirrors, insecure registries and mirror-only are reloadable (SIGHUP). */
  reconfigure(options: Pick<RegistryClientOptions, 'mirrors' | 'mirrorOnly' | 'insecureRegistries'>): void;

  /** Closes pooled connections and forgets tokens (daemon shutdown, tests). */
  close(): void;
}
