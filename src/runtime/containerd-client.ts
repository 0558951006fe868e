/**
 * What lading asks of containerd. The interface stays small and grows with the issues that
 * need more (tasks, containers, events); the gRPC implementation is in
 * grpc-containerd-client.ts so tests and the daemon can depend on this file alone.
 *
 * Every call is scoped to one containerd namespace (default "lading"), which keeps our
 * containers apart from anyone else's on a shared containerd.
 */

export interface ContainerdVersion {
  /** Release, e.g. "1.6.20~ds1". */
  version: string;
  /** Build revision (a commit, or the Debian package version for Debian's build). */
  revision: string;
}

export interface CallOptions {
  /** Give up after this many milliseconds (default: the client's call timeout). */
  timeoutMs?: number;
}

export interface ContainerdClient {
  /** The socket this client talks to. */
  readonly address: string;
  /** The containerd namespace every call carries. */
  readonly namespace: string;
  /** containerd's version; throws UnavailableError if it does not answer. */
  version(options?: CallOptions): Promise<ContainerdVersion>;
  /** Releases the connection; calls after this fail. */
  close(): void;
}
