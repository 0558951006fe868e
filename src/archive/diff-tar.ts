/**
 * A layer's diff dir as an uncompressed tar in the `.wh.` form layers travel in: the
 * reverse of applyLayer. Deterministic, so the same diff always gives the same bytes:
 *
 * - entries in Go's filepath.Walk order: parents first, names sorted bytewise, no entry
 *   for the root itself;
 * - an overlay whiteout (char 0/0) at `d/x` becomes an empty file `d/.wh.x` in x's place,
 *   mode 0600, the device's owner, mtime 0 (the device's own time is when it was
 *   extracted, which would make the bytes differ on every pull);
 * - an opaque directory `d` is followed directly by `d/.wh..wh..opq` (the directory's
 *   mode and owner, mtime 0), as Docker writes it; trusted.overlay.* xattrs are not written;
 * - a second name of a hard-linked inode is a hard link entry to the first name;
 * - times are whole seconds, headers as Go writes them (tar-writer-header.ts).
 *
 * So the tar's sha256 equals the diffID of any layer that was itself written this way. It
 * cannot equal it for every tar: what applyLayer does not keep (atime, uname/gname, entry
 * order, sub-second times, PAX header naming, a whiteout's own mode and time, redundant
 * entries) cannot come back. For that, extraction keeps a tar-split recording of the
 * original bytes (tar-split.ts) and the layer store replays it; this writer is the fallback
 * for layers without one (records from before tar-split, and layers made from a directory,
 * such as a committed container, where this form is the original).
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { isOpaqueDir, isOverlayWhiteout, layerXattrs } from './diff-tar-support.js';
import { encodeHeader, END_OF_ARCHIVE, padding, type HeaderInput } from './tar-writer-header.js';

const CHUNK = 1024 * 1024;
/**
 * How far the tar may run ahead of its reader: the files are read on the thread pool while the
 * consumer (a commit extracting into a new layer) hashes and writes what came before.
 */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * A regular file's body as read now; fails if the file shrank meanwhile. Opened with
 * O_NOFOLLOW: a file swapped for a symlink since its lstat is refused, not followed.
 */
export async function* fileBody(path: Buffer, size: number): AsyncGenerator<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`layer file ${path.toString()} is no longer a file`);
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
      const { bytesRead } = await handle.read(buf, 0, buf.length, size - left);
      if (bytesRead === 0) throw new Error(`layer file ${path.toString()} shrank while being read`);
      left -= bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** A directory's header: `name/`, its mode, owner, whole-second mtime and layer xattrs. */
export function directoryHeader(path: Buffer, relName: Buffer, st: Stats): HeaderInput {
  return {
    name: Buffer.concat([relName, Buffer.from('/')]),
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    mtime: seconds(st.mtimeMs),
    size: 0,
    typeflag: '5',
    xattrs: layerXattrs(path),
  };
}

/**
 * The header of a non-directory entry (file, hard link to an earlier name, symlink, device,
 * FIFO); undefined for a socket, which a layer cannot carry. `links` remembers the first
 * name of every multiply-linked inode.
 */
export async function entryHeader(
  path: Buffer,
  relName: Buffer,
  st: Stats,
  links: Map<string, Buffer>,
): Promise<HeaderInput | undefined> {
  const base = {
    name: relName,
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    mtime: seconds(st.mtimeMs),
    size: 0,
  };
  const xattrs = layerXattrs(path);
  if (st.nlink > 1 && !st.isDirectory()) {
    const key = `${st.dev}:${st.ino}`;
    const first = links.get(key);
    if (first !== undefined) return { ...base, typeflag: '1', linkname: first, xattrs };
    links.set(key, relName);
  }
  if (st.isFile()) return { ...base, typeflag: '0', size: st.size, xattrs };
  if (st.isSymbolicLink()) {
    return { ...base, typeflag: '2', linkname: await readlink(path, { encoding: 'buffer' }), xattrs };
  }
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    const d = BigInt(st.rdev);
    return {
      ...base,
      typeflag: st.isCharacterDevice() ? '3' : '4',
      devmajor: Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn)),
      devminor: Number((d & 0xffn) | ((d >> 12n) & ~0xffn)),
      xattrs,
    };
  }
  if (st.isFIFO()) return { ...base, typeflag: '6', xattrs };
  return undefined;
}

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** `name` inside the directory open as `fd`: resolved from the descriptor, never from a path. */
function inDir(fd: number, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`/proc/self/fd/${fd}/`), name]);
}

/** Missing, or swapped for a non-directory, since the directory was listed. */
function vanished(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}

export async function* diffTarChunks(diffDir: string): AsyncGenerator<Buffer> {
  const links = new Map<string, Buffer>();
  const whiteoutPrefix = Buffer.from('.wh.');
  const opaqueName = Buffer.from('.wh..wh..opq');

  // A container's upper dir may change while it is read (commit --pause=false): every entry
  // is reached through its directory's descriptor and opened with O_NOFOLLOW, so a directory
  // swapped for a symlink meanwhile is skipped, never followed out of the layer.
  async function* walk(dirFd: number, rel: Buffer | undefined): AsyncGenerator<Buffer> {
    const names = (await readdir(`/proc/self/fd/${dirFd}`, { encoding: 'buffer' })).sort(Buffer.compare);
    for (const name of names) {
      const path = inDir(dirFd, name);
      const relName = rel === undefined ? name : Buffer.concat([rel, Buffer.from('/'), name]);
      let st;
      try {
        st = await lstat(path);
      } catch (err) {
        if (vanished(err)) continue;
        throw err;
      }
      const base = { mode: st.mode, uid: st.uid, gid: st.gid, mtime: seconds(st.mtimeMs), size: 0 };
      if (isOverlayWhiteout(st)) {
        const woName =
          rel === undefined
            ? Buffer.concat([whiteoutPrefix, name])
            : Buffer.concat([rel, Buffer.from('/'), whiteoutPrefix, name]);
        yield encodeHeader({ ...base, name: woName, mode: 0o600, mtime: 0, typeflag: '0' });
        continue;
      }
      if (st.isDirectory()) {
        let dir;
        try {
          dir = await open(path, DIR_FLAGS);
        } catch (err) {
          if (vanished(err)) continue;
          throw err;
        }
        try {
          yield encodeHeader(directoryHeader(path, relName, st));
          if (isOpaqueDir(path)) {
            yield encodeHeader({
              ...base,
              name: Buffer.concat([relName, Buffer.from('/'), opaqueName]),
              mtime: 0,
              typeflag: '0',
            });
          }
          yield* walk(dir.fd, relName);
        } finally {
          await dir.close();
        }
        continue;
      }
      const header = await entryHeader(path, relName, st, links);
      if (header === undefined) continue; // sockets cannot be carried in a layer
      yield encodeHeader(header);
      if (header.size > 0) {
        yield* fileBody(path, header.size);
        yield padding(header.size);
      }
    }
  }

  const root = await open(diffDir, DIR_FLAGS);
  try {
    const rootPath = Buffer.from(`/proc/self/fd/${root.fd}/.`);
    if (isOpaqueDir(rootPath)) {
      const st = await root.stat();
      yield encodeHeader({
        name: opaqueName,
        mode: st.mode,
        uid: st.uid,
        gid: st.gid,
        size: 0,
        mtime: 0,
        typeflag: '0',
      });
    }
    yield* walk(root.fd, undefined);
  } finally {
    await root.close();
  }
  yield END_OF_ARCHIVE;
}

export function diffTarStream(diffDir: string): Readable {
  return Readable.from(diffTarChunks(diffDir), { objectMode: false, highWaterMark: READ_AHEAD_BYTES });
}
