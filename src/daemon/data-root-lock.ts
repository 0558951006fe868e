/**
 * One daemon per data root. Two ladingd processes sharing /var/lib/lading would corrupt
 * each other's layer store, so the first takes a lock and the second refuses to start.
 *
 * Node has no flock(2), so the lock is a pidfile created atomically: the record
 * "<pid> <start-time>\n" is written to a temp file, fsynced, then link(2)ed to the lock path;
 * link fails with EEXIST if the lock exists, so exactly one creator wins and a reader never
 * sees a half-written lock.
 *
 * A lock left by a daemon that died (crash, SIGKILL, reboot) is stale: its pid is gone, or
 * the pid now belongs to a process with another start time. A stale lock is moved aside with
 * rename(2) — only one contender's rename can take the file — and the contender checks that
 * what it moved is the stale record it inspected before trying link(2) again.
 */
import { link, mkdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '../errors/index.js';
import { syncDir, tempPathFor, writeSyncedFile } from '../durable/index.js';
import { processStartTime } from '../runtime/process-identity.js';

export const LOCK_FILE_NAME = 'lading.pid';

interface LockRecord {
  pid: number;
  startTime?: string;
}

function parseRecord(text: string): LockRecord | undefined {
  const [pidText, startTime] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return startTime !== undefined ? { pid, startTime } : { pid };
}

/** True if the process that wrote `record` is still running. */
async function isLive(record: LockRecord): Promise<boolean> {
  const startTime = await processStartTime(record.pid);
  if (startTime === undefined) return false;
  // A record without a start time (written by hand, or an older format) cannot be checked
  // for pid reuse; a live pid is then taken at its word.
  return record.startTime === undefined || record.startTime === startTime;
}

export class DataRootLock {
  private constructor(
    readonly path: string,
    private readonly content: string,
  ) {}

  /**
   * Takes the lock on `dataRoot` (creating the directory if needed) or throws ConflictError
   * `another ladingd (pid N) is using data root D`. `what` names the directory in that
   * message: the exec root is locked the same way, since two daemons sharing one would
   * share (and stop each other's) containerd.
   */
  static async acquire(dataRoot: string, what = 'data root', mode = 0o711): Promise<DataRootLock> {
    await mkdir(dataRoot, { recursive: true, mode });
    const path = join(dataRoot, LOCK_FILE_NAME);
    const startTime = await processStartTime(process.pid);
    const content = `${process.pid} ${startTime ?? ''}\n`;
    const temp = tempPathFor(path);
    await writeSyncedFile(temp, content, 0o644);
    try {
      // Bounded: each round either wins, fails on a live holder, or clears one stale lock.
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await link(temp, path);
          await syncDir(dataRoot);
          return new DataRootLock(path, content);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const existingText = await readFile(path, 'utf8').catch(() => undefined);
        if (existingText === undefined) continue; // released meanwhile; try again
        const existing = parseRecord(existingText);
        if (existing !== undefined && (await isLive(existing))) {
          throw new ConflictError(`another ladingd (pid ${existing.pid}) is using ${what} ${dataRoot}`);
        }
        await moveAsideIfUnchanged(path, existingText);
      }
      throw new ConflictError(
        `could not take the lock ${path}: it keeps changing; is another ladingd starting?`,
      );
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Removes the lock if it is still ours (it always should be; checking costs nothing). */
  async release(): Promise<void> {
    const current = await readFile(this.path, 'utf8').catch(() => undefined);
    if (current === this.content) await unlink(this.path).catch(() => undefined);
  }
}

/**
 * Removes a stale lock whose content was `staleText`. If, between reading and moving, another
 * contender replaced it with a live lock, that lock is put back (link fails if yet another
 * appeared, in which case that one stands).
 */
async function moveAsideIfUnchanged(path: string, staleText: string): Promise<void> {
  const aside = tempPathFor(`${path}.stale`);
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}
