/**
 * Whiteouts in their two forms, and the conversion between them.
 *
 * Tar form (what layers carry, from AUFS): a deleted `d/x` is an empty entry `d/.wh.x`; a
 * directory whose lower contents are hidden has an entry `d/.wh..wh..opq`. Other names under
 * the `.wh..wh.` prefix are AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`) and are ignored.
 *
 * Overlay form (what overlayfs reads in a layer's diff dir): a deleted `d/x` is a character
 * device 0/0 at `d/x`; an opaque directory has the xattr `trusted.overlay.opaque=y`.
 *
 * The two convert losslessly both ways: applyLayer turns the tar form into the overlay form,
 * and `overlayMarkers` walks a diff dir and names the tar entries that stand for it (for
 * diff, commit and save).
 */
import { lchownSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors/index.js';
import { lgetxattrOrUndefined, lsetxattr, mknod, S_IFCHR, type SysPath } from '../sys/index.js';

export const WHITEOUT_PREFIX = '.wh.';
/** AUFS's prefix for its own metadata entries. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const WHITEOUT_OPAQUE_DIR = '.wh..wh..opq';
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';

export type WhiteoutName =
  | { kind: 'none' }
  /** `.wh..wh..opq`: the directory holding it is opaque. */
  | { kind: 'opaque' }
  /** `.wh.<name>`: `<name>` in the same directory is deleted. */
  | { kind: 'whiteout'; name: string }
  /** Other `.wh..wh.*` AUFS metadata: carries nothing for overlay. */
  | { kind: 'meta' };

/**
 * Classifies one path component of a tar entry. Throws for whiteouts that name nothing a
 * directory can hold (`.wh.`, `.wh..`, `.wh...`): they are malformed or hostile.
 */
export function parseWhiteoutName(base: string): WhiteoutName {
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'none' };
  if (base === WHITEOUT_OPAQUE_DIR) return { kind: 'opaque' };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'meta' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw new InvalidArgumentError(`malformed whiteout ${JSON.stringify(base)}: it names no file`);
  }
  return { kind: 'whiteout', name };
}

/** The tar entry name component that deletes `name`. */
export function whiteoutNameFor(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw new InvalidArgumentError(`cannot write a whiteout for ${JSON.stringify(name)}`);
  }
  return WHITEOUT_PREFIX + name;
}

/** True for overlayfs's deletion marker: a character device with device number 0/0. */
export function isOverlayWhiteout(stats: Stats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0;
}

/** True when a directory carries `trusted.overlay.opaque=y`. */
export function isOpaqueDir(path: SysPath): boolean {
  return lgetxattrOrUndefined(path, OVERLAY_OPAQUE_XATTR)?.toString('latin1') === 'y';
}

/**
 * Writes the overlay form of a deletion at `path` (which must not exist). Owner as Docker
 * does: the uid/gid of the `.wh.` entry, which overlay itself ignores but `diff` shows.
 */
export function writeOverlayWhiteout(path: SysPath, uid: number, gid: number): void {
  mknod(path, S_IFCHR, 0, 0);
  lchownSync(path, uid, gid);
}

/** Marks a directory opaque for overlayfs. */
export function markOpaque(dir: SysPath): void {
  lsetxattr(dir, OVERLAY_OPAQUE_XATTR, 'y');
}

export interface OverlayMarker {
  kind: 'whiteout' | 'opaque';
  /** The path in the diff dir, relative, '/'-separated: the device, or the opaque dir. */
  path: string;
  /** The tar entry name that stands for it: `d/.wh.x` or `d/.wh..wh..opq`. */
  tarName: string;
}

/**
 * Every whiteout device and opaque directory under `upperDir`, as tar names, in a stable
 * (sorted, parents first) order. Walks with lstat and never follows a link.
 */
export function* overlayMarkers(upperDir: string): Generator<OverlayMarker> {
  if (isOpaqueDir(upperDir)) yield { kind: 'opaque', path: '', tarName: WHITEOUT_OPAQUE_DIR };
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.shift() ?? '';
    const names = readdirSync(join(upperDir, rel)).sort();
    for (const name of names) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const stats = lstatSync(join(upperDir, childRel));
      if (isOverlayWhiteout(stats)) {
        const tarName = rel === '' ? whiteoutNameFor(name) : `${rel}/${whiteoutNameFor(name)}`;
        yield { kind: 'whiteout', path: childRel, tarName };
      } else if (stats.isDirectory()) {
        if (isOpaqueDir(join(upperDir, childRel))) {
          yield { kind: 'opaque', path: childRel, tarName: `${childRel}/${WHITEOUT_OPAQUE_DIR}` };
        }
        pending.push(childRel);
      }
    }
  }
}
