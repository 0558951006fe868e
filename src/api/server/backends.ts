/**
 * What the HTTP layer needs from the daemon, declared here so api/server never imports
 * daemon/ (the composition root implements these). Each router asks for the narrowest
 * interface it can use; later resources (images, containers…) add their own.
 */
import type { Readable } from 'node:stream';
import type {
  AuthConfig,
  AuthResponse,
  EventMessage,
  ImageDeleteResponseItem,
  ImageHistoryItem,
  ImageInspect,
  ImageSummary,
  ImagesPruneResponse,
  InfoResponse,
  SystemCheckResponse,
  SystemDfResponse,
  VersionResponse,
} from '../types/index.js';
import type { JsonMessage } from './stream/json-progress.js';

export interface SystemBackend {
  version(): Promise<VersionResponse>;
  info(): Promise<InfoResponse>;
}

/** Event filters as parsed from `filters=`: key → accepted values ("type" → ["container"]). */
export type EventFilters = Map<string, string[]>;

export interface EventQuery {
  /** Unix nanoseconds; replay stored events at or after this time. */
  sinceNano?: number;
  /** Unix nanoseconds; stop streaming once this time is passed. */
  untilNano?: number;
  filters: EventFilters;
}

export interface EventSubscription {
  /** Stored events matching the query, oldest first (only when `sinceNano` was given). */
  readonly backlog: EventMessage[];
  /** Called for each new matching event until `close()`. */
  onEvent(listener: (event: EventMessage) => void): void;
  close(): void;
}

export interface EventsBackend {
  /** Throws InvalidArgumentError for an unknown filter key or a bad value. */
  subscribe(query: EventQuery): EventSubscription;
}

export interface Backends {
  system: SystemBackend;
  events: EventsBackend;
  /** Optional so servers (and test servers) without an image store still start. */
  images?: ImagesBackend;
  systemDf?: SystemDfBackend;
  systemCheck?: SystemCheckBackend;
  /** Pull, push and login; without it /images/create?fromImage= answers 501. */
  distribution?: DistributionBackend;
}

/** A line for a JSON progress stream (load, import); see stream/json-progress.ts. */
export type ProgressSink = (message: JsonMessage) => void;

export interface ImageListOptions {
  all: boolean;
  /** Parsed `filters=`: dangling, label, before, since, reference, until. */
  filters: Map<string, string[]>;
  /** Include RepoDigests (always present; kept for the API's sake). */
  digests: boolean;
  apiVersion: string;
}

export interface ImageImportRequest {
  /** `-` (the body) is the only source lading takes; a URL is refused. */
  source: string;
  repo: string;
  tag: string;
  message: string;
  changes: string[];
  /** `os[/arch[/variant]]`, empty for the host's. */
  platform: string;
  signal: AbortSignal;
}

/**
 * /images/*: the local image store. Names are as the client sent them (`busybox`,
 * `sha256:…`, an id prefix); not-found is `No such image: busybox:latest`.
 */
export interface ImagesBackend {
  list(options: ImageListOptions): Promise<ImageSummary[]>;
  inspect(name: string, apiVersion: string): Promise<ImageInspect>;
  history(name: string): Promise<ImageHistoryItem[]>;
  tag(name: string, repo: string, tag: string): Promise<void>;
  remove(name: string, options: { force: boolean; prune: boolean }): Promise<ImageDeleteResponseItem[]>;
  prune(filters: Map<string, string[]>): Promise<ImagesPruneResponse>;
  /** Resolves every name first (so a bad one is a clean 404), then returns the tar stream. */
  save(names: string[], signal: AbortSignal): Promise<Readable>;
  /** Reads an archive from `body`; reports progress and `Loaded image: …` lines as it goes. */
  load(
    body: Readable,
    options: { quiet: boolean; signal: AbortSignal },
    progress: ProgressSink,
  ): Promise<void>;
  /** Makes a one-layer image from the rootfs tar in `body`; reports `sha256:<id>` when done. */
  import(body: Readable, request: ImageImportRequest, progress: ProgressSink): Promise<void>;
}

/** GET /system/df */
export interface SystemDfBackend {
  df(options: { types: string[] }): Promise<SystemDfResponse>;
}

/** POST /lading/system/check: lading's own store verification (`lading system check`). */
export interface SystemCheckBackend {
  check(options: { repair: boolean }): Promise<SystemCheckResponse>;
}

/** POST /images/create?fromImage= */
export interface PullRequest {
  /** As sent: `busybox`, `127.0.0.1:5000/a/b`, possibly with `:tag` or `@digest`. */
  fromImage: string;
  /** `tag=`: a tag or a digest; empty with `docker pull -a` (all tags). */
  tag: string;
  /** `platform=` as sent (`os[/arch[/variant]]`), empty for the default. */
  platform: string;
  /** Decoded X-Registry-Auth; undefined when absent or undecodable (anonymous, as moby). */
  auth: AuthConfig | undefined;
  signal: AbortSignal;
}

/** POST /images/{name}/push */
export interface PushRequest {
  name: string;
  /** `tag=`; empty pushes every tag of the repository (`docker push -a`). */
  tag: string;
  auth: AuthConfig | undefined;
  signal: AbortSignal;
}

/**
 * Registry transfers. Errors thrown before the first progress message become the HTTP
 * status (a missing manifest is a 404 before any output, as with dockerd); after that they
 * travel in the stream.
 */
export interface DistributionBackend {
  pull(request: PullRequest, progress: ProgressSink): Promise<void>;
  push(request: PushRequest, progress: ProgressSink): Promise<void>;
  /** POST /auth: checks the credentials against the registry. */
  login(auth: AuthConfig, signal: AbortSignal): Promise<AuthResponse>;
}
