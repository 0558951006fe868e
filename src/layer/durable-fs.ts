/**
 * The few file operations the layer store needs to be crash-safe: fsync a file and its
 * directory, write a whole directory of small files under a temporary name and rename it
 * into place (the rename is the commit point), and remove a directory by first renaming it
 * out of the way so a half-removed one never sits under its real name.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syncPath } from '../durable/index.js';

/** 64 hex digits, the shape of Docker's cache and mount ids. */
export function randomId(): string {
  return randomBytes(32).toString('hex');
}

export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeNewFile(path: string, content: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    const bytes = Buffer.from(content);
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
  } finally {
    closeSync(fd);
  }
}

/** A file already written elsewhere on the same filesystem, renamed into the set (and fsynced with it). */
export interface MovedFile {
  moveFrom: string;
}

/**
 * Writes `files` into `tmpDir/write-set-<random>` (text written, MovedFiles renamed in),
 * fsyncs every file, the set and whatever `alsoDurable` stands for (another fsync the record
 * depends on) together, renames the set to `target` and fsyncs target's directory. Either
 * the whole record exists or none.
 *
 * The fsyncs of one set run side by side: they are the cost of registering a layer (one
 * journal commit each when done one after another, 5 or 6 per layer), and concurrent ones
 * share a commit.
 */
export async function writeDirectoryAtomically(
  tmpDir: string,
  target: string,
  files: Record<string, string | MovedFile>,
  alsoDurable: Promise<void> = Promise.resolve(),
): Promise<void> {
  alsoDurable.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  const set = join(tmpDir, `write-set-${randomBytes(8).toString('hex')}`);
  mkdirSync(set, { mode: 0o700 });
  try {
    const paths: string[] = [];
    for (const [name, content] of Object.entries(files)) {
      const path = join(set, name);
      if (typeof content === 'string') writeNewFile(path, content);
      else renameSync(content.moveFrom, path);
      paths.push(path);
    }
    await Promise.all([...[...paths, set].map(syncPath), alsoDurable]);
    renameSync(set, target); // fails if target exists and is not empty: never overwrite a record
    await syncPath(join(target, '..'));
  } catch (err) {
    rmSync(set, { recursive: true, force: true });
    throw err;
  }
}

/** Renames `dir` into `tmpDir` (durably), then deletes it. Absent is fine. */
export function removeDirectoryAtomically(tmpDir: string, dir: string): void {
  const doomed = join(tmpDir, `remove-${randomBytes(8).toString('hex')}`);
  try {
    renameSync(dir, doomed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  fsyncPath(join(dir, '..'));
  rmSync(doomed, { recursive: true, force: true });
}

/** A small text file's content, trimmed; undefined when it does not exist. */
export async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function readTextSyncOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
