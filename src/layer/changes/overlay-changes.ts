/**
 * `docker diff` from a container's upper dir: only what the container wrote is walked, and
 * each entry is compared with the parent's view of the same path (LowerView), so the cost
 * grows with the changes and not with the image. The result is what dockerd computes by
 * comparing the whole mounted trees (moby's ChangesDirs): `A` for a path the parent lacks,
 * `C` for one that differs (stat-compare.ts) or is a directory with a change below it
 * (listed before its children), `D` for a path the parent has and the container does not.
 * Siblings come in byte order of their names, parents before children.
 *
 * The same walk serves vfs, whose "upper" is the container's whole tree and whose parent is
 * one plain directory: every directory is then compared as replaced, not merged.
 *
 * The upper dir belongs to a container that may be running: it is walked through directory
 * descriptors opened with O_NOFOLLOW, so a directory swapped for a symlink meanwhile is
 * skipped, never followed out of the layer.
 */
import { closeSync, constants, lstatSync, openSync, readdirSync, type BigIntStats } from 'node:fs';
import { isOpaqueDir } from '../../archive/index.js';
import { CHANGE_ADD, CHANGE_DELETE, CHANGE_MODIFY, type LayerChange } from './layer-change.js';
import { isWhiteout, LowerView } from './lower-view.js';
import { capabilityDifferent, statDifferent } from './stat-compare.js';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

interface DirState {
  fd: number;
  path: string;
  /** overlayfs merges this directory with the parent's (not opaque, and a directory below too). */
  merged: boolean;
  /** The parent's view has a directory here (whose children may have been deleted). */
  parentHasDir: boolean;
  /** Already listed itself (as A or C), so a change below adds no `C` line for it. */
  listed: boolean;
}

/** `upper`: the container's diff dir; `lowers`: the parent's diff dirs, topmost first. */
export function overlayChanges(upper: string, lowers: readonly string[]): LayerChange[] {
  return collectChanges(upper, new LowerView(lowers), { mergeRoot: true });
}

/** vfs: the container's whole tree against its parent's whole tree. */
export function treeChanges(tree: string, parentTree: string | undefined): LayerChange[] {
  return collectChanges(tree, new LowerView(parentTree === undefined ? [] : [parentTree]), {
    mergeRoot: false,
  });
}

function collectChanges(top: string, lower: LowerView, options: { mergeRoot: boolean }): LayerChange[] {
  const changes: LayerChange[] = [];
  const fd = openSync(top, DIR_FLAGS);
  try {
    walk(lower, changes, {
      fd,
      path: '/',
      merged: options.mergeRoot && !isOpaqueDir(top),
      parentHasDir: true,
      listed: true, // the root is never listed
    });
  } finally {
    closeSync(fd);
  }
  return changes;
}

const at = (fd: number, name: string): string => `/proc/self/fd/${fd}/${name}`;
const childPath = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);

function lstatAt(fd: number, name: string): BigIntStats | undefined {
  try {
    return lstatSync(at(fd, name), { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // removed meanwhile
    throw err;
  }
}

function walk(lower: LowerView, changes: LayerChange[], dir: DirState): void {
  const start = changes.length;
  const own = new Set(readdirSync(`/proc/self/fd/${dir.fd}`));
  const names = new Set(own);
  // Below a replaced directory, whatever the parent had and the container lacks is deleted.
  if (!dir.merged && dir.parentHasDir) for (const name of lower.children(dir.path)) names.add(name);
  const sorted = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

  for (const name of sorted) {
    const path = childPath(dir.path, name);
    const stats = own.has(name) ? lstatAt(dir.fd, name) : undefined;
    if (stats === undefined || isWhiteout(stats)) {
      if (dir.parentHasDir && lower.lookup(path)) changes.push({ Path: path, Kind: CHANGE_DELETE });
      continue;
    }
    const before = dir.parentHasDir ? lower.lookup(path) : undefined;
    let listed = false;
    if (before === undefined) {
      changes.push({ Path: path, Kind: CHANGE_ADD });
      listed = true;
    } else if (statDifferent(before.stats, stats) || capabilityDifferent(before.hostPath, at(dir.fd, name))) {
      changes.push({ Path: path, Kind: CHANGE_MODIFY });
      listed = true;
    }
    if (stats.isDirectory()) walkChild(lower, changes, dir, name, path, before, listed);
  }

  if (changes.length > start && !dir.listed) {
    changes.splice(start, 0, { Path: dir.path, Kind: CHANGE_MODIFY });
  }
}

function walkChild(
  lower: LowerView,
  changes: LayerChange[],
  dir: DirState,
  name: string,
  path: string,
  before: { stats: BigIntStats } | undefined,
  listed: boolean,
): void {
  let fd: number;
  try {
    fd = openSync(at(dir.fd, name), DIR_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return; // swapped meanwhile
    throw err;
  }
  try {
    const parentHasDir = before?.stats.isDirectory() ?? false;
    walk(lower, changes, {
      fd,
      path,
      merged: dir.merged && parentHasDir && !isOpaqueDir(at(fd, '.')),
      parentHasDir,
      listed,
    });
  } finally {
    closeSync(fd);
  }
}
