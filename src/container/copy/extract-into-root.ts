/**
 * extractIntoRoot: `PUT /containers/{id}/archive?path=DIR`, a tar unpacked into a directory
 * of a container's rootfs that may belong to a running container (hostile-input.md row 26).
 *
 * Safety, entry by entry:
 *  - The destination and every entry's parent are walked from the rootfs descriptor with
 *    scoped-walk.ts: symlinks are expanded in the rootfs's scope (as dockerd's chrooted
 *    untar sees them), directories are opened with O_NOFOLLOW relative to their parent's
 *    descriptor. A directory swapped for a symlink mid-copy makes an open fail or resolves
 *    inside the rootfs; no write ever goes through a path string the container can redirect.
 *  - The final component is never followed: what is there is removed (unless both are
 *    directories) and the entry created with O_EXCL / mkdir / symlink / link, then its owner,
 *    mode and times set through the descriptor it was created with (lchown/lutimes for a
 *    symlink, which do not follow).
 *  - Entry names with a '..' that leaves the destination are refused, as dockerd does
 *    ("… is outside of …"); hard links must point inside the destination too.
 *  - Compressed input is gzip or zstd, decompressed by archive/decompress.ts in-process (or
 *    the host's zstd); xz and bzip2 are refused. Nothing in the container is run or loaded.
 *
 * Docker's options: noOverwriteDirNonDir refuses to replace a directory with a non-directory
 * or the other way round; `chown` (dockerd's copyUIDGID with the container's user) replaces
 * every entry's owner, otherwise the tar's uid/gid are kept.
 *
 * The caller owns `tar`: it is read to its end on success and left unread on an error, so
 * a request body never has its connection reset under the response.
 *
 * Left out: device nodes and FIFOs (skipped with a warning: making them needs mknod, which
 * container/ may not import) and xattrs.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeSync,
  readdirSync,
} from 'node:fs';
import { posix } from 'node:path';
import { type Readable } from 'node:stream';
import { readTarEntries, openDecompressed, type TarEntry } from '../../archive/index.js';
import { InvalidArgumentError, NotImplementedError } from '../../errors/index.js';
import { fileNotFound } from './path-stat.js';
import { at, components, DIR_FLAGS, errnoOf, lstatAt, openRoot, walkDirs } from './scoped-walk.js';

const NEW_FILE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_TRUNC;

export interface ExtractOptions {
  /** Refuse to replace a directory with a non-directory and vice versa (Docker's flag). */
  noOverwriteDirNonDir?: boolean;
  /** Owner for every entry (copyUIDGID: the container's user); undefined keeps the tar's. */
  chown?: { uid: number; gid: number };
  /** For Docker's "Could not find the file … in container …". */
  container?: string;
  /** Things skipped (devices, FIFOs); extraction goes on. */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ExtractResult {
  /** Tar entries applied. */
  entries: number;
}

/** Removes a directory tree below dirFd/name without following any link. */
function removeAt(dirFd: number, name: string): void {
  const st = lstatAt(dirFd, name);
  if (st === undefined) return;
  if (!st.isDirectory()) {
    unlinkSync(at(dirFd, name));
    return;
  }
  const fd = openSync(at(dirFd, name), DIR_FLAGS);
  try {
    for (const child of readdirSync(`/proc/self/fd/${fd}`, { encoding: 'latin1' })) removeAt(fd, child);
  } finally {
    closeSync(fd);
  }
  rmdirSync(at(dirFd, name));
}

/** The entry's name split into components below the destination; '..' must stay inside. */
function entryParts(name: string, destLabel: string): string[] {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part.includes('\0')) throw new InvalidArgumentError(`invalid entry name ${JSON.stringify(name)}`);
    if (part === '..') {
      if (parts.length === 0)
        throw new InvalidArgumentError(`${JSON.stringify(name)} is outside of ${JSON.stringify(destLabel)}`);
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts;
}

interface DirTimes {
  parts: string[];
  atime: number;
  mtime: number;
}

class Extractor {
  entries = 0;
  private readonly dirTimes: DirTimes[] = [];
  private readonly warned = new Set<string>();

