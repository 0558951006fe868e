/**
 * What the pause/unpause, top and stats routes need from the daemon (see
 * routers/containers-observe.ts). Kept apart from backends.ts so this resource can be wired
 * on its own; the daemon's container manager implements it.
 */

/** GET /containers/{id}/top: ps's column titles and the container's rows. */
export interface ContainerTopResponse {
  Titles: string[];
  /** null when no process matched (Go's nil slice). */
  Processes: string[][] | null;
}

/** One entry of GET /containers/{id}/changes (docker diff): Kind 0 changed, 1 added, 2 deleted. */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/**
 * Samples one container's stats (Docker's stats JSON, built by container/observe's
 * cgroupStats). The router keeps the previous sample and passes it back, which becomes the
 * next one's `precpu_stats`/`preread`; the first sample gets `undefined`.
 */
export interface StatsSampler<T extends object = object> {
  /**
   * False when the container is not running: dockerd then answers a non-streaming request at
   * once with an all-zero sample (name and id only) instead of waiting for a second one.
   */
  readonly running: boolean;
  sample(previous: T | undefined): Promise<T>;
}

/**
 * Names are as the client sent them (full id, unique prefix, name); not-found is
 * `No such container: x` (NotFoundError). Refusals are ConflictErrors in dockerd's wording:
 * `container <id> is not running`, `container <id> is already paused`,
 * `container <id> is not paused`.
 */
export interface ObserveBackend {
  /** Freezes every process of a running container; state Paused, event `pause`. */
  pause(name: string): Promise<void>;
  /** Thaws a paused container; event `unpause`. */
  unpause(name: string): Promise<void>;
  /**
   * `ps_args` as sent ("" for dockerd's default `-ef`). InvalidArgumentError for a renamed
   * PID column, ConflictError when the container is not running, SystemError when ps fails.
   */
  top(name: string, psArgs: string): Promise<ContainerTopResponse>;
  /** Looks the container up (a 404 comes before any header) and returns its sampler. */
  stats(name: string): Promise<StatsSampler>;
  /** docker diff: parents before children; null when nothing changed (Go's nil slice). */
  changes(name: string): Promise<FilesystemChange[] | null>;
}
