/**
 * The daemon's identity (Info.ID): made once per data root and kept, so a client sees the
 * same daemon across restarts. Stored as <data-root>/engine-id, written atomically.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '../durable/index.js';

export const DAEMON_ID_FILE = 'engine-id';

export async function loadOrCreateDaemonId(dataRoot: string): Promise<string> {
  const path = join(dataRoot, DAEMON_ID_FILE);
  const existing = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (existing !== '') return existing;
  // The data-root lock is held, so no other daemon races this create.
  const id = randomUUID();
  await atomicWriteFile(path, `${id}\n`, { mode: 0o600 });
  return id;
}