  constructor(
    private readonly rootFd: number,
    /** The resolved destination's components from the rootfs (no symlinks in it). */
    private readonly dest: string[],
    private readonly destLabel: string,
    private readonly options: ExtractOptions,
  ) {}

  private owner(entry: TarEntry): { uid: number; gid: number } {
    return this.options.chown ?? { uid: entry.header.uid, gid: entry.header.gid };
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.options.onWarning?.(message);
  }

  /** The parent directory of an entry, created (0755) where missing; the caller closes it. */
  private parentFd(parts: string[]): number {
    try {
      return walkDirs(this.rootFd, [...this.dest, ...parts.slice(0, -1)], { create: { uid: 0, gid: 0 } }).fd;
    } catch (err) {
      if (errnoOf(err) === 'ENOTDIR')
        throw new InvalidArgumentError(`cannot create ${parts.join('/')}: a parent is not a directory`);
      throw err;
    }
  }

  async apply(entry: TarEntry): Promise<void> {
    const parts = entryParts(entry.header.name, this.destLabel);
    if (parts.length === 0) return; // "." is the destination itself, which stays as it is
    const name = parts.at(-1) as string;
    const dirFd = this.parentFd(parts);
    try {
      const existing = lstatAt(dirFd, name);
      const isDir = entry.type === 'dir';
      if (existing !== undefined) {
        if (this.options.noOverwriteDirNonDir === true) {
          if (existing.isDirectory() && !isDir)
            throw new InvalidArgumentError(
              `cannot overwrite directory "/${[...this.dest, ...parts].join('/')}" with non-directory "${this.destLabel}"`,
            );
          if (!existing.isDirectory() && isDir)
            throw new InvalidArgumentError(
              `cannot overwrite non-directory "/${[...this.dest, ...parts].join('/')}" with directory "${this.destLabel}"`,
            );
        }
        if (!(existing.isDirectory() && isDir)) removeAt(dirFd, name);
      }
      const owner = this.owner(entry);
      const { header } = entry;
      switch (entry.type) {
        case 'dir': {
          if (existing === undefined || !existing.isDirectory()) mkdirSync(at(dirFd, name), 0o700);
          const fd = openSync(at(dirFd, name), DIR_FLAGS);
          try {
            fchownSync(fd, owner.uid, owner.gid);
            fchmodSync(fd, header.mode & 0o7777);
          } finally {
            closeSync(fd);
          }
          this.dirTimes.push({ parts, atime: header.atime ?? header.mtime, mtime: header.mtime });
          break;
        }
        case 'file': {
          const fd = openSync(at(dirFd, name), NEW_FILE_FLAGS, 0o600);
          try {
            for await (const chunk of entry.body) {
              let off = 0;
              while (off < chunk.length) off += writeSync(fd, chunk, off);
              this.options.signal?.throwIfAborted();
            }
            fchownSync(fd, owner.uid, owner.gid);
            fchmodSync(fd, header.mode & 0o7777);
            futimesSync(fd, header.atime ?? header.mtime, header.mtime);
          } finally {
            closeSync(fd);
          }
          break;
        }
        case 'symlink':
          symlinkSync(Buffer.from(header.linkname, 'latin1'), at(dirFd, name));
          lchownSync(at(dirFd, name), owner.uid, owner.gid);
          lutimesSync(at(dirFd, name), header.atime ?? header.mtime, header.mtime);
          break;
        case 'hardlink': {
          const targetParts = entryParts(header.linkname, this.destLabel);
          if (targetParts.length === 0)
            throw new InvalidArgumentError(`invalid hardlink target ${JSON.stringify(header.linkname)}`);
          const sourceDir = walkDirs(this.rootFd, [...this.dest, ...targetParts.slice(0, -1)]);
          try {
            if (sourceDir.rest.length > 0)
              throw new InvalidArgumentError(
                `hardlink target ${JSON.stringify(header.linkname)} does not exist`,
              );
            const source = lstatAt(sourceDir.fd, targetParts.at(-1) as string);
            // Only files this copy could have made: a link to a directory or device is refused.
            if (source === undefined || !(source.isFile() || source.isSymbolicLink()))
              throw new InvalidArgumentError(
                `hardlink target ${JSON.stringify(header.linkname)} is not a file`,
              );
            linkSync(at(sourceDir.fd, targetParts.at(-1) as string), at(dirFd, name));
          } finally {
            closeSync(sourceDir.fd);
          }
          break;
        }
        default:
          // char, block, fifo: see the top of this file.
          this.warn(
            `skipping ${entry.type} ${JSON.stringify(header.name)}: device nodes and FIFOs are not copied`,
          );
          return;
      }
      this.entries++;
    } finally {
      closeSync(dirFd);
    }
  }

