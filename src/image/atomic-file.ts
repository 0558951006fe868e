/**
 * Crash-safe replacement of the store's small files (configs, repositories.json, metadata):
 * temp file in the same directory → fsync → rename → fsync the directory. A reader sees the
 * old content or the new, never half of one. (daemon/atomic-write.ts does the same for the
 * daemon; image may not import daemon, and layer's durable-fs is synchronous, so the image
 * store keeps this small copy. Moving one of them to a shared leaf would remove the twin.)
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function atomicWriteFile(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
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
