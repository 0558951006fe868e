/**
 * Opens regular files below a root for reading, never following a symlink and never
 * leaving the root, whatever the path says or the tree holds — the read-side counterpart of
 * in-root-tree.ts, for replaying a layer from its diff dir.
 *
 * Node has no openat(2), so each component is opened relative to its parent's descriptor
 * through `/proc/self/fd/<dirfd>/<name>` with O_NOFOLLOW: the kernel jumps straight to the
 * open directory, then looks up one name and refuses a symlink there. No path string is
 * ever resolved from the root again, so swapping a directory for a symlink mid-walk cannot
 * redirect the open. FIFOs are opened non-blocking (and then rejected) so one cannot hang us.
 *
 * Files of one directory usually follow each other in a tar, so the last parent directory's
 * descriptor is kept open between calls.
 */
import { closeSync, constants, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InvalidArgumentError } from '../errors/index.js';
import { printable } from './tar-reader.js';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function at(dirFd: number, name: string): Buffer {
  return Buffer.concat([Buffer.from(`/proc/self/fd/${dirFd}/`), Buffer.from(name, 'latin1')]);
}

export class InRootFiles {
  private readonly rootFd: number;
  private parent: { path: string; fd: number } | undefined;

  constructor(readonly root: string) {
    this.rootFd = openSync(root, constants.O_RDONLY | constants.O_DIRECTORY);
  }

  /** Opens `rel` (a relative byte-string path) as a regular file; throws if it is anything else. */
  async open(rel: string): Promise<FileHandle> {
    const parts = rel.split('/');
    const name = parts.pop() ?? '';
    for (const part of [...parts, name]) {
      if (part === '' || part === '.' || part === '..' || part.includes('\0')) {
        throw new InvalidArgumentError(`path ${printable(rel)} is not a plain relative path`);
      }
    }
    const dirFd = this.parentFd(parts.join('/'), parts);
    const handle = await open(at(dirFd, name), FILE_FLAGS);
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new InvalidArgumentError(`${printable(rel)} is not a regular file`);
      return handle;
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  close(): void {
    this.dropParent();
    closeSync(this.rootFd);
  }

  private parentFd(path: string, parts: string[]): number {
    if (parts.length === 0) return this.rootFd;
    if (this.parent?.path === path) return this.parent.fd;
    this.dropParent();
    let fd = this.rootFd;
    try {
      for (const part of parts) {
        const next = openSync(at(fd, part), DIR_FLAGS);
        if (fd !== this.rootFd) closeSync(fd);
        fd = next;
      }
    } catch (err) {
      if (fd !== this.rootFd) closeSync(fd);
      throw err;
    }
    this.parent = { path, fd };
    return fd;
  }

  private dropParent(): void {
    if (this.parent === undefined) return;
    closeSync(this.parent.fd);
    this.parent = undefined;
  }
}