  /** Directory times last, deepest first, so writing below a directory does not undo them. */
  finishTimes(): void {
    for (const { parts, atime, mtime } of this.dirTimes.reverse()) {
      let walked;
      try {
        walked = walkDirs(this.rootFd, [...this.dest, ...parts]);
      } catch {
        continue; // changed by the container meanwhile: its business
      }
      try {
        if (walked.rest.length === 0) futimesSync(walked.fd, atime, mtime);
      } finally {
        closeSync(walked.fd);
      }
    }
  }
}

/**
 * The caller's stream as chunks, whose early return() does NOT destroy it. The tar reader
 * stops at the end-of-archive blocks and returns its source; if that destroyed an HTTP
 * request whose last (empty) chunk had not been read yet, Node would reset the connection
 * and the client would never see our answer. The rest is drained instead (see below).
 */
function keepOpen(tar: Readable): { chunks: AsyncIterable<Buffer>; drain(): Promise<void> } {
  const iterator = tar[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => ({
      next: () => iterator.next(),
      return: () => Promise.resolve({ done: true, value: undefined }),
    }),
  };
  return {
    chunks,
    async drain() {
      while ((await iterator.next()).done !== true) {
        /* bytes after the end-of-archive blocks: ignored, as Go's tar reader does */
      }
    },
  };
}

/** Refuses what archive/decompress.ts cannot unpack, as a 400 with a clear message. */
async function openTar(tar: AsyncIterable<Buffer>): Promise<Awaited<ReturnType<typeof openDecompressed>>> {
  try {
    return await openDecompressed(tar);
  } catch (err) {
    if (err instanceof NotImplementedError) {
      throw new InvalidArgumentError(`${err.message.replace(' layers', ' archives')}`);
    }
    throw err;
  }
}

/**
 * Unpacks `tar` (plain, gzip or zstd) into the directory `dirPath` of the rootfs (see the
 * top of this file). `dirPath` is resolved with its last component followed, so a symlink
 * to a directory is a valid destination, as in dockerd; it must exist and be a directory.
 */
export async function extractIntoRoot(
  rootfs: string,
  dirPath: string,
  tar: Readable,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const container = options.container ?? '';
  const rootFd = openRoot(rootfs);
  try {
    const absPath = posix.join('/', dirPath);
    const dest = resolveDestination(rootFd, absPath, dirPath, container);
    const extractor = new Extractor(rootFd, dest, absPath, options);
    const source = keepOpen(tar);
    const input = await openTar(source.chunks);
    try {
      for await (const entry of readTarEntries(input.chunks)) {
        options.signal?.throwIfAborted();
        await extractor.apply(entry);
      }
    } finally {
      await input.close();
    }
    extractor.finishTimes();
    await source.drain();
    return { entries: extractor.entries };
  } finally {
    // On an error the stream is left as it is: an HTTP server can still answer and then
    // discards the unread body itself.
    closeSync(rootFd);
  }
}

/**
 * The destination's components from the rootfs, every symlink (the last one too) expanded
 * in scope. Missing is Docker's 404; anything but a directory is its 400.
 */
function resolveDestination(rootFd: number, absPath: string, asked: string, container: string): string[] {
  let walked;
  try {
    walked = walkDirs(rootFd, components(absPath), { leaf: true });
  } catch (err) {
    if (errnoOf(err) === 'ENOTDIR') throw fileNotFound(asked, container);
    throw err;
  }
  try {
    if (walked.rest.length === 1 && lstatAt(walked.fd, walked.rest[0] as string) !== undefined) {
      throw new InvalidArgumentError('extraction point is not a directory');
    }
    if (walked.rest.length > 0) throw fileNotFound(asked, container);
    return walked.resolved.split('/').filter((p) => p !== '');
  } finally {
    closeSync(walked.fd);
  }
}
