/**
 * The local half of `lading cp`, as the docker CLI does it with moby's pkg/archive copy
 * helpers: which path a source or destination really is (CopyInfo), how the archive's top
 * entry must be renamed so the copy lands under the name the user asked for
 * (PrepareArchiveCopy), and packing / unpacking a local tree.
 *
 * Unpacking never writes through a symlink: an entry whose parent path (below the target
 * directory) holds a symlink is refused, as is any name that climbs out with '..'.
 */
import { createReadStream } from 'node:fs';
import {
  lstat,
  mkdir,
  readdir,
  readlink,
  realpath,
  rm,
  stat,
  chmod,
  utimes,
  lutimes,
  symlink,
  link,
} from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';

export interface CopyInfo {
  path: string;
  exists: boolean;
  isDir: boolean;
  /** The name the top entry must take (set when a symlink or '/' changed it). */
  rebaseName: string;
}

export class CopyError extends Error {}

function specifiesCurrentDir(path: string): boolean {
  return path === '.' || path.endsWith('/.');
}

function hasTrailingSeparator(path: string): boolean {
  return path.length > 0 && path.endsWith('/');
}

/** archive.PreserveTrailingDotOrSeparator. */
export function preserveTrailing(cleaned: string, original: string): string {
  if (specifiesCurrentDir(original) && !specifiesCurrentDir(cleaned))
    return `${cleaned.replace(/\/$/, '')}/.`;
  if (hasTrailingSeparator(original) && !hasTrailingSeparator(cleaned)) return `${cleaned}/`;
  return cleaned;
}

/** The local path made absolute, a trailing '/' or '/.' kept (resolveLocalPath). */
export function absoluteLocal(path: string): string {
  return preserveTrailing(resolve(path), path);
}

/** archive.SplitPathDirEntry: "/a/b/." → ["/a/b", "."]. */
export function splitPathDirEntry(path: string): [string, string] {
  let cleaned = posix.normalize(path).replace(/(.)\/+$/, '$1');
  if (specifiesCurrentDir(path)) cleaned += '/.';
  return [posix.dirname(cleaned), posix.basename(cleaned) || '/'];
}

/** archive.GetRebaseName. */
export function getRebaseName(path: string, resolvedPath: string): [string, string] {
  let resolved = resolvedPath;
  if (specifiesCurrentDir(path) && !specifiesCurrentDir(resolved)) resolved += '/.';
  if (hasTrailingSeparator(path) && !hasTrailingSeparator(resolved)) resolved += '/';
  const base = (p: string): string => posix.basename(p.replace(/(.)\/+$/, '$1')) || '/';
  return [resolved, base(path) !== base(resolved) ? base(path) : ''];
}

/** archive.CopyInfoSourcePath: the local source, its symlinks resolved as docker does. */
export async function copyInfoSourcePath(path: string, followLink: boolean): Promise<CopyInfo> {
  let resolved: string;
  let rebaseName = '';
  if (followLink) {
    [resolved, rebaseName] = getRebaseName(path, await realpath(path));
  } else {
    const cut = path.lastIndexOf('/');
    const dir = path.slice(0, cut + 1);
    const base = path.slice(cut + 1);
    resolved = `${(await realpath(dir === '' ? '.' : dir)).replace(/\/$/, '')}/${base}`;
    if (hasTrailingSeparator(path) && basename(path) !== basename(resolved)) rebaseName = basename(path);
  }
  const st = await lstat(resolved);
  return { path: resolved, exists: true, isDir: st.isDirectory(), rebaseName };
}

/** archive.CopyInfoDestinationPath: where a copy to `path` lands; its parent must exist. */
export async function copyInfoDestinationPath(path: string): Promise<CopyInfo> {
  let current = path;
  for (let n = 0; ; n++) {
    let st;
    try {
      st = await lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const [parent] = splitPathDirEntry(current);
      const parentStat = await stat(parent);
      if (!parentStat.isDirectory()) throw new CopyError('not a directory');
      return { path: current, exists: false, isDir: false, rebaseName: '' };
    }
    if (!st.isSymbolicLink()) return { path: current, exists: true, isDir: st.isDirectory(), rebaseName: '' };
    if (n >= 10) throw new CopyError(`too many symlinks in ${path}`);
    const target = await readlink(current);
    current = target.startsWith('/') ? target : join(splitPathDirEntry(current)[0], target);
  }
}

/**
 * archive.PrepareArchiveCopy: the directory to extract into and the rename (from → to) of
 * the archive's top entry, or an error docker words the same way.
 */
export function prepareArchiveCopy(
  src: CopyInfo,
  dst: CopyInfo,
): { dstDir: string; rebase?: [string, string] } {
  const [dstDir, dstBase] = splitPathDirEntry(dst.path);
  let [, srcBase] = splitPathDirEntry(src.path);
  // The archive's top entry already carries src.rebaseName when it has one.
  if (dst.exists && dst.isDir) return { dstDir: dst.path };
  if (dst.exists && src.isDir) throw new CopyError('cannot copy directory');
  if (!dst.exists && !src.isDir && (hasTrailingSeparator(dst.path) || specifiesCurrentDir(dst.path))) {
    throw new CopyError('no such directory');
  }
  if (src.rebaseName !== '') srcBase = src.rebaseName;
  return { dstDir, rebase: [srcBase, dstBase] };
}

