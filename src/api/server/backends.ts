/**
 * What the HTTP layer needs from the daemon, declared here so api/server never imports
 * daemon/ (the composition root implements these). Each router asks for the narrowest
 * interface it can use; later resources (images, containers…) add their own.
 */
import type { Readable, Writable } from 'node:stream';
import type {
  AuthConfig,
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspect,
  ContainersPruneResponse,
  ContainerSummary,
  ContainerWaitResponse,
  ExecCreateRequest,
  ExecInspect,
  HostConfig,
  WaitCondition,
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
import type { ObserveBackend } from './backends-observe.js';
import type { ArchiveBackend } from './backends-archive.js';
import type { CommitBackend } from './backends-commit.js';
import type { VolumesBackend } from './backends-volumes.js';

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
  /** /containers/* and /exec/*; absent in servers without a runtime. */
  containers?: ContainersBackend;
  exec?: ExecBackend;
  /** pause/unpause, top and stats (backends-observe.ts). */
  observe?: ObserveBackend;
  /** docker cp: /containers/{id}/archive (backends-archive.ts). */
  archive?: ArchiveBackend;
  /** POST /commit (backends-commit.ts). */
  commit?: CommitBackend;
  /** /volumes/* (backends-volumes.ts). */
  volumes?: VolumesBackend;
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

/**
 * The streams of one hijacked attach (or exec start), already framed by the router: with
 * Tty=false `stdout` and `stderr` write stdcopy frames into one connection, with Tty=true
 * both are the raw connection. `stdin` is the client's side of the connection, present only
 * when stdin was asked for; its end is the client's half-close.
 */
export interface AttachStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** `stream=1`: follow live output (else only replay `logs`). */
  stream: boolean;
  /** `logs=1`: replay the container's log first. */
  logs: boolean;
  /** `detachKeys=` as sent ("ctrl-p,ctrl-q"); empty for the daemon's default. */
  detachKeys: string;
}

/**
 * An attach checked and ready (the container exists; its Tty decides the framing) before
 * the router answers 101 and hijacks the connection.
 */
export interface AttachSession {
  readonly tty: boolean;
  /**
   * Wires the streams and resolves when the attach is over: the process exited and its
   * output is flushed, the detach keys were typed, or the client went away (`signal`).
   */
  run(streams: AttachStreams, signal: AbortSignal): Promise<void>;
}

export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  /** `tail=`: "all" or a count. */
  tail: string;
  /** Unix seconds with fraction, from `since=`/`until=` (0 = unset). */
  since: number;
  until: number;
  timestamps: boolean;
  details: boolean;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** The bytes as logged, with their trailing newline if the line had one. */
  line: Buffer;
  /** RFC 3339 with exactly nine fraction digits: 2006-01-02T15:04:05.000000000Z. */
  time: string;
  /** `--details`: extra attributes (labels/env chosen by log-opts), `k=v,k=v`. */
  attrs?: string;
}

export interface LogsResult {
  readonly tty: boolean;
  readonly lines: AsyncIterable<LogLine>;
}

export interface ContainerListOptions {
  all: boolean;
  /** `limit=` (-1 or 0: no limit). */
  limit: number;
  size: boolean;
  /** Parsed `filters=`. */
  filters: Map<string, string[]>;
}

/**
 * /containers/*. Names are as the client sent them: a full id, a unique id prefix, or a
 * name with or without its leading slash; not-found is `No such container: x`.
 */
export interface ContainersBackend {
  create(
    request: ContainerCreateRequest,
    options: { name: string; platform: string; apiVersion: string },
  ): Promise<ContainerCreateResponse>;
  inspect(name: string, options: { size: boolean; apiVersion: string }): Promise<ContainerInspect>;
  list(options: ContainerListOptions): Promise<ContainerSummary[]>;
  /** Resolves false when it was already running (304). */
  start(name: string, options: { detachKeys: string }): Promise<boolean>;
  /** Resolves false when it was not running (304). `timeoutSeconds` undefined: the container's. */
  stop(name: string, options: { signal?: string; timeoutSeconds?: number }): Promise<boolean>;
  restart(name: string, options: { signal?: string; timeoutSeconds?: number }): Promise<void>;
  /** ConflictError `container <id> is not running` when it is not. */
  kill(name: string, signal: string): Promise<void>;
  /**
   * Checks the container (a 404 comes before any header), then returns the wait itself, which
   * the router awaits after flushing the headers. `signal` aborts when the client hangs up:
   * stop waiting then (dockerd cancels the wait with the request's context).
   */
  wait(
    name: string,
    condition: WaitCondition,
    signal?: AbortSignal,
  ): Promise<{ result: Promise<ContainerWaitResponse> }>;
  remove(name: string, options: { force: boolean; removeVolumes: boolean; link: boolean }): Promise<void>;
  rename(name: string, newName: string): Promise<void>;
  /** POST /containers/{id}/update: new limits and restart policy; returns warnings. */
  update(name: string, hostConfig: HostConfig): Promise<string[]>;
  resize(name: string, size: { height: number; width: number }): Promise<void>;
  prune(filters: Map<string, string[]>): Promise<ContainersPruneResponse>;
  attach(name: string, options: AttachOptions): Promise<AttachSession>;
  logs(name: string, options: LogsOptions, signal: AbortSignal): Promise<LogsResult>;
}

/** /containers/{id}/exec and /exec/*. */
export interface ExecBackend {
  create(container: string, request: ExecCreateRequest): Promise<{ Id: string }>;
  /**
   * Checks the exec (404, or 409 when it already ran or its container is not running); with
   * `detach` starts it and returns undefined, else returns a session the router runs after
   * hijacking.
   */
  start(
    execId: string,
    options: { detach: boolean; tty: boolean; consoleSize?: [number, number] | null },
  ): Promise<AttachSession | undefined>;
  inspect(execId: string): Promise<ExecInspect>;
  resize(execId: string, size: { height: number; width: number }): Promise<void>;
}
