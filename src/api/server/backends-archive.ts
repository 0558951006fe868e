/**
 * What the /containers/{id}/archive router (docker cp) needs from the daemon. Kept apart from
 * backends.ts so the cp work lands without touching the shared interface file; the daemon
 * implements it over container/copy with the container's rootfs mounted around each call.
 */
import type { Readable } from 'node:stream';

/**
 * dockerd's ContainerPathStat, sent base64-encoded JSON in X-Docker-Container-Path-Stat.
 * `mode` is Go's os.FileMode (dir 1<<31, symlink 1<<27 …), `mtime` RFC 3339.
 */
export interface ContainerPathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface ArchivePutOptions {
  /** Refuse to replace a directory with a non-directory and the other way round. */
  noOverwriteDirNonDir: boolean;
  /** Own every entry by the container's user (docker cp -a) instead of the tar's ids. */
  copyUIDGID: boolean;
  signal: AbortSignal;
}

export interface ArchiveBackend {
  /** 404 `No such container: x`, or `Could not find the file /p in container x`. */
  stat(name: string, path: string): Promise<ContainerPathStat>;
  /** The stat and a tar whose top entry is the path's base name; destroy `tar` to stop early. */
  get(name: string, path: string, signal: AbortSignal): Promise<{ stat: ContainerPathStat; tar: Readable }>;
  /** Unpacks `tar` (plain, gzip or zstd) into the directory `path`; resolves once all is written. */
  put(name: string, path: string, tar: Readable, options: ArchivePutOptions): Promise<void>;
  /** `docker export`: the container's root filesystem as a tar; destroy it to stop early. */
  export(name: string): Promise<Readable>;
}
