/**
 * Applies tar entries, one at a time, to a fresh target root: the filesystem side of
 * applyLayer. Paths come only from InRootTree (see the invariant there), so every syscall
 * here gets a path of real directories this archive made plus one final name.
 *
 * Metadata order matters and follows the kernel's rules: contents first (writing clears
 * file capabilities), then chown (which clears setuid/setgid and capabilities), then chmod
 * (so setuid/setgid/sticky survive), then xattrs (security.capability last of all), then
 * times. Directory times are set in finish(), after everything inside them exists.
 */
import {
  chmodSync,
  lstatSync,
  readFileSync,
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
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '../errors/index.js';
import {
  FileQueue,
  fsetxattr,
  hasErrnoCode,
  lsetxattr,
  mknod,
  S_IFBLK,
  S_IFCHR,
  S_IFIFO,
} from '../sys/index.js';
import { InRootTree, OTHER_NODE, type DirNode, type FileNode, type TreeNode } from './in-root-tree.js';
import { InodeBytes } from './inode-bytes.js';
import { ArchiveLimitError, type ExtractLimits } from './limits.js';
import { removeTree } from './remove-tree.js';
import { printable, type EntrySink, type TarHeader } from './tar-reader.js';
import {
  markOpaque,
  parseWhiteoutName,
  WHITEOUT_META_PREFIX,
  WHITEOUT_PREFIX,
  writeOverlayWhiteout,
} from './whiteouts.js';

/**
 * Files up to this size without xattrs are written by the native file queue's threads (see
 * sys/file-queue.ts): their bytes are collected, then queued. Bigger files stream straight
 * to disk here, so memory stays bounded by this size.
 */
const QUEUED_FILE_MAX_BYTES = 1024 * 1024;
const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** Linux PATH_MAX counts the terminating NUL. */
const PATH_MAX = 4096;
/**
 * The process umask, read without changing it (process.umask() with no argument sets it
 * twice). When unknown, assume the worst so every mode is set explicitly.
 */
function currentUmask(): number {
  try {
    const match = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match?.[1] !== undefined ? parseInt(match[1], 8) : 0o777;
  } catch {
    return 0o777;
  }
}

/** Overlay's own bookkeeping; a layer may only express it through .wh. entries. */
const OVERLAY_XATTR_PREFIX = 'trusted.overlay.';

export class LayerWriter {
  readonly tree: InRootTree;
  private readonly rootBytes: string;
  private entryCount = 0;
  private readonly inodeBytes = new InodeBytes();
  private openFd: number | undefined;
  /** Made on the first small file; every read of what it wrote waits on settle(). */
  private queue: FileQueue | undefined;
  /**
   * Where a queued file's bytes are collected. One buffer serves every file in turn (the
   * queue copies them when the file is added), so a layer of many files does not allocate
   * one buffer per file for the garbage collector to chase.
   */
  private scratch = Buffer.alloc(0);
  // Files are created owned by us and with (mode & ~umask); these let the common case (a
  // root-owned 0644/0755 file) skip fchown and fchmod, two of the six syscalls per file.
  private readonly euid = process.geteuid?.() ?? -1;
  private readonly egid = process.getegid?.() ?? -1;
  private readonly umask = currentUmask();

  constructor(
    root: string,
    private readonly limits: ExtractLimits,
    private readonly warn: (message: string) => void,
  ) {
    this.rootBytes = Buffer.from(root).toString('latin1');
    this.tree = new InRootTree({
      maxDepth: limits.maxDepth,
      maxPathBytes: PATH_MAX - 1 - this.rootBytes.length - 1,
      makeImpliedDir: (rel, parent) => {
        const path = this.abs(rel);
        mkdirSync(path, 0o755);
        if (parent.setgid === true) lchownSync(path, 0, 0); // not the setgid parent's group
        chmodSync(path, 0o755); // whatever the umask, and no inherited setgid
      },
    });
    this.tree.root.setgid = (lstatSync(root).mode & 0o2000) !== 0;
  }

  get entries(): number {
    return this.entryCount;
  }

  /** What Docker reports as the layer's size: bytes of non-directories, each inode once. */
  get contentBytes(): number {
    return this.inodeBytes.total;
  }

  /** The absolute path of a relative byte-string path, as exact bytes. */
  abs(rel: string): Buffer {
    return Buffer.from(rel === '' ? this.rootBytes : `${this.rootBytes}/${rel}`, 'latin1');
  }

  entry(h: TarHeader): EntrySink | undefined {
    if (++this.entryCount > this.limits.maxEntries) {
      throw new ArchiveLimitError('maxEntries', `more than ${this.limits.maxEntries} entries`);
    }
    if (h.name.length > this.limits.maxNameBytes || h.linkname.length > this.limits.maxNameBytes) {
      throw new ArchiveLimitError(
        'maxNameBytes',
        `entry name or link target over ${this.limits.maxNameBytes} bytes`,
      );
    }
    const parts = InRootTree.components(h.name);
    if (parts.length > this.limits.maxDepth) {
      throw new ArchiveLimitError(
        'maxDepth',
        `entry ${printable(h.name)} is deeper than ${this.limits.maxDepth}`,
      );
    }
    const last = parts.pop();
    if (last === undefined) {
      if (h.type === 'dir') this.applyDirMetadata(this.tree.root, h);
      else this.warn(`skipped ${h.type} entry ${printable(h.name)}: it names the layer root`);
      return undefined;
    }
    // Old AUFS-made layers carry bookkeeping dirs such as .wh..wh.plnk/ at the top: skip them.
    if (parts[0]?.startsWith(WHITEOUT_META_PREFIX) === true) {
      this.warn(`ignored AUFS metadata entry ${printable(h.name)}`);
      return undefined;
    }
    for (const part of parts) {
      if (part.startsWith(WHITEOUT_PREFIX)) {
        throw new InvalidArgumentError(`entry ${printable(h.name)} has a whiteout as a parent directory`);
      }
    }

    const whiteout = parseWhiteoutName(last);
    if (whiteout.kind === 'meta') {
      this.warn(`ignored AUFS metadata entry ${printable(h.name)}`);
      return undefined;
    }
    const parent = this.tree.walk(parts, true);
    if (whiteout.kind === 'opaque') {
      markOpaque(this.abs(parent.path));
      return undefined;
    }
    if (whiteout.kind === 'whiteout') {
      const path = this.replace(parent, whiteout.name);
      writeOverlayWhiteout(path, h.uid, h.gid);
      parent.children.set(whiteout.name, OTHER_NODE);
      return undefined;
    }

    switch (h.type) {
      case 'dir':
        return this.directory(parent, last, h);
      case 'file':
        return this.file(parent, last, h);
      case 'symlink':
        return this.symlink(parent, last, h);
      case 'hardlink':
        return this.hardlink(parent, last, h);
      case 'char':
      case 'block':
      case 'fifo':
        return this.special(parent, last, h);
    }
  }

  /** Sets directory times, deepest state last: nothing is created inside them afterwards. */
  finish(): void {
    this.settle();
    this.queue?.close();
    for (const dir of this.tree.directories()) {
      if (dir.mtime === undefined) continue;
      utimesSync(this.abs(dir.path), dir.atime ?? dir.mtime, dir.mtime);
    }
  }

  /** Releases what an interrupted entry holds. */
  abort(): void {
    this.queue?.close(); // waits for queued files, so the roll-back sees all of them
    if (this.openFd !== undefined) {
      closeSync(this.openFd);
      this.openFd = undefined;
    }
  }

  /**
   * Resolves once at most `limit` bytes wait in the file queue. Polled, not signalled: the
   * writer threads never call into JavaScript, and a millisecond is short next to the writes
   * it waits for. Waiting here instead of inside the queue leaves the event loop free for
   * other layers extracting meanwhile.
   */
  async backlogBelow(limit: number): Promise<void> {
    while (this.queue !== undefined && this.queue.backlog > limit) await sleep(1);
  }

  /** Waits for queued files; throws the first that failed. */
  private settle(): void {
    this.queue?.drain();
  }

  /** Removes whatever the archive put at parent/name and returns the path, free for reuse. */
  private replace(parent: DirNode, name: string): Buffer {
    const path = this.abs(this.tree.childPath(parent, name));
    const existing = parent.children.get(name);
    if (existing !== undefined) {
      this.settle(); // what is replaced may still be queued (or be a directory holding queued files)
      if (existing.kind === 'dir') removeTree(path);
      else unlinkSync(path);
      parent.children.delete(name);
      this.inodeBytes.removed(existing);
    }
    return path;
  }

  private directory(parent: DirNode, name: string, h: TarHeader): undefined {
    let dir = parent.children.get(name);
    if (dir?.kind !== 'dir') {
      const path = this.replace(parent, name);
      dir = this.tree.makeDir(parent, name, false);
      mkdirSync(path, 0o700);
    }
    this.applyDirMetadata(dir, h);
    return undefined;
  }

  private applyDirMetadata(dir: DirNode, h: TarHeader): void {
    const path = this.abs(dir.path);
    lchownSync(path, h.uid, h.gid);
    chmodSync(path, h.mode);
    this.setXattrs(h, (key, value) => lsetxattr(path, key, value));
    dir.setgid = (h.mode & 0o2000) !== 0;
    dir.mtime = h.mtime;
    dir.atime = h.atime ?? h.mtime;
  }

  private file(parent: DirNode, name: string, h: TarHeader): EntrySink {
    const path = this.replace(parent, name);
    const permissions = h.mode & 0o777;
    const needChown = h.uid !== this.euid || h.gid !== this.egid || parent.setgid === true;
    const needChmod = h.mode !== permissions || (permissions & ~this.umask) !== permissions;
    const node: FileNode = { kind: 'file', size: h.size };
    if (h.size <= QUEUED_FILE_MAX_BYTES && h.xattrs.size === 0) {
      parent.children.set(name, node);
      this.inodeBytes.created(node);
      return this.queuedFile(path, h, needChown, needChmod, this.tree.childPath(parent, name));
    }
    const fd = openSync(path, CREATE_FILE, permissions);
    this.openFd = fd;
    parent.children.set(name, node);
    this.inodeBytes.created(node);
    return {
      contentPath: this.tree.childPath(parent, name), // what a tar-split recording points at
      write(chunk: Buffer): void {
        for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
      },
      end: () => {
        this.openFd = undefined;
        try {
          if (needChown) fchownSync(fd, h.uid, h.gid);
          if (needChmod || needChown) fchmodSync(fd, h.mode);
          this.setXattrs(h, (key, value) => fsetxattr(fd, key, value));
          futimesSync(fd, h.atime ?? h.mtime, h.mtime);
        } finally {
          closeSync(fd);
        }
      },
    };
  }

  /** A small file's sink: collects its bytes, then hands the whole file to the queue. */
  private queuedFile(
    path: Buffer,
    h: TarHeader,
    setOwner: boolean,
    setMode: boolean,
    contentPath: string,
  ): EntrySink {
    if (this.scratch.length < h.size) this.scratch = Buffer.allocUnsafe(Math.max(h.size, 64 * 1024));
    const body = this.scratch;
    let filled = 0;
    return {
      contentPath,
      write(chunk: Buffer): void {
        filled += chunk.copy(body, filled);
      },
      end: () => {
        this.queue ??= FileQueue.open();
        this.queue.add(path, body.subarray(0, filled), {
          mode: h.mode,
          uid: h.uid,
          gid: h.gid,
          setOwner,
          setMode: setMode || setOwner,
          atime: h.atime ?? h.mtime,
          mtime: h.mtime,
        });
      },
    };
  }

  private symlink(parent: DirNode, name: string, h: TarHeader): undefined {
    const path = this.replace(parent, name);
    symlinkSync(Buffer.from(h.linkname, 'latin1'), path);
    const node: TreeNode = { kind: 'symlink', target: h.linkname };
    parent.children.set(name, node);
    this.inodeBytes.created(node);
    lchownSync(path, h.uid, h.gid);
    this.setXattrs(h, (key, value) => lsetxattr(path, key, value));
    lutimesSync(path, h.atime ?? h.mtime, h.mtime);
    return undefined;
  }

  /**
   * A hard link to an entry this archive already made. The target resolves like a name (its
   * parents through in-root symlinks, its final component not followed: a link to a symlink
   * is a symlink). Its metadata is the target's; nothing is chmod'ed through the new name.
   */
  private hardlink(parent: DirNode, name: string, h: TarHeader): undefined {
    const targetParts = InRootTree.components(h.linkname);
    const targetName = targetParts.pop();
    if (targetName === undefined)
      throw new InvalidArgumentError(`hard link ${printable(h.name)} names the root`);
    const targetDir = this.tree.walk(targetParts, false);
    const target: TreeNode | undefined = targetDir.children.get(targetName);
    if (target === undefined) {
      throw new InvalidArgumentError(
        `hard link ${printable(h.name)} → ${printable(h.linkname)}: the target is not in this layer`,
      );
    }
    if (target.kind === 'dir') {
      throw new InvalidArgumentError(
        `hard link ${printable(h.name)} → ${printable(h.linkname)} names a directory`,
      );
    }
    if (targetDir === parent && targetName === name) return undefined; // a link to itself
    const targetPath = this.abs(this.tree.childPath(targetDir, targetName));
    this.settle(); // the target may still be queued
    const path = this.replace(parent, name);
    linkSync(targetPath, path); // link(2) does not follow a final symlink
    parent.children.set(name, target);
    this.inodeBytes.linked(target);
    return undefined;
  }

  private special(parent: DirNode, name: string, h: TarHeader): undefined {
    const path = this.replace(parent, name);
    const type = h.type === 'char' ? S_IFCHR : h.type === 'block' ? S_IFBLK : S_IFIFO;
    try {
      mknod(path, type | h.mode, h.devmajor, h.devminor);
    } catch (err) {
      if (!hasErrnoCode(err, 'EPERM', 'EACCES')) throw err;
      this.warn(`skipped ${h.type} ${printable(h.name)}: creating it is not permitted here`);
      return undefined;
    }
    parent.children.set(name, OTHER_NODE);
    lchownSync(path, h.uid, h.gid);
    chmodSync(path, h.mode); // a device or FIFO we just made, never a link
    this.setXattrs(h, (key, value) => lsetxattr(path, key, value));
    lutimesSync(path, h.atime ?? h.mtime, h.mtime);
    return undefined;
  }

  /**
   * Applies PAX xattrs. Like Docker, a filesystem that refuses one (ENOTSUP, EPERM — user.*
   * on a symlink, say) gets a warning rather than failing the layer.
   */
  private setXattrs(h: TarHeader, set: (key: string, value: Buffer) => void): void {
    for (const [key, value] of h.xattrs) {
      if (key.startsWith(OVERLAY_XATTR_PREFIX)) {
        this.warn(`ignored xattr ${key} on ${printable(h.name)}: overlay state comes only from whiteouts`);
        continue;
      }
      try {
        set(key, value);
      } catch (err) {
        if (!hasErrnoCode(err, 'ENOTSUP', 'EOPNOTSUPP', 'EPERM')) throw err;
        this.warn(`could not set xattr ${key} on ${printable(h.name)}: ${(err as Error).message}`);
      }
    }
  }
}
