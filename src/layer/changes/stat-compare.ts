/**
 * When docker diff calls an entry changed: dockerd compares the container's view with its
 * parent's by lstat, and reports a difference in type or permissions, owner, device number,
 * and (for non-directories only) size or mtime, or a different `security.capability`
 * xattr. Directory times and sizes change whenever a child does, so they are not compared:
 * a directory shows as changed only when it differs itself or something below it changed.
 */
import type { BigIntStats } from 'node:fs';
import { lgetxattrOrUndefined } from '../../sys/index.js';

const CAPABILITY_XATTR = 'security.capability';
const NS_PER_SECOND = 1_000_000_000n;

/**
 * Go's sameFsTime: equal, or within the same second when either side has no nanoseconds
 * (a time restored from a tar header, which keeps whole seconds).
 */
function sameFsTime(a: bigint, b: bigint): boolean {
  if (a === b) return true;
  return a / NS_PER_SECOND === b / NS_PER_SECOND && (a % NS_PER_SECOND === 0n || b % NS_PER_SECOND === 0n);
}

export function statDifferent(old: BigIntStats, now: BigIntStats): boolean {
  if (old.mode !== now.mode || old.uid !== now.uid || old.gid !== now.gid || old.rdev !== now.rdev)
    return true;
  if (now.isDirectory()) return false;
  return !sameFsTime(old.mtimeNs, now.mtimeNs) || old.size !== now.size;
}

function capability(path: string): Buffer | undefined {
  try {
    return lgetxattrOrUndefined(path, CAPABILITY_XATTR);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOTSUP') return undefined; // no xattrs on this filesystem
    throw err;
  }
}

export function capabilityDifferent(oldPath: string, newPath: string): boolean {
  const a = capability(oldPath);
  const b = capability(newPath);
  if (a === undefined || b === undefined) return a !== b;
  return !a.equals(b);
}
