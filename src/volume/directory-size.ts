/**
 * Bytes used by the files under a directory, counted as dockerd does for volumes: regular
 * files and symlinks by their size, directories not at all, a hard-linked inode once.
 * Symlinks are never followed, and entries that vanish while walking are skipped.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

function vanished(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export async function directorySize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (err) {
      if (vanished(err)) continue;
      throw err;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        pending.push(path);
        continue;
      }
      let stats;
      try {
        stats = await lstat(path, { bigint: true });
      } catch (err) {
        if (vanished(err)) continue;
        throw err;
      }
      if (stats.size === 0n) continue;
      const inode = `${stats.dev}:${stats.ino}`;
      if (seen.has(inode)) continue;
      seen.add(inode);
      total += Number(stats.size);
    }
  }
  return total;
}
