/**
 * A container's root filesystem read from the host, entry by entry, to prove two trees equal.
 *
 * The tree is read through a read-only overlay mount we make ourselves from the GraphDriver
 * data of `inspect` (UpperDir on top of LowerDir): that is the view the container's processes
 * get, without starting it and without trusting lading's own mount code to show it.
 * Each entry keeps what a layer must carry: type, permission bits with setuid/setgid/sticky,
 * owner, size and sha256 of regular files, symlink targets, the xattrs Docker carries in
 * layers (user.* and security.capability), and the mtime of regular files, symlinks and
 * directories in whole seconds (tar keeps seconds). Hard links become groups of paths sharing an inode.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { lgetxattr, llistxattr } from '../../src/sys/index.js';
import type { Cleanup } from './cleanup.js';
import type { Json } from './engine-api.js';
import { unmount } from './mounts.js';

export interface TreeEntry {
  type: 'file' | 'dir' | 'symlink' | 'fifo' | 'char' | 'block' | 'socket';
  /** Permission bits with setuid, setgid and sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  /** Regular files and symlinks. */
  size?: number;
  sha256?: string;
  target?: string;
  /** Whole seconds; not for devices, FIFOs, nor what the init layer makes. */
  mtime?: number;
  rdev?: number;
  /** name → hex value, only the names a layer carries. */
  xattrs: Record<string, string>;
}

export interface Tree {
  entries: Map<string, TreeEntry>;
  /** Paths of non-directories that share an inode, each group sorted, groups sorted. */
  linkGroups: string[][];
}

export interface ReadTreeOptions {
  /** Absolute paths left out (with everything below them). */
  exclude?: readonly string[];
  /** Directories whose children are left out (the directory itself is compared). */
  skipContentsOf?: readonly string[];
  /** Entries whose mtime is left out. */
  ownTimes?: readonly string[];
}

/** What lading bind-mounts into every container and mounts over /dev, /proc, /sys. */
export const CONTAINER_MANAGED: ReadTreeOptions = {
  // /.dockerenv: made empty in each container's init layer, with that container's time.
  exclude: ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/.dockerenv'],
  skipContentsOf: ['/dev', '/proc', '/sys'],
  // Each container's init layer makes these (and the files above) with its own times.
  ownTimes: ['/', '/dev', '/etc', '/etc/mtab', '/proc', '/sys'],
};

const CARRIED_XATTR = /^(user\.|security\.capability$)/;

function typeOf(st: Stats): TreeEntry['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return 'socket';
}

function xattrsOf(path: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of llistxattr(path).sort()) {
    if (CARRIED_XATTR.test(name)) found[name] = lgetxattr(path, name).toString('hex');
  }
  return found;
}

export function readTree(root: string, options: ReadTreeOptions = {}): Tree {
  const exclude = new Set(options.exclude ?? []);
  const skipContents = new Set(options.skipContentsOf ?? []);
  const ownTimes = new Set(options.ownTimes ?? []);
  const entries = new Map<string, TreeEntry>();
  const inodes = new Map<number, string[]>();
  const visit = (rel: string): void => {
    const path = join(root, rel);
    const st = lstatSync(path);
    const type = typeOf(st);
    const entry: TreeEntry = {
      type,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      xattrs: xattrsOf(path),
    };
    if (type === 'file') {
      const content = readFileSync(path);
      entry.size = st.size;
      entry.sha256 = createHash('sha256').update(content).digest('hex');
      entry.mtime = Math.floor(st.mtimeMs / 1000);
    } else if (type === 'dir') {
      entry.mtime = Math.floor(st.mtimeMs / 1000);
    } else if (type === 'symlink') {
      entry.target = readlinkSync(path);
      entry.size = st.size;
      entry.mtime = Math.floor(st.mtimeMs / 1000);
    } else if (type === 'char' || type === 'block') {
      entry.rdev = st.rdev;
    }
    if (ownTimes.has(rel)) delete entry.mtime;
    entries.set(rel, entry);
    if (type !== 'dir') inodes.set(st.ino, [...(inodes.get(st.ino) ?? []), rel]);
    if (type !== 'dir' || skipContents.has(rel)) return;
    for (const name of readdirSync(path).sort()) {
      const child = rel === '/' ? `/${name}` : `${rel}/${name}`;
      if (!exclude.has(child)) visit(child);
    }
  };
  visit('/');
  const linkGroups = [...inodes.values()]
    .filter((paths) => paths.length > 1)
    .map((paths) => paths.sort())
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  return { entries, linkGroups };
}

function describe(entry: TreeEntry): string {
  return JSON.stringify({ ...entry, mode: entry.mode.toString(8) });
}

/** Every difference between two trees, one line each (empty when they are the same). */
export function compareTrees(expected: Tree, actual: Tree): string[] {
  const differences: string[] = [];
  for (const [path, want] of expected.entries) {
    const got = actual.entries.get(path);
    if (got === undefined) differences.push(`${path}: missing (want ${describe(want)})`);
    else if (describe(want) !== describe(got)) {
      differences.push(`${path}:\n    want ${describe(want)}\n    got  ${describe(got)}`);
    }
  }
  for (const [path, got] of actual.entries) {
    if (!expected.entries.has(path)) differences.push(`${path}: unexpected ${describe(got)}`);
  }
  const groups = (tree: Tree) => tree.linkGroups.map((g) => g.join(' = '));
  const want = new Set(groups(expected));
  const got = new Set(groups(actual));
  for (const group of want) if (!got.has(group)) differences.push(`hard links missing: ${group}`);
  for (const group of got) if (!want.has(group)) differences.push(`unexpected hard links: ${group}`);
  return differences;
}

/** The layer dirs of a container or image inspect, top first (UpperDir, then LowerDir). */
export function layerDirs(inspect: Json): string[] {
  const data = (inspect.GraphDriver as { Data?: Record<string, string> } | undefined)?.Data ?? {};
  const dirs = [data.UpperDir, ...(data.LowerDir ?? '').split(':')].filter(
    (dir): dir is string => dir !== undefined && dir !== '',
  );
  if (dirs.length === 0) throw new Error(`no overlay layer dirs in ${JSON.stringify(inspect.GraphDriver)}`);
  return dirs;
}

/**
 * Mounts `dirs` (top first) as one read-only overlay at `target`, registered with cleanup;
 * returns an unmount for callers that read many trees in one test.
 */
export function mountReadOnly(dirs: readonly string[], target: string, cleanup: Cleanup): () => void {
  mkdirSync(target, { recursive: true });
  // A single layer is not an overlay: bind it read-only instead.
  const args =
    dirs.length === 1
      ? ['--bind', '-o', 'ro', dirs[0]!, target]
      : ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${dirs.join(':')}`, target];
  const result = spawnSync('mount', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mount ${args.join(' ')}: ${result.stderr.trim()}`);
  let mounted = true;
  const release = () => {
    if (mounted) unmount(target);
    mounted = false;
  };
  cleanup.defer(`mount ${target}`, release);
  return release;
}

/** Mounts a container's layers read-only at `target`, reads the tree, unmounts. */
export function readContainerTree(inspect: Json, target: string, cleanup: Cleanup): Tree {
  const release = mountReadOnly(layerDirs(inspect), target, cleanup);
  try {
    return readTree(target, CONTAINER_MANAGED);
  } finally {
    release();
  }
}
