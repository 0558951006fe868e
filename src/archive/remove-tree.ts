/**
 * Recursive removal by exact bytes, never following a link: used to replace a directory
 * entry and to empty the target root after a failed extraction. Node's rmSync works on
 * strings, which cannot name every byte sequence a layer may have created.
 */
import { lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';

const SLASH = Buffer.from('/');

/** Removes `path` (a file, link, device or directory tree); absent is fine. */
export function removeTree(path: Buffer): void {
  let isDir: boolean;
  try {
    isDir = lstatSync(path).isDirectory();
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return;
    throw err;
  }
  if (!isDir) {
    unlinkSync(path);
    return;
  }
  removeContents(path);
  rmdirSync(path);
}

/** Removes everything inside the directory `dir`, keeping `dir` itself. */
export function removeContents(dir: Buffer): void {
  for (const entry of readdirSync(dir, { encoding: 'buffer', withFileTypes: true })) {
    const child = Buffer.concat([dir, SLASH, entry.name]);
    if (entry.isDirectory()) {
      removeContents(child);
      rmdirSync(child);
    } else {
      unlinkSync(child);
    }
  }
}
