/**
 * Applies a diff dir in overlay form (whiteouts as char 0/0 devices, opaque directories
 * marked trusted.overlay.opaque=y) onto a plain tree, giving the same result overlayfs would
 * show when mounting the diff over that tree: whiteouts delete, opaque directories hide what
 * was below, directories merge, everything else replaces.
 */
import { lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { isOpaqueDir, isOverlayWhiteout } from '../../archive/index.js';
import {
  child,
  copyEntry,
  copyMetadata,
  copyTimes,
  emptyDir,
  lstatOrUndefined,
  removePath,
  type LinkMap,
} from './copy-tree.js';

export function applyDiff(diffDir: Buffer, target: Buffer, links: LinkMap = new Map()): void {
  const st = lstatSync(diffDir);
  if (isOpaqueDir(diffDir)) emptyDir(target);
  for (const name of readdirSync(diffDir, { encoding: 'buffer' })) {
    const src = child(diffDir, name);
    const dst = child(target, name);
    const sst = lstatSync(src);
    if (isOverlayWhiteout(sst)) {
      removePath(dst);
      continue;
    }
    if (sst.isDirectory()) {
      const existing = lstatOrUndefined(dst);
      if (existing === undefined || !existing.isDirectory()) {
        removePath(dst);
        mkdirSync(dst, { mode: 0o700 });
      }
      applyDiff(src, dst, links);
      continue;
    }
    removePath(dst);
    copyEntry(src, dst, sst, links);
  }
  copyMetadata(diffDir, target, st);
  copyTimes(target, st);
}