/** Renames the top component `from` to `to` (Go's strings.Replace of the first occurrence). */
export function rebaseName(name: string, rebase: [string, string] | undefined): string {
  if (rebase === undefined) return name;
  const [from, to] = rebase;
  if (from === '/') return name.replace(/^\/?/, to === '/' ? '' : `${to}/`);
  if (name === from || name.startsWith(`${from}/`)) return to + name.slice(from.length);
  return name;
}

/** Packs the local `src` (not following its last symlink) with the top entry named `top`. */
export function packLocal(src: CopyInfo, top: string): Readable {
  const pack = tarStream.pack();
  const add = async (path: string, name: string): Promise<void> => {
    const st = await lstat(path);
    const header = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    if (st.isDirectory()) {
      if (name !== '') pack.entry({ ...header, name: `${name}/`, type: 'directory' });
      for (const child of (await readdir(path)).sort()) {
        await add(join(path, child), name === '' ? child : `${name}/${child}`);
      }
    } else if (st.isSymbolicLink()) {
      pack.entry({ ...header, type: 'symlink', linkname: await readlink(path) });
    } else if (st.isFile()) {
      await new Promise<void>((done, fail) => {
        const entry = pack.entry({ ...header, type: 'file', size: st.size }, (err) =>
          err ? fail(err) : done(),
        );
        createReadStream(path).on('error', fail).pipe(entry);
      });
    }
  };
  add(src.path.replace(/\/\.$/, ''), top === '/' ? '' : top).then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  // tar-stream's streams are streamx ones; hand out a Node Readable.
  return Readable.from(pack);
}

async function isSymlinkFree(root: string, parts: string[]): Promise<boolean> {
  let path = root;
  for (const part of parts) {
    path = join(path, part);
    try {
      const st = await lstat(path);
      if (st.isSymbolicLink()) return false;
    } catch {
      return true; // missing: created as a directory below
    }
  }
  return true;
}

/** archive.Untar with NoLchown and NoOverwriteDirNonDir into `dstDir`, renaming the top entry. */
export async function unpackLocal(
  tar: Readable,
  dstDir: string,
  rebases: ([string, string] | undefined)[],
): Promise<void> {
  const rename = (name: string): string => rebases.reduce((n, r) => rebaseName(n, r), name);
  const extract = tarStream.extract();
  const done = pipeline(tar, extract);
  const dirTimes: [string, Date][] = [];
  for await (const entry of extract) {
    const { header } = entry;
    const name = rename(header.name);
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..'))
      throw new CopyError(`${JSON.stringify(header.name)} is outside of ${JSON.stringify(dstDir)}`);
    if (parts.length === 0) {
      entry.resume();
      continue;
    }
    if (!(await isSymlinkFree(dstDir, parts.slice(0, -1)))) {
      throw new CopyError(`${JSON.stringify(header.name)} is outside of ${JSON.stringify(dstDir)}`);
    }
    const path = join(dstDir, ...parts);
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    const existing = await lstat(path).catch(() => undefined);
    const isDir = header.type === 'directory';
    if (existing !== undefined) {
      if (existing.isDirectory() && !isDir)
        throw new CopyError(`cannot overwrite directory "${path}" with non-directory "${dstDir}"`);
      if (!existing.isDirectory() && isDir)
        throw new CopyError(`cannot overwrite non-directory "${path}" with directory "${dstDir}"`);
      if (!isDir) await rm(path, { force: true });
    }
    const mode = (header.mode ?? 0o644) & 0o7777;
    const mtime = header.mtime ?? new Date();
    switch (header.type) {
      case 'directory':
        await mkdir(path, { recursive: true });
        await chmod(path, mode);
        dirTimes.push([path, mtime]);
        entry.resume();
        break;
      case 'file':
      case 'contiguous-file':
        await pipeline(entry, createWriteStream(path, { mode, flags: 'wx' }));
        await chmod(path, mode);
        await utimes(path, mtime, mtime);
        break;
      case 'symlink':
        await symlink(header.linkname ?? '', path);
        await lutimes(path, mtime, mtime);
        entry.resume();
        break;
      case 'link': {
        const target = rename(header.linkname ?? '')
          .split('/')
          .filter((p) => p !== '' && p !== '.');
        if (target.includes('..') || target.length === 0)
          throw new CopyError(`invalid hardlink ${JSON.stringify(header.linkname)}`);
        await link(join(dstDir, ...target), path);
        entry.resume();
        break;
      }
      default:
        entry.resume(); // devices and FIFOs: a CLI not running as root could not make them anyway
    }
  }
  await done;
  for (const [path, mtime] of dirTimes.reverse()) await utimes(path, mtime, mtime);
}
