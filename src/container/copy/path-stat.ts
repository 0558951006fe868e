/**
 * statInRoot: what `HEAD /containers/{id}/archive?path=` reports in the
 * X-Docker-Container-Path-Stat header, with dockerd's path semantics:
 *
 *  - The path is absolute in the container; a trailing '/' or '/.' is kept.
 *  - Everything before the last component is resolved in the rootfs's scope (symlinks
 *    followed as if chrooted there). The last component is NOT followed (lstat), unless the
 *    path ends in '/' or '/.', which makes it part of the directory being resolved.
 *  - For a symlink, linkTarget is where it fully resolves to, as an absolute in-container
 *    path (the docker CLI's -L follows it with a second request).
 *  - name is the base name of the path as asked ("/" for the root, "." for "/x/.").
 *  - mode is Go's os.FileMode (type bits high: dir 1<<31, symlink 1<<27 …).
 */
import { formatGoTime } from '../model/go-time.js';
import { closeSync, fstatSync, lstatSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import { NotFoundError } from '../../errors/index.js';
import { at, components, errnoOf, openRoot, walkDirs } from './scoped-walk.js';

export interface PathStat {
  name: string;
  size: number;
  /** Go os.FileMode bits (uint32). */
  mode: number;
  /** RFC 3339 with nanoseconds, UTC. */
  mtime: string;
  linkTarget: string;
}

// Go's os.FileMode type bits.
export const MODE_DIR = 2 ** 31;
export const MODE_SYMLINK = 2 ** 27;
export const MODE_DEVICE = 2 ** 26;
export const MODE_NAMED_PIPE = 2 ** 25;
export const MODE_SOCKET = 2 ** 24;
export const MODE_SETUID = 2 ** 23;
export const MODE_SETGID = 2 ** 22;
export const MODE_CHAR_DEVICE = 2 ** 21;
export const MODE_STICKY = 2 ** 20;

/** Go's os.FileMode for a stat mode (plain arithmetic: bit 31 does not fit JS's int32 ops). */
export function goFileMode(st: Stats): number {
  let mode = st.mode & 0o777;
  if (st.mode & 0o4000) mode += MODE_SETUID;
  if (st.mode & 0o2000) mode += MODE_SETGID;
  if (st.mode & 0o1000) mode += MODE_STICKY;
  if (st.isDirectory()) mode += MODE_DIR;
  else if (st.isSymbolicLink()) mode += MODE_SYMLINK;
  else if (st.isCharacterDevice()) mode += MODE_DEVICE + MODE_CHAR_DEVICE;
  else if (st.isBlockDevice()) mode += MODE_DEVICE;
  else if (st.isFIFO()) mode += MODE_NAMED_PIPE;
  else if (st.isSocket()) mode += MODE_SOCKET;
  return mode;
}

export function isDirMode(mode: number): boolean {
  return mode >= MODE_DIR;
}

/**
 * Go's time.Time JSON form in UTC, trailing zeros of the fraction trimmed as RFC3339Nano
 * does. Node's number stats carry the time to about a microsecond, which is what we send.
 */
export function goTime(st: Stats): string {
  return formatGoTime(BigInt(Math.round(st.mtimeMs * 1000)) * 1000n);
}

/** dockerd's "Could not find the file … in container …" (404). */
export function fileNotFound(path: string, container: string): NotFoundError {
  return new NotFoundError(`Could not find the file ${path} in container ${container}`);
}

/** The path made absolute, keeping a trailing '/' or '/.' (archive.PreserveTrailingDotOrSeparator). */
export function absoluteContainerPath(path: string): string {
  let abs = posix.join('/', path);
  if (path.endsWith('/.') || path === '.') {
    if (!abs.endsWith('/.')) abs = (abs === '/' ? '' : abs.replace(/\/$/, '')) + '/.';
  } else if (path.endsWith('/') && !abs.endsWith('/')) {
    abs += '/';
  }
  return abs;
}

/** Go's filepath.Base: trailing slashes dropped; "/" for the root. */
export function goBase(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export interface ResolvedPath {
  /** The path made absolute, trailing '/' or '/.' kept. */
  absPath: string;
  /** Descriptor of the resolved parent directory (or of the directory itself, see `base`). */
  dirFd: number;
  /** In-container path of dirFd. */
  dirPath: string;
  /** The last component, unfollowed; '' when the path names dirFd itself ("/", "x/", "x/."). */
  base: string;
  /** lstat of the target (fstat of dirFd when base is ''). */
  stat: Stats;
}

/**
 * Resolves `path` as dockerd's ResolvePath + Lstat do. Throws NotFoundError (Docker's
 * wording) when any part is missing; the caller closes `dirFd`.
 */
export function resolveContainerPath(rootFd: number, path: string, container: string): ResolvedPath {
  const absPath = absoluteContainerPath(path);
  const cut = absPath.lastIndexOf('/');
  const dirPart = absPath.slice(0, cut + 1);
  const basePart = absPath.slice(cut + 1);
  const base = basePart === '.' ? '' : basePart;
  let walked;
  try {
    walked = walkDirs(rootFd, components(dirPart));
  } catch (err) {
    if (errnoOf(err) === 'ENOTDIR') throw fileNotFound(path, container);
    throw err;
  }
  try {
    if (walked.rest.length > 0) throw fileNotFound(path, container);
    let stat: Stats;
    if (base === '') {
      stat = fstatSync(walked.fd);
    } else {
      try {
        stat = lstatSync(at(walked.fd, base));
      } catch (err) {
        if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') throw fileNotFound(path, container);
        throw err;
      }
    }
    return { absPath, dirFd: walked.fd, dirPath: walked.resolved, base, stat };
  } catch (err) {
    closeSync(walked.fd);
    throw err;
  }
}

/** Where `absPath` leads with every symlink (the last one too) expanded in scope. */
function linkTargetOf(rootFd: number, absPath: string): string {
  const walked = walkDirs(rootFd, components(absPath), { leaf: true });
  closeSync(walked.fd);
  return posix.normalize([walked.resolved, ...walked.rest].join('/')).replace(/^\/\//, '/');
}

/** Docker's PathStat of `path` inside the rootfs (see the top of this file). */
export function statInRoot(rootfs: string, path: string, container = ''): PathStat {
  const rootFd = openRoot(rootfs);
  try {
    return statWithRoot(rootFd, path, container);
  } finally {
    closeSync(rootFd);
  }
}

export function statWithRoot(rootFd: number, path: string, container: string): PathStat {
  const resolved = resolveContainerPath(rootFd, path, container);
  closeSync(resolved.dirFd);
  const { stat, absPath } = resolved;
  let linkTarget = '';
  if (stat.isSymbolicLink()) {
    try {
      linkTarget = linkTargetOf(rootFd, absPath);
    } catch (err) {
      // A loop or a file used as a directory: dockerd fails the stat the same way.
      if (errnoOf(err) === 'ENOTDIR') throw fileNotFound(path, container);
      throw err;
    }
  }
  return {
    name: goBase(absPath),
    size: stat.size,
    mode: goFileMode(stat),
    mtime: goTime(stat),
    linkTarget,
  };
}
