/**
 * Copying trees for the vfs driver, preserving everything a layer can say about an entry:
 * type, mode (setuid/setgid/sticky too), owner, xattrs, link targets, device numbers, hard
 * links (within one copy) and times. Names are handled as raw bytes and links are never
 * followed, so any tree a layer made can be copied.
 *
 * Metadata order follows the kernel's rules: contents, then chown (which clears setuid and
 * capabilities), then chmod, then xattrs (security.capability last), then times — directory
 * times after their contents.
 */
import {
  chmodSync,
  copyFileSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import {
  lgetxattr,
  llistxattr,
  lremovexattr,
  lsetxattr,
  mknod,
  S_IFBLK,
  S_IFCHR,
  S_IFIFO,
} from '../../sys/index.js';

const SLASH = Buffer.from('/');
const CAPABILITY = 'security.capability';
/** Overlay's own markers never travel into a plain tree; the whiteout logic handles them. */
const OVERLAY_XATTR_PREFIX = 'trusted.overlay.';

export function child(dir: Buffer, name: Buffer): Buffer {
  return Buffer.concat([dir, SLASH, name]);
}

function lstatOrUndefined(path: Buffer): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Removes a file, link, device or whole directory tree; absent is fine. */
export function removePath(path: Buffer): void {
  const st = lstatOrUndefined(path);
  if (st === undefined) return;
  if (!st.isDirectory()) {
    unlinkSync(path);
    return;
  }
  emptyDir(path);
  rmdirSync(path);
}

export function emptyDir(dir: Buffer): void {
  for (const name of readdirSync(dir, { encoding: 'buffer' })) removePath(child(dir, name));
}

/** Owner, mode and xattrs of `from` onto `to` (times are set by the caller, last). */
function copyMetadata(from: Buffer, to: Buffer, st: Stats): void {
  lchownSync(to, st.uid, st.gid);
  if (!st.isSymbolicLink()) chmodSync(to, st.mode & 0o7777);
  const names = llistxattr(from).filter((n) => !n.startsWith(OVERLAY_XATTR_PREFIX));
  // A directory merged over an older one shows only the newer one's xattrs, as overlay does.
  for (const name of llistxattr(to)) if (!names.includes(name)) lremovexattr(to, name);
  names.sort((a, b) => Number(a === CAPABILITY) - Number(b === CAPABILITY));
  for (const name of names) lsetxattr(to, name, lgetxattr(from, name));
}

function copyTimes(to: Buffer, st: Stats): void {
  lutimesSync(to, st.atime, st.mtime);
}

/** glibc's dev_t encoding: major in bits 8–19 and 32–43, minor in bits 0–7 and 20–31. */
function major(rdev: number): number {
  const d = BigInt(rdev);
  return Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
}
function minor(rdev: number): number {
  const d = BigInt(rdev);
  return Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
}

/** Hard links already copied in this pass: source inode → the path of its copy. */
export type LinkMap = Map<string, Buffer>;

/** Copies one non-directory entry (`to` must not exist). */
export function copyEntry(from: Buffer, to: Buffer, st: Stats, links: LinkMap): void {
  if (st.nlink > 1) {
    const key = `${st.dev}:${st.ino}`;
    const first = links.get(key);
    if (first !== undefined) {
      linkSync(first, to);
      return;
    }
    links.set(key, to);
  }
  if (st.isFile()) copyFileSync(from, to);
  else if (st.isSymbolicLink()) symlinkSync(readlinkSync(from, { encoding: 'buffer' }), to);
  else if (st.isCharacterDevice()) mknod(to, S_IFCHR | (st.mode & 0o7777), major(st.rdev), minor(st.rdev));
  else if (st.isBlockDevice()) mknod(to, S_IFBLK | (st.mode & 0o7777), major(st.rdev), minor(st.rdev));
  else if (st.isFIFO()) mknod(to, S_IFIFO | (st.mode & 0o7777));
  else return; // sockets: nothing a layer can carry
  copyMetadata(from, to, st);
  copyTimes(to, st);
}

/** Copies the contents of directory `from` into the existing directory `to`, and its metadata. */
export function copyTree(from: Buffer, to: Buffer, links: LinkMap = new Map()): void {
  const st = lstatSync(from);
  for (const name of readdirSync(from, { encoding: 'buffer' })) {
    const src = child(from, name);
    const dst = child(to, name);
    const cst = lstatSync(src);
    if (cst.isDirectory()) {
      mkdirSync(dst, { mode: 0o700 });
      copyTree(src, dst, links);
    } else {
      copyEntry(src, dst, cst, links);
    }
  }
  copyMetadata(from, to, st);
  copyTimes(to, st);
}

export { copyMetadata, copyTimes, lstatOrUndefined };
