/**
 * What POST /commit needs from the daemon: a new image from a container's changes. Kept
 * apart from backends.ts like the other per-resource backends.
 */

export interface CommitRequest {
  /** The container as the client named it. */
  container: string;
  /** Where to tag the new image ("" for none) and the tag ("" for `latest`). */
  repo: string;
  tag: string;
  author: string;
  comment: string;
  /** Pause the container while its changes are read (dockerd's default since API 1.13). */
  pause: boolean;
  /** `--change` Dockerfile instructions, applied in order. */
  changes: string[];
  /** The config to start from instead of the container's (docker-py's `conf`); null for none. */
  config: Record<string, unknown> | null;
  signal: AbortSignal;
}

export interface CommitBackend {
  /** Resolves to the new image's id ("sha256:…"). */
  commit(request: CommitRequest): Promise<string>;
}
