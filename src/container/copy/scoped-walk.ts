/**
 * Path lookups inside a container's rootfs for `cp`, done the way a process chrooted there
 * would see them, while the container may be running and changing the tree under us.
 *
 * Every component is looked up relative to its parent directory's descriptor through
 * `/proc/self/fd/<dirfd>/<name>` (Node has no openat): the kernel jumps to the open
 * directory and looks up exactly one name. A symlink is read and expanded here, in scope
 * (an absolute target restarts at the rootfs, '..' stops at it, at most 40 expansions as
 * Linux allows); directories are opened with O_NOFOLLOW. So if the container swaps a
 * directory for a symlink after we looked, the open fails (ELOOP) instead of leaving the
 * rootfs, and a descriptor we already hold keeps pointing at the directory we checked.
 *
 * Names are byte strings (latin1), as the tar reader gives them: one char is one byte.
 */
import {
  closeSync,
  constants,
  fchownSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  type Stats,
} from 'node:fs';
import { InvalidArgumentError } from '../../errors/index.js';

export const MAX_SYMLINK_HOPS = 40;
export const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** `/proc/self/fd/<dirFd>/<name>` as exact bytes. */
export function at(dirFd: number, name: string): Buffer {
  return Buffer.concat([Buffer.from(`/proc/self/fd/${dirFd}/`), Buffer.from(name, 'latin1')]);
}

/** The path's components, '' and '.' dropped ('..' kept: the walk resolves it in scope). */
export function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** lstat of one name in a directory, or undefined when it does not exist. */
export function lstatAt(dirFd: number, name: string): Stats | undefined {
  try {
    return lstatSync(at(dirFd, name));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

export interface WalkResult {
  /** Descriptor of the deepest directory reached; the caller closes it. */
  fd: number;
  /** In-container path of that directory, symlinks expanded ("/" for the root). */
  resolved: string;
  /** Components not found, in order (empty when the whole path exists). */
  rest: string[];
}

export interface WalkOptions {
  /** Create missing directories (mode 0755, this owner) instead of stopping at them. */
  create?: { uid: number; gid: number };
  /** A last component that exists but is no directory ends the walk (left in `rest`). */
  leaf?: boolean;
}

/**
 * Opens a descriptor on the rootfs itself. Kept open by the caller for the whole copy, so a
 * rename of the rootfs path does not matter either.
 */
export function openRoot(rootfs: string): number {
  return openSync(rootfs, constants.O_RDONLY | constants.O_DIRECTORY);
}

/**
 * Walks `parts` from `rootFd` into directories, expanding every symlink in scope (also a
 * final one: callers that must not follow the last component walk only its parent). A
 * component that exists but is not a directory is an ENOTDIR error.
 */
export function walkDirs(rootFd: number, parts: readonly string[], options: WalkOptions = {}): WalkResult {
  const stack: { name: string; fd: number }[] = [];
  const top = (): number => stack.at(-1)?.fd ?? rootFd;
  const closeAll = (): void => {
    for (const e of stack.splice(0)) closeSync(e.fd);
  };
  const pending = [...parts];
  let hops = 0;
  try {
    while (pending.length > 0) {
      const name = pending.shift() as string;
      if (name === '' || name === '.') continue;
      if (name === '..') {
        const popped = stack.pop();
        if (popped) closeSync(popped.fd);
        continue;
      }
      const st = lstatAt(top(), name);
      if (st === undefined) {
        if (options.create === undefined) {
          pending.unshift(name);
          break;
        }
        let made = true;
        try {
          mkdirSync(at(top(), name), 0o755);
        } catch (err) {
          // Someone made it meanwhile: the open below decides what it is.
          if (errnoOf(err) !== 'EEXIST') throw err;
          made = false;
        }
        const fd = openSync(at(top(), name), DIR_FLAGS);
        stack.push({ name, fd });
        if (made) fchownSync(fd, options.create.uid, options.create.gid);
        continue;
      }
      if (st.isSymbolicLink()) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new InvalidArgumentError(`too many levels of symbolic links in ${parts.join('/')}`);
        }
        const target = readlinkSync(at(top(), name), { encoding: 'latin1' });
        if (target.startsWith('/')) closeAll();
        pending.unshift(...components(target));
        continue;
      }
      if (!st.isDirectory()) {
        if (options.leaf === true && pending.length === 0) {
          pending.unshift(name);
          break;
        }
        throw Object.assign(new Error(`${parts.join('/')}: not a directory`), { code: 'ENOTDIR' });
      }
      stack.push({ name, fd: openSync(at(top(), name), DIR_FLAGS) });
    }
  } catch (err) {
    closeAll();
    throw err;
  }
  const resolved = '/' + stack.map((e) => e.name).join('/');
  const last = stack.pop();
  for (const e of stack.splice(0)) closeSync(e.fd);
  // The root descriptor belongs to the caller; hand back a fresh one so closing is uniform.
  const fd = last?.fd ?? openSync(at(rootFd, '.'), DIR_FLAGS);
  return { fd, resolved, rest: pending.filter((p) => p !== '' && p !== '.') };
}
