/**
 * The containers on disk: `<data-root>/containers/<id>/config.v2.json` (the record without
 * HostConfig) and `hostconfig.json` beside it, as Docker lays them out.
 *
 * - Every write is atomic (durable/atomicWriteFile), and writes of one container are queued,
 *   so an older state can never land after a newer one.
 * - create() builds the directory under a temporary name and renames it into place, so a
 *   crash leaves either no container or a complete one.
 * - remove() renames the directory to a temporary name first (durably), then deletes it:
 *   after a crash the container is gone, and loadAll() finishes the deletion.
 * - loadAll() never throws for one bad container: a directory whose record is missing or
 *   damaged is returned as a problem and not loaded, so one broken file cannot stop the daemon.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile, syncDir, writeSyncedFile } from '../../durable/index.js';
import type { ContainerRecord } from './container-record.js';
import { isFullContainerId } from './container-id.js';
import {
  CONFIG_FILE,
  HOST_CONFIG_FILE,
  decodeRecord,
  encodeConfig,
  encodeHostConfig,
} from './record-codec.js';

/** Docker's modes: the container directory 0710, its records 0600 (they can hold secrets in Env). */
const DIR_MODE = 0o710;
const FILE_MODE = 0o600;
/** Prefixes of lading's own temporary directories under containers/; never a container id. */
const CREATING_PREFIX = '.creating-';
const REMOVING_PREFIX = '.removing-';
/** durable's temp files: `.<name>.tmp-<pid>-<hex>`. */
const TEMP_FILE = /^\..+\.tmp-\d+-[0-9a-f]+$/;

export interface ContainerStoreProblem {
  /** The directory name (normally the container id). */
  id: string;
  path: string;
  reason: string;
}

export interface LoadedContainers {
  containers: ContainerRecord[];
  problems: ContainerStoreProblem[];
}

export class ContainerStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  /** `root` is `<data-root>/containers`. */
  constructor(readonly root: string) {}

  dir(id: string): string {
    return join(this.root, id);
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: DIR_MODE });
  }

  /** Writes a new container's directory with both records; fails if it exists. */
  async create(record: ContainerRecord): Promise<void> {
    await this.serialize(record.ID, async () => {
      const temp = join(this.root, `${CREATING_PREFIX}${record.ID}-${randomBytes(4).toString('hex')}`);
      await mkdir(temp, { mode: DIR_MODE });
      try {
        await writeSyncedFile(join(temp, HOST_CONFIG_FILE), encodeHostConfig(record), FILE_MODE);
        await writeSyncedFile(join(temp, CONFIG_FILE), encodeConfig(record), FILE_MODE);
        await syncDir(temp);
        // rename(2) would silently replace an empty directory of the same name; refuse instead.
        if (await exists(this.dir(record.ID)))
          throw new Error(`container ${record.ID} already exists on disk`);
        await rename(temp, this.dir(record.ID));
      } catch (err) {
        await rm(temp, { recursive: true, force: true });
        throw err;
      }
      await syncDir(this.root);
    });
  }

  /** Replaces both records of an existing container (config.v2.json last). */
  async save(record: ContainerRecord): Promise<void> {
    // Snapshot now: the caller may go on changing the record while the write waits its turn.
    const hostConfig = encodeHostConfig(record);
    const config = encodeConfig(record);
    await this.serialize(record.ID, async () => {
      await atomicWriteFile(join(this.dir(record.ID), HOST_CONFIG_FILE), hostConfig, { mode: FILE_MODE });
      await atomicWriteFile(join(this.dir(record.ID), CONFIG_FILE), config, { mode: FILE_MODE });
    });
  }

  /** Only config.v2.json: state changes (start, exit) leave HostConfig alone. */
  async saveState(record: ContainerRecord): Promise<void> {
    const config = encodeConfig(record);
    await this.serialize(record.ID, () =>
      atomicWriteFile(join(this.dir(record.ID), CONFIG_FILE), config, { mode: FILE_MODE }),
    );
  }

  /** Removes the container's directory and everything in it; absent is fine. */
  async remove(id: string): Promise<void> {
    await this.serialize(id, async () => {
      const doomed = join(this.root, `${REMOVING_PREFIX}${id}-${randomBytes(4).toString('hex')}`);
      try {
        await rename(this.dir(id), doomed);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      await syncDir(this.root);
      await rm(doomed, { recursive: true, force: true });
    });
  }

  /** Reads every container at daemon start; finishes interrupted creates and removals. */
  async loadAll(): Promise<LoadedContainers> {
    const result: LoadedContainers = { containers: [], problems: [] };
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result;
      throw err;
    }
    let removedLeftovers = false;
    for (const entry of entries) {
      const path = join(this.root, entry.name);
      if (entry.name.startsWith(CREATING_PREFIX) || entry.name.startsWith(REMOVING_PREFIX)) {
        await rm(path, { recursive: true, force: true });
        removedLeftovers = true;
        continue;
      }
      if (!entry.isDirectory()) continue;
      if (!isFullContainerId(entry.name)) {
        result.problems.push({ id: entry.name, path, reason: 'not a container id' });
        continue;
      }
      try {
        await removeTempFiles(path);
        const [configText, hostConfigText] = await Promise.all([
          readFile(join(path, CONFIG_FILE), 'utf8'),
          readFile(join(path, HOST_CONFIG_FILE), 'utf8'),
        ]);
        result.containers.push(decodeRecord(entry.name, configText, hostConfigText));
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const reason = e.code === 'ENOENT' && e.path ? `missing ${e.path.slice(path.length + 1)}` : e.message;
        result.problems.push({ id: entry.name, path, reason });
      }
    }
    if (removedLeftovers) await syncDir(this.root);
    return result;
  }

  private serialize<T>(id: string, section: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const result = previous.then(section, section);
    const tail = result.catch(() => undefined);
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return result;
  }
}

/** durable's temp files left by a crash mid-write; the real file beside them is intact. */
async function removeTempFiles(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (TEMP_FILE.test(name)) await rm(join(dir, name), { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
