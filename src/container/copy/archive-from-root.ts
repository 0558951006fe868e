/**
 * archiveFromRoot: the tar that `GET /containers/{id}/archive?path=` sends, rebased as
 * dockerd does: the top entry is the base name of the path as asked ("x" for "/a/x",
 * "." for "/a/x/." so the CLI copies the contents), whatever the path resolved through.
 * A directory is walked recursively; anything else is one entry, a symlink as itself.
 *
 * The walk holds a descriptor for each directory and opens every child relative to it with
 * O_NOFOLLOW, so a running container that swaps a directory for a symlink mid-walk gets that
 * entry skipped, never a trip outside its rootfs. A file that shrinks while being read is
 * padded with zeros and one that grows is cut at the size in its header, so the tar stays
 * well-formed.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
  readlinkSync,
  type Stats,
} from 'node:fs';
import { Readable } from 'node:stream';
import { encodeHeader, END_OF_ARCHIVE, tarPadding, type HeaderInput } from '../../archive/index.js';
import { goBase, resolveContainerPath, statWithRoot, type PathStat } from './path-stat.js';
import { at, DIR_FLAGS, errnoOf, openRoot } from './scoped-walk.js';

const FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const READ_CHUNK = 256 * 1024;

export interface ContainerArchive {
  stat: PathStat;
  tar: Readable;
}

/** Hard links already written in this archive: "dev:ino" → entry name. */
type Links = Map<string, Buffer>;

function header(
  name: Buffer,
  st: Stats,
  typeflag: HeaderInput['typeflag'],
  extra: Partial<HeaderInput> = {},
): Buffer {
  return encodeHeader({
    name,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    size: 0,
    mtime: Math.floor(st.mtimeMs / 1000),
    typeflag,
    ...extra,
  });
}

function join(prefix: Buffer, name: string): Buffer {
  const bytes = Buffer.from(name, 'latin1');
  return prefix.length === 0 ? bytes : Buffer.concat([prefix, Buffer.from('/'), bytes]);
}

/** A regular file's header and body, read from an open descriptor. */
function* fileEntry(fd: number, name: Buffer, st: Stats, links: Links): Generator<Buffer> {
  const key = `${st.dev}:${st.ino}`;
  const first = st.nlink > 1 ? links.get(key) : undefined;
  if (first !== undefined) {
    yield header(name, st, '1', { linkname: first });
    return;
  }
  if (st.nlink > 1) links.set(key, name);
  yield header(name, st, '0', { size: st.size });
  let offset = 0;
  while (offset < st.size) {
    const chunk = Buffer.alloc(Math.min(READ_CHUNK, st.size - offset));
    const n = readSync(fd, chunk, 0, chunk.length, offset);
    if (n === 0) {
      yield Buffer.alloc(st.size - offset); // shrank while we read: pad
      offset = st.size;
      break;
    }
    offset += n;
    yield chunk.subarray(0, n);
  }
  yield tarPadding(st.size);
}

/** One directory entry (by name inside dirFd) and, for a directory, everything below it. */
function* entry(dirFd: number, name: string, entryName: Buffer, links: Links): Generator<Buffer> {
  let st: Stats;
  try {
    st = lstatSync(at(dirFd, name));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return; // gone meanwhile
    throw err;
  }
  if (st.isSymbolicLink()) {
    const target = readlinkSync(at(dirFd, name), { encoding: 'buffer' });
    yield header(entryName, st, '2', { linkname: target });
  } else if (st.isDirectory()) {
    let fd: number;
    try {
      fd = openSync(at(dirFd, name), DIR_FLAGS);
    } catch (err) {
      if (['ELOOP', 'ENOENT', 'ENOTDIR'].includes(errnoOf(err) ?? '')) return; // swapped meanwhile
      throw err;
    }
    try {
      yield* directory(fd, entryName, fstatSync(fd), links);
    } finally {
      closeSync(fd);
    }
  } else if (st.isFile()) {
    let fd: number;
    try {
      fd = openSync(at(dirFd, name), FILE_FLAGS);
    } catch (err) {
      if (['ELOOP', 'ENOENT', 'ENXIO'].includes(errnoOf(err) ?? '')) return;
      throw err;
    }
    try {
      const now = fstatSync(fd);
      if (now.isFile()) yield* fileEntry(fd, entryName, now, links);
    } finally {
      closeSync(fd);
    }
  } else if (st.isCharacterDevice() || st.isBlockDevice()) {
    const major = Math.floor(st.rdev / 256) & 0xfff;
    const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
    yield header(entryName, st, st.isCharacterDevice() ? '3' : '4', { devmajor: major, devminor: minor });
  } else if (st.isFIFO()) {
    yield header(entryName, st, '6');
  }
  // Sockets are left out, as Go's tar writer cannot represent them either.
}

/** A directory's own entry ("name/") and its children, sorted as Go's filepath.Walk does. */
function* directory(fd: number, entryName: Buffer, st: Stats, links: Links): Generator<Buffer> {
  if (entryName.length > 0) yield header(Buffer.concat([entryName, Buffer.from('/')]), st, '5');
  const names = readdirSync(`/proc/self/fd/${fd}`, { encoding: 'latin1' }).sort((a, b) =>
    Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1')),
  );
  for (const child of names) yield* entry(fd, child, join(entryName, child), links);
}

/**
 * The stat and the tar of `path` inside the rootfs (see the top of this file). Errors that
 * the stat finds (404 with Docker's wording) come before any byte is produced.
 */
/**
 * `as` names the top entry (and the stat) when `rootfs` is a mount's own directory rather
 * than the container's root: a volume at /data archived from its source is still "data".
 */
export function archiveFromRoot(
  rootfs: string,
  path: string,
  container = '',
  options: { as?: string } = {},
): ContainerArchive {
  const rootFd = openRoot(rootfs);
  let resolved;
  let stat;
  try {
    stat = statWithRoot(rootFd, path, container);
    resolved = resolveContainerPath(rootFd, path, container);
  } catch (err) {
    closeSync(rootFd);
    throw err;
  }
  const { dirFd, base, absPath } = resolved;
  // The root itself is archived without a prefix ("bin/", "etc/"…), as dockerd rebases "/".
  const rebase = options.as ?? (goBase(absPath) === '/' ? '' : goBase(absPath));
  if (options.as !== undefined) stat = { ...stat, name: options.as };
  function* generate(): Generator<Buffer> {
    try {
      const links: Links = new Map();
      if (base === '') yield* directory(dirFd, Buffer.from(rebase, 'latin1'), fstatSync(dirFd), links);
      else yield* entry(dirFd, base, Buffer.from(rebase, 'latin1'), links);
      yield END_OF_ARCHIVE;
    } finally {
      closeSync(dirFd);
      closeSync(rootFd);
    }
  }
  return { stat, tar: Readable.from(generate(), { objectMode: false }) };
}
