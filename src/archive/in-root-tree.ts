/**
 * What one archive has created under its target root, and path resolution against it.
 *
 * THE INVARIANT. Extraction writes into a fresh, private, empty directory, so everything on
 * disk below the root was put there by this archive and is recorded in this tree. Every
 * entry's path is resolved here, in memory, never by the kernel:
 *
 *  - Entry names are split on '/'; '' and '.' components are dropped and a '..' component
 *    rejects the archive (a well-formed layer never needs one).
 *  - Parent components are walked through the tree. A recorded directory is entered; a
 *    recorded symlink is expanded as if the process were chrooted at the root (an absolute
 *    target restarts at the root, '..' stops at the root, at most MAX_SYMLINK_HOPS
 *    expansions); anything else (file, device) is an error; a missing component becomes an
 *    implied directory (0755, root-owned), created on disk by the caller's hook.
 *  - The final component is never followed: the entry replaces whatever is recorded there.
 *
 * So the resolved path handed to a syscall consists only of real directories this archive
 * made plus one final name, and the kernel never meets a symlink while walking it. That is
 * what makes plain path-based syscalls safe here, without openat2(RESOLVE_IN_ROOT).
 *
 * Names are byte strings (latin1), so NFC/NFD or case variants are simply different names.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { ArchiveLimitError } from './limits.js';
import { printable } from './tar-reader.js';

/** Linux's own limit on symlink expansions in one lookup. */
export const MAX_SYMLINK_HOPS = 40;

export interface DirNode {
  readonly kind: 'dir';
  /** Relative path from the root ('' for the root), '/'-separated byte string. */
  readonly path: string;
  readonly depth: number;
  readonly children: Map<string, TreeNode>;
  /** Whether the directory has the setgid bit: new entries then take its group. */
  setgid?: boolean;
  /** Times from the archive, applied after everything below is written. */
  mtime?: number;
  atime?: number;
}

export interface SymlinkNode {
  readonly kind: 'symlink';
  readonly target: string;
}

/** A regular file; hard links to it share the node (one inode). */
export interface FileNode {
  readonly kind: 'file';
  readonly size: number;
}

/** Devices, FIFOs and whiteouts: nothing a path can walk through, no bytes. */
export interface OtherNode {
  readonly kind: 'other';
}

export type LeafNode = FileNode | OtherNode;

export type TreeNode = DirNode | SymlinkNode | LeafNode;

/** Special files need no per-entry state, so they share one node. */
export const OTHER_NODE: OtherNode = Object.freeze({ kind: 'other' });

export interface InRootTreeOptions {
  maxDepth: number;
  /** Longest relative path (bytes) a created entry may have; keeps absolute paths < PATH_MAX. */
  maxPathBytes: number;
  /** Creates an implied directory on disk at a relative path, inside `parent`. */
  makeImpliedDir(relPath: string, parent: DirNode): void;
}

export class InRootTree {
  readonly root: DirNode = { kind: 'dir', path: '', depth: 0, children: new Map() };

  constructor(private readonly options: InRootTreeOptions) {}

  /** Splits an entry name (or hardlink target) into components; rejects '..'. */
  static components(name: string): string[] {
    const parts: string[] = [];
    for (const part of name.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') throw new InvalidArgumentError(`entry ${printable(name)} has a ".." component`);
      if (part.includes('\0')) throw new InvalidArgumentError(`entry ${printable(name)} has a NUL byte`);
      parts.push(part);
    }
    return parts;
  }

  /** The relative path of `name` inside `dir`, checked against the path-length limit. */
  childPath(dir: DirNode, name: string): string {
    const path = dir.path === '' ? name : `${dir.path}/${name}`;
    if (path.length > this.options.maxPathBytes) {
      throw new ArchiveLimitError(
        'pathBytes',
        `path ${printable(path)} is longer than ${this.options.maxPathBytes} bytes once resolved`,
      );
    }
    return path;
  }

  /**
   * The directory that `components` name, walking symlinks as described at the top. With
   * `create`, missing components become implied directories; without, a missing one throws.
   */
  walk(components: readonly string[], create: boolean): DirNode {
    const stack: DirNode[] = [this.root];
    // Components still to walk, last one first, so symlink targets can be pushed in front.
    const queue = [...components].reverse();
    let hops = 0;
    for (let part = queue.pop(); part !== undefined; part = queue.pop()) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      const current = stack[stack.length - 1] ?? this.root;
      const child = current.children.get(part);
      if (child === undefined) {
        if (!create) {
          throw new InvalidArgumentError(
            `${printable(this.childPath(current, part))} does not exist in this layer`,
          );
        }
        stack.push(this.makeDir(current, part));
      } else if (child.kind === 'dir') {
        stack.push(child);
      } else if (child.kind === 'symlink') {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new InvalidArgumentError(
            `too many symlinks resolving through ${printable(this.childPath(current, part))}`,
          );
        }
        if (child.target === '')
          throw new InvalidArgumentError(`empty symlink ${printable(part)} used as a directory`);
        if (child.target.startsWith('/')) stack.length = 1;
        const parts = child.target.split('/');
        for (let i = parts.length - 1; i >= 0; i--) queue.push(parts[i] ?? '');
      } else {
        throw new InvalidArgumentError(`${printable(this.childPath(current, part))} is not a directory`);
      }
    }
    return stack[stack.length - 1] ?? this.root;
  }

  /** Records and creates a directory (the caller has removed whatever was there). */
  makeDir(parent: DirNode, name: string, implied = true): DirNode {
    const depth = parent.depth + 1;
    if (depth > this.options.maxDepth) {
      throw new ArchiveLimitError('maxDepth', `directories nest deeper than ${this.options.maxDepth} levels`);
    }
    const node: DirNode = { kind: 'dir', path: this.childPath(parent, name), depth, children: new Map() };
    if (implied) this.options.makeImpliedDir(node.path, parent);
    parent.children.set(name, node);
    return node;
  }

  /** Every directory, parents before children (for the final mtime pass). */
  *directories(): Generator<DirNode> {
    const pending: DirNode[] = [this.root];
    for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
      yield dir;
      for (const child of dir.children.values()) if (child.kind === 'dir') pending.push(child);
    }
  }
}
