/**
 * The parent's view of a container's filesystem (its `-init` layer over the image layers),
 * answered straight from the layers' diff dirs as overlayfs would merge them, without
 * mounting anything: a path is found in the topmost layer that has it, unless a layer above
 * deletes it (a 0/0 whiteout), hides everything below (an opaque directory), or has a
 * non-directory where an ancestor should be. Layers are read-only, so plain paths are safe
 * here; what the cost grows with is the number of paths asked about, not the image's size.
 */
import { lstatSync, readdirSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { isOpaqueDir } from '../../archive/index.js';

export interface LowerEntry {
  stats: BigIntStats;
  /** Where it lives on the host (to read its xattrs). */
  hostPath: string;
}

function lstatOrUndefined(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

export function isWhiteout(stats: BigIntStats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0n;
}

/** "/a/b/c" → ["/a", "/a/b"]. */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push('/' + parts.slice(0, i).join('/'));
  return out;
}

export class LowerView {
  /** Per layer and ancestor directory: is it absent, does it hide what is below, or let it through. */
  private readonly ancestorStates = new Map<string, 'absent' | 'hides' | 'passes'>();

  /** `layers`: diff dirs, topmost first. */
  constructor(private readonly layers: readonly string[]) {}

  lookup(path: string): LowerEntry | undefined {
    for (let i = 0; i < this.layers.length; i++) {
      const hostPath = join(this.layers[i]!, path);
      const stats = lstatOrUndefined(hostPath);
      if (stats) return isWhiteout(stats) ? undefined : { stats, hostPath };
      if (this.hidesBelow(i, path)) return undefined;
    }
    return undefined;
  }

  /** The names in directory `path` of the merged view. */
  children(path: string): string[] {
    const names = new Set<string>();
    const deleted = new Set<string>();
    for (let i = 0; i < this.layers.length; i++) {
      const dir = join(this.layers[i]!, path);
      const stats = lstatOrUndefined(dir);
      if (stats) {
        if (!stats.isDirectory()) break;
        for (const name of readdirSync(dir)) {
          if (names.has(name) || deleted.has(name)) continue;
          const child = lstatOrUndefined(join(dir, name));
          if (child && isWhiteout(child)) deleted.add(name);
          else names.add(name);
        }
        if (isOpaqueDir(dir)) break;
      }
      if (this.hidesBelow(i, path)) break;
    }
    return [...names];
  }

  /** True when layer `i` keeps the layers below it from contributing to `path`. */
  private hidesBelow(i: number, path: string): boolean {
    for (const dir of ancestors(path)) {
      const key = `${i}\0${dir}`;
      let state = this.ancestorStates.get(key);
      if (state === undefined) {
        const host = join(this.layers[i]!, dir);
        const stats = lstatOrUndefined(host);
        state =
          stats === undefined ? 'absent' : !stats.isDirectory() || isOpaqueDir(host) ? 'hides' : 'passes';
        this.ancestorStates.set(key, state);
      }
      // An absent ancestor: nothing deeper exists in this layer either.
      if (state === 'absent') return false;
      if (state === 'hides') return true;
    }
    return false;
  }
}
