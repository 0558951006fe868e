/**
 * Paths inside a container's root filesystem, looked up the way a process chrooted there
 * would see them, without ever letting the host kernel follow a symlink.
 *
 * The rootfs is the image's content: any symlink in it (`/etc/passwd -> /etc/shadow`,
 * `etc -> /etc`, `app -> ../../../..`) must resolve against the rootfs, never the host. So
 * each component is looked up relative to its parent directory's descriptor through
 * `/proc/self/fd/<dirfd>/<name>` (Node has no openat): lstat sees the entry itself, a symlink
 * is read and expanded here (absolute targets restart at the rootfs, '..' stops at it, at
 * most 40 expansions as Linux allows), and directories are opened with O_NOFOLLOW, so a
 * symlink swapped in after the lstat makes the open fail instead of escaping.
 */
import {
  closeSync,
  constants,
  fchownSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  readlinkSync,
} from 'node:fs';
import { posix } from 'node:path';
import { SystemError } from '../../errors/index.js';

const MAX_SYMLINK_HOPS = 40;
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function at(dirFd: number, name: string): string {
  return `/proc/self/fd/${dirFd}/${name}`;
}

function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

export interface MkdirOwner {
  uid: number;
  gid: number;
}

type Missing = 'stop' | { mkdir: MkdirOwner; mode: number };

interface Walk {
  /** Descriptor of the deepest directory reached (the caller closes it). */
  fd: number;
  /** In-container path of that directory ("/" for the root). */
  resolved: string;
  /** What was not found, in order (only when missing = 'stop'). */
  rest: string[];
  /** The last component when it exists and is not a directory (when `leaf` was asked). */
  leaf?: string;
}

/**
 * Walks `path` from the rootfs. Directories are entered, symlinks expanded in scope; with
 * `leaf`, a last component that is not a directory is returned unopened.
 */
function walk(root: string, path: string, missing: Missing, leaf: boolean): Walk {
  const stack: { name: string; fd: number }[] = [];
  const rootFd = openSync(root, constants.O_RDONLY | constants.O_DIRECTORY);
  const top = (): number => stack.at(-1)?.fd ?? rootFd;
  const closeAll = (): void => {
    for (const e of stack.splice(0)) closeSync(e.fd);
  };
  const pending = components(path);
  let hops = 0;
  try {
    while (pending.length > 0) {
      const name = pending.shift() as string;
      if (name === '..') {
        const popped = stack.pop();
        if (popped) closeSync(popped.fd);
        continue;
      }
      let st;
      try {
        st = lstatSync(at(top(), name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        if (missing === 'stop') {
          return finish({ rest: [name, ...pending] });
        }
        mkdirSync(at(top(), name), missing.mode);
        const fd = openSync(at(top(), name), DIR_FLAGS);
        fchownSync(fd, missing.mkdir.uid, missing.mkdir.gid);
        stack.push({ name, fd });
        continue;
      }
      if (st.isSymbolicLink()) {
        if (++hops > MAX_SYMLINK_HOPS)
          throw new SystemError(`too many levels of symbolic links resolving ${path}`);
        const target = readlinkSync(at(top(), name));
        if (target.startsWith('/')) closeAll();
        pending.unshift(...components(target));
        continue;
      }
      if (st.isDirectory()) {
        stack.push({ name, fd: openSync(at(top(), name), DIR_FLAGS) });
        continue;
      }
      if (leaf && pending.length === 0) return finish({ rest: [], leaf: name });
      throw Object.assign(new SystemError(`${path}: not a directory`), { code: 'ENOTDIR' });
    }
    return finish({ rest: [] });
  } catch (err) {
    closeAll();
    closeSync(rootFd);
    throw err;
  }

  function finish(result: { rest: string[]; leaf?: string }): Walk {
    const resolved = '/' + stack.map((e) => e.name).join('/');
    const last = stack.pop();
    for (const e of stack.splice(0)) closeSync(e.fd);
    if (last) closeSync(rootFd);
    return { fd: last?.fd ?? rootFd, resolved, ...result };
  }
}

/**
 * The bytes of a regular file inside the rootfs, or undefined when it (or a directory on the
 * way) does not exist. Anything but a regular file is an error; so is a file over `maxBytes`.
 */
export function readFileInRoot(root: string, path: string, maxBytes = 16 << 20): Buffer | undefined {
  let w: Walk;
  try {
    w = walk(root, path, 'stop', true);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
  try {
    if (w.rest.length > 0) return undefined;
    if (w.leaf === undefined) throw new SystemError(`${path} is a directory`);
    const fd = openSync(at(w.fd, w.leaf), FILE_FLAGS);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new SystemError(`${path} is not a regular file`);
      if (st.size > maxBytes) throw new SystemError(`${path} is larger than ${maxBytes} bytes`);
      const buf = Buffer.alloc(st.size);
      let off = 0;
      while (off < buf.length) {
        const n = readSync(fd, buf, off, buf.length - off, off);
        if (n === 0) break;
        off += n;
      }
      return buf.subarray(0, off);
    } finally {
      closeSync(fd);
    }
  } finally {
    closeSync(w.fd);
  }
}

/**
 * Where `path` leads inside the rootfs: the in-container path with every existing symlink
 * expanded in scope, plus the part that does not exist yet (appended as written).
 */
export function resolveInRoot(root: string, path: string): string {
  const w = walk(root, path, 'stop', true);
  closeSync(w.fd);
  const tail = [...(w.leaf !== undefined ? [w.leaf] : []), ...w.rest];
  // A missing part may still hold '..' from a symlink target; resolve it lexically (the
  // conservative reading for the callers, which refuse paths under /proc and /sys).
  return posix.normalize(joinContainerPath(w.resolved, tail));
}

/**
 * Creates `path` and any missing parents inside the rootfs (each new directory `mode` and
 * owned by `owner`; existing ones are left alone), and returns its resolved in-container path.
 * An existing non-directory on the way fails with ENOTDIR.
 */
export function mkdirAllInRoot(root: string, path: string, mode: number, owner: MkdirOwner): string {
  const w = walk(root, path, { mkdir: owner, mode }, false);
  closeSync(w.fd);
  return w.resolved;
}

function joinContainerPath(base: string, tail: string[]): string {
  if (tail.length === 0) return base;
  return (base === '/' ? '' : base) + '/' + tail.join('/');
}
