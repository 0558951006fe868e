/**
 * A volume's directory on disk, made and unmade crash-safely: built whole under a `.tmp-…`
 * name and renamed into place, renamed away before it is deleted, and never deleted while
 * anything is mounted inside it (a bind-mounted host directory must survive). Names that
 * start with `.` are never volume names, so the working names cannot clash with a volume.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir, syncPath, writeSyncedFile } from '../durable/index.js';
import { SystemError, messageOf } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { isMountPoint, mountPointsUnder } from '../sys/index.js';
import { unmountLazily } from './local-mount.js';
import { DATA_DIR, RECORD_FILE, serializeVolumeRecord, type VolumeRecord } from './volume-record.js';

export const TEMP_PREFIX = '.tmp-';

function tempName(kind: string): string {
  return `${TEMP_PREFIX}${kind}-${randomBytes(8).toString('hex')}`;
}

/**
 * Builds `<root>/.tmp-create-…/{_data,volume.json}` (0701, 0755, 0600), makes it durable and
 * renames it to `<root>/<name>`. On failure nothing is left behind.
 */
export async function createVolumeDirectory(root: string, record: VolumeRecord): Promise<void> {
  const temp = join(root, tempName('create'));
  const target = join(root, record.Name);
  try {
    await mkdir(temp, { mode: 0o701 });
    await chmod(temp, 0o701); // whatever the umask
    const data = join(temp, DATA_DIR);
    await mkdir(data, { mode: 0o755 });
    await chmod(data, 0o755);
    await writeSyncedFile(join(temp, RECORD_FILE), serializeVolumeRecord(record), 0o600);
    await Promise.all([syncPath(data), syncPath(temp)]);
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw new SystemError(`error while creating volume root path '${target}': ${messageOf(err)}`, {
      cause: err,
    });
  }
  await syncDir(root);
}

/** Writes (or replaces) the record of an existing volume directory, atomically. */
export async function writeRecordInPlace(dir: string, record: VolumeRecord): Promise<void> {
  const temp = join(dir, `${TEMP_PREFIX}${RECORD_FILE}-${randomBytes(4).toString('hex')}`);
  await writeSyncedFile(temp, serializeVolumeRecord(record), 0o600);
  await rename(temp, join(dir, RECORD_FILE));
  await syncDir(dir);
}

/**
 * Removes `<root>/<name>`: unmounts `_data` if mounted, refuses if any other mount remains
 * inside, renames the directory away (durably) and deletes it. A directory already gone is
 * fine; a delete that fails after the rename is only logged (open removes it next time).
 */
export async function removeVolumeDirectory(root: string, dir: string, logger: Logger): Promise<void> {
  const data = join(dir, DATA_DIR);
  if (isMountPoint(data)) unmountLazily(data);
  const mounts = mountPointsUnder(dir);
  if (mounts.length > 0) {
    throw new SystemError(`unable to remove a volume with mounts inside it: ${mounts.join(', ')}`);
  }
  const doomed = join(root, tempName('remove'));
  try {
    await rename(dir, doomed);
  } catch (err) {
    // Deleted behind our back: the volume is gone all the same (dockerd purges it too).
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await syncDir(root);
  try {
    await rm(doomed, { recursive: true, force: true });
  } catch (err) {
    logger.warn('could not delete a removed volume directory', { path: doomed, error: messageOf(err) });
  }
}

/** Deletes a crash leftover (a half-created or half-removed volume) unless something stays mounted in it. */
export async function removeLeftover(path: string, logger: Logger): Promise<void> {
  for (const point of mountPointsUnder(path)) unmountLazily(point);
  if (mountPointsUnder(path).length > 0) {
    logger.error('not removing a leftover with mounts inside', { path });
    return;
  }
  await rm(path, { recursive: true, force: true });
  logger.info('removed a leftover from an interrupted volume operation', { path });
}
