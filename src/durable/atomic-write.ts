/**
 * Crash-safe file replacement: a reader sees the old content or the new content, never a
 * half-written file. The sequence is write a temp file in the same directory (so rename stays
 * within one filesystem) → fsync it → rename over the target → fsync the directory (so the
 * rename itself survives a power cut). A leaf module so that every store (daemon, image…)
 * uses this one sequence rather than a copy of it.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits of the new file (default 0644). */
  mode?: number;
}

/** A temp name next to `target`, unique per call, recognisable if a crash leaves it behind. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes and fsyncs a new file at `path`, which must not exist (flag 'wx'). */
export async function writeSyncedFile(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a file or a directory, on the thread pool (several can share one journal commit). */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory so that entries created, renamed or removed in it are durable. */
export function syncDir(dir: string): Promise<void> {
  return syncPath(dir);
}

export async function atomicWriteFile(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeSyncedFile(temp, data, options.mode ?? 0o644);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDir(dirname(path));
}

/** Removes a file and makes the removal durable; absent is fine. */
export async function removeFileDurably(path: string): Promise<void> {
  await rm(path, { force: true });
  await syncDir(dirname(path));
}
