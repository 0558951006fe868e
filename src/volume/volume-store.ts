/**
 * The local volume driver and its store under `<data-root>/volumes`, in Docker's layout:
 *
 *   volumes/<name>/            0701   the volume's root (not for the container's eyes)
 *   volumes/<name>/_data/      0755   what containers mount; a mount target with type/device/o
 *   volumes/<name>/volume.json 0600   the record (volume-record.ts)
 *
 * Create builds the whole directory under a temporary name and renames it into place;
 * remove renames it away before deleting. Names that start with `.` are never volume names,
 * so the `.tmp-…` working names cannot clash, and whatever a crash leaves under them is
 * removed at open. Nothing is ever deleted while something is mounted below it.
 *
 * References (containers using a volume) live in memory, as in dockerd: containers take
 * them again when the daemon loads them. Its methods satisfy container/'s ContainerVolumes.
 */
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Volume, VolumeListResponse, VolumesPruneResponse } from '../api/types/index.js';
import { ConflictError, NotFoundError, SystemError, messageOf } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { directorySize } from './directory-size.js';
import {
  TEMP_PREFIX,
  createVolumeDirectory,
  removeLeftover,
  removeVolumeDirectory,
  writeRecordInPlace,
} from './volume-directory.js';
import { isMountPoint } from '../sys/index.js';
import { mountWithOptions, unmountLazily } from './local-mount.js';
import { needsMount, validateLocalOptions } from './local-options.js';
import { NameLock } from './name-lock.js';
import { formatRfc3339Local } from './rfc3339.js';
import { listPredicate, prunePredicate, type FilterSubject, type VolumeFilters } from './volume-filters.js';
import {
  ANONYMOUS_LABEL,
  goQuote,
  isValidVolumeName,
  randomVolumeName,
  validateVolumeName,
} from './volume-names.js';
import { DATA_DIR, RECORD_FILE, readVolumeRecord, type VolumeRecord } from './volume-record.js';

export const LOCAL_DRIVER = 'local';

/** A volume event for `docker events` (type "volume"); the daemon publishes it. */
export interface VolumeEvent {
  action: 'create' | 'destroy' | 'mount' | 'unmount' | 'prune';
  /** The volume's name; empty for prune. */
  name: string;
  attributes: Record<string, string>;
}

export interface VolumeStoreOptions {
  /** `<data-root>/volumes`. */
  root: string;
  logger: Logger;
  onEvent?: (event: VolumeEvent) => void;
}

/** A volume as a container sees it (container/'s ContainerVolume). */
export interface VolumeHandle {
  name: string;
  driver: string;
  mountpoint: string;
}

export interface VolumeCreateOptions {
  name?: string;
  driver?: string;
  labels?: Record<string, string> | null;
  options?: Record<string, string> | null;
}

/** Where a container mounts the volume, for the `mount` event's attributes. */
export interface VolumeMountDetails {
  destination: string;
  readWrite: boolean;
  propagation?: string;
}

interface LocalVolume {
  record: VolumeRecord;
  /** `volumes/<name>`. */
  dir: string;
  /** `volumes/<name>/_data`. */
  mountpoint: string;
  /** Container ids that use the volume. */
  references: Set<string>;
  /** Mounts taken by containers (options volumes only). */
  activeMounts: number;
  /** `_data` has the volume's own mount on it. */
  mounted: boolean;
  /** Set (synchronously with the in-use check) once remove has decided to go ahead. */
  removing: boolean;
}

function copyMap(map: Record<string, string> | null | undefined): Record<string, string> | null {
  return map === null || map === undefined ? null : { ...map };
}

function noSuchVolume(name: string): NotFoundError {
  return new NotFoundError(`get ${name}: no such volume`);
}

/** Prefixes a store error with dockerd's `<op> <name>: `, keeping its kind. */
function withOp<E extends Error>(err: E, op: string, name: string): E {
  err.message = `${op} ${name}: ${err.message}`;
  return err;
}

export class VolumeStore {
  private readonly volumes = new Map<string, LocalVolume>();
  private readonly locks = new NameLock();
  private readonly root: string;
  private readonly logger: Logger;
  private pruning = false;

  private constructor(private readonly options: VolumeStoreOptions) {
    this.root = resolve(options.root);
    this.logger = options.logger;
  }

  /** Creates `root` if needed, removes crash leftovers and loads every volume record. */
  static async open(options: VolumeStoreOptions): Promise<VolumeStore> {
    const store = new VolumeStore(options);
    await store.load();
    return store;
  }

  private async load(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o701 });
    await chmod(this.root, 0o701);
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      const path = join(this.root, entry.name);
      if (entry.name.startsWith(TEMP_PREFIX)) {
        await removeLeftover(path, this.logger);
        continue;
      }
      if (!entry.isDirectory()) continue;
      if (!isValidVolumeName(entry.name)) {
        this.logger.warn('ignoring a directory that is not a volume name', { path });
        continue;
      }
      try {
        const volume = await this.loadVolume(entry.name);
        if (volume) this.volumes.set(volume.record.Name, volume);
      } catch (err) {
        this.logger.error('cannot load volume; leaving it alone', {
          volume: entry.name,
          error: messageOf(err),
        });
      }
    }
    this.logger.debug('volumes loaded', { volumes: this.volumes.size });
  }

  private async loadVolume(name: string): Promise<LocalVolume | undefined> {
    const dir = join(this.root, name);
    let record = await readVolumeRecord(join(dir, RECORD_FILE));
    if (record === undefined) {
      // A volume directory from before lading kept records (or copied from dockerd): adopt
      // it when it has the driver's `_data`, as dockerd's local driver would.
      const data = await lstat(join(dir, DATA_DIR)).catch(() => undefined);
      if (!data?.isDirectory()) {
        this.logger.debug('skipping a directory that is not a volume', { path: dir });
        return undefined;
      }
      record = {
        Name: name,
        Driver: 'local',
        CreatedAt: data.ctime.toISOString(),
        Labels: null,
        Options: null,
      };
      await writeRecordInPlace(dir, record);
      this.logger.info('adopted a volume directory without a record', { volume: name });
    }
    if (record.Name !== name) throw new SystemError(`record names volume ${goQuote(record.Name)}`);
    const volume = this.newVolume(record);
    // Mounted by an earlier run (live restore keeps it for running containers): known as
    // mounted with no users; containers that still use it take their counts again.
    volume.mounted = needsMount(record.Options) && isMountPoint(volume.mountpoint);
    return volume;
  }

  private newVolume(record: VolumeRecord): LocalVolume {
    const dir = join(this.root, record.Name);
    return {
      record,
      dir,
      mountpoint: join(dir, DATA_DIR),
      references: new Set(),
      activeMounts: 0,
      mounted: false,
      removing: false,
    };
  }

  private publish(event: VolumeEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (err) {
      this.logger.warn('volume event listener failed', { error: messageOf(err) });
    }
  }

  private handle(volume: LocalVolume): VolumeHandle {
    return { name: volume.record.Name, driver: volume.record.Driver, mountpoint: volume.mountpoint };
  }

  private find(name: string): LocalVolume | undefined {
    const volume = this.volumes.get(name);
    return volume && !volume.removing ? volume : undefined;
  }

  private require(name: string): LocalVolume {
    const volume = this.find(name);
    if (!volume) throw noSuchVolume(name);
    return volume;
  }

  /**
   * Creates a volume, or returns the one of that name (dockerd ignores the new labels and
   * options then). No name: a random 64-hex one and the anonymous label, as dockerd does for
   * containers' volumes and for `docker volume create` alike.
   */
  async create(request: VolumeCreateOptions = {}): Promise<VolumeHandle> {
    let name = request.name ?? '';
    let labels = copyMap(request.labels);
    if (name === '') {
      name = randomVolumeName();
      labels = { ...labels, [ANONYMOUS_LABEL]: '' };
    }
    const driver = request.driver === undefined || request.driver === '' ? LOCAL_DRIVER : request.driver;
    if (driver !== LOCAL_DRIVER) {
      throw withOp(
        new NotFoundError(`error looking up volume plugin ${driver}: plugin ${goQuote(driver)} not found`),
        'create',
        name,
      );
    }
    // Validated before the lock: the name is a path component from here on.
    try {
      validateVolumeName(name);
    } catch (err) {
      throw withOp(err as Error, 'create', name);
    }
    return this.locks.run(name, async () => {
      const existing = this.find(name);
      if (existing) return this.handle(existing);
      try {
        validateLocalOptions(request.options ?? undefined);
      } catch (err) {
        throw withOp(err as Error, 'create', name);
      }
      const options = copyMap(request.options);
      const record: VolumeRecord = {
        Name: name,
        Driver: 'local',
        CreatedAt: new Date().toISOString(),
        Labels: labels,
        Options: options !== null && Object.keys(options).length === 0 ? null : options,
      };
      try {
        await createVolumeDirectory(this.root, record);
      } catch (err) {
        throw withOp(err as Error, 'create', name);
      }
      const volume = this.newVolume(record);
      this.volumes.set(name, volume);
      this.publish({ action: 'create', name, attributes: { driver: LOCAL_DRIVER } });
      return this.handle(volume);
    });
  }

  /** NotFoundError `get <name>: no such volume`. */
  get(name: string): VolumeHandle {
    return this.handle(this.require(name));
  }

  /** The volume as GET /volumes/{name} shows it. */
  inspect(name: string): Volume {
    return this.toApi(this.require(name));
  }

  private toApi(volume: LocalVolume): Volume {
    const { record } = volume;
    return {
      CreatedAt: formatRfc3339Local(new Date(record.CreatedAt)),
      Driver: record.Driver,
      Labels: copyMap(record.Labels),
      Mountpoint: volume.mountpoint,
      Name: record.Name,
      Options: copyMap(record.Options),
      Scope: 'local',
    };
  }

  private subject(volume: LocalVolume): FilterSubject {
    return {
      name: volume.record.Name,
      driver: volume.record.Driver,
      labels: volume.record.Labels,
      referenced: volume.references.size > 0,
    };
  }

  private all(): LocalVolume[] {
    return [...this.volumes.values()]
      .filter((v) => !v.removing)
      .sort((a, b) => (a.record.Name < b.record.Name ? -1 : a.record.Name > b.record.Name ? 1 : 0));
  }

  /** GET /volumes: InvalidArgumentError for a filter dockerd refuses. */
  list(filters: VolumeFilters = new Map()): VolumeListResponse {
    const matches = listPredicate(filters);
    return {
      Volumes: this.all()
        .filter((v) => matches(this.subject(v)))
        .map((v) => this.toApi(v)),
      Warnings: null,
    };
  }

  /** Names of the volumes, for callers that only need to know what exists. */
  names(): string[] {
    return this.all().map((v) => v.record.Name);
  }

  /** Records that a container uses the volume (NotFoundError when it is gone). */
  reference(name: string, containerId: string): void {
    this.require(name).references.add(containerId);
  }

  release(name: string, containerId: string): void {
    this.volumes.get(name)?.references.delete(containerId);
  }

  /** Container ids that reference the volume (empty when none or unknown). */
  referencesOf(name: string): string[] {
    return [...(this.volumes.get(name)?.references ?? [])];
  }

  /**
   * Mounts the volume's own filesystem on `_data` when its options ask for one (first user
   * mounts, later ones count) and returns the path a container binds. `details` (a container
   * starting) makes it a `mount` event.
   */
  async mount(name: string, containerId: string, details?: VolumeMountDetails): Promise<string> {
    const path = await this.locks.run(name, async () => {
      const volume = this.require(name);
      const options = volume.record.Options;
      if (needsMount(options) && options) {
        if (!volume.mounted) {
          this.logger.debug('mounting volume', { volume: name });
          const device = options.device ?? '';
          if (device === '') throw new SystemError('missing device in volume options');
          try {
            mountWithOptions(device, volume.mountpoint, options.type ?? '', options.o ?? '');
          } catch (err) {
            throw new SystemError(`failed to mount local volume: ${messageOf(err)}`, { cause: err });
          }
          volume.mounted = true;
        }
        volume.activeMounts++;
      }
      return volume.mountpoint;
    });
    // dockerd logs `mount` when a container starts with the volume (where the details come
    // from); mounts for docker cp are silent. Every unmount is logged.
    if (details) {
      this.publish({
        action: 'mount',
        name,
        attributes: {
          driver: LOCAL_DRIVER,
          container: containerId,
          destination: details.destination,
          'read/write': String(details.readWrite),
          propagation: details.propagation ?? '',
        },
      });
    }
    return path;
  }

  /**
   * Live restore: a running container kept using the volume while ladingd was away, so its
   * mount is counted again without mounting anything.
   */
  restoreMount(name: string): void {
    const volume = this.require(name);
    if (!needsMount(volume.record.Options)) return;
    volume.activeMounts++;
    volume.mounted = true;
  }

  /**
   * Drops one container mount; the last one unmounts the volume's filesystem. An `unmount`
   * event follows (dockerd logs one when a container stops and after docker cp) unless
   * `quiet` (a look inside at create, such as the copy-in of image content).
   */
  async unmount(name: string, containerId: string, options: { quiet?: boolean } = {}): Promise<void> {
    await this.locks.run(name, async () => {
      const volume = this.volumes.get(name);
      if (!volume) return;
      if (needsMount(volume.record.Options)) {
        if (volume.activeMounts === 0) {
          this.logger.error('volume unmounted more often than mounted', {
            volume: name,
            container: containerId,
          });
          return;
        }
        volume.activeMounts--;
      }
      if (volume.activeMounts > 0 || !volume.mounted) return;
      this.logger.debug('unmounting volume', { volume: name });
      unmountLazily(volume.mountpoint);
      volume.mounted = false;
    });
    if (!options.quiet) {
      this.publish({ action: 'unmount', name, attributes: { driver: LOCAL_DRIVER, container: containerId } });
    }
  }

  /**
   * Removes the volume and its data. ConflictError `remove <name>: volume is in use - [<ids>]`
   * while containers reference it; NotFoundError `get <name>: no such volume` when absent,
   * unless `force`.
   */
  async remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    await this.locks.run(name, async () => {
      const volume = this.find(name);
      if (!volume) {
        if (options.force) return;
        throw noSuchVolume(name);
      }
      if (volume.references.size > 0) {
        throw new ConflictError(`remove ${name}: volume is in use - [${[...volume.references].join(', ')}]`);
      }
      volume.removing = true;
      try {
        await removeVolumeDirectory(this.root, volume.dir, this.logger);
        volume.mounted = false;
      } catch (err) {
        volume.removing = false;
        volume.mounted = needsMount(volume.record.Options) && isMountPoint(volume.mountpoint);
        throw withOp(
          err instanceof SystemError ? err : new SystemError(messageOf(err), { cause: err }),
          'remove',
          name,
        );
      }
      this.volumes.delete(name);
    });
    this.publish({ action: 'destroy', name, attributes: { driver: LOCAL_DRIVER } });
  }

  /**
   * POST /volumes/prune: removes the unreferenced local volumes the filters select (see
   * prunePredicate), never one with mount options, and reports what it freed.
   */
  async prune(filters: VolumeFilters = new Map()): Promise<VolumesPruneResponse> {
    if (this.pruning) throw new ConflictError('a prune operation is already running');
    this.pruning = true;
    try {
      const selected = prunePredicate(filters);
      const report: VolumesPruneResponse = { VolumesDeleted: [], SpaceReclaimed: 0 };
      for (const volume of this.all()) {
        if (volume.record.Options !== null || !selected(this.subject(volume))) continue;
        const name = volume.record.Name;
        let size = 0;
        try {
          size = await directorySize(volume.mountpoint);
        } catch (err) {
          this.logger.warn('could not determine size of volume', { volume: name, error: messageOf(err) });
        }
        try {
          await this.remove(name);
        } catch (err) {
          this.logger.warn('could not remove volume', { volume: name, error: messageOf(err) });
          continue;
        }
        report.SpaceReclaimed += size;
        report.VolumesDeleted.push(name);
      }
      this.publish({ action: 'prune', name: '', attributes: { reclaimed: String(report.SpaceReclaimed) } });
      return report;
    } finally {
      this.pruning = false;
    }
  }

  /**
   * The Volumes of GET /system/df: local volumes without mount options (their data is not
   * really here), each with its size (-1 when unreadable) and reference count.
   */
  async usage(): Promise<Volume[]> {
    const out: Volume[] = [];
    for (const volume of this.all()) {
      if (volume.record.Options !== null) continue;
      let size = -1;
      try {
        size = await directorySize(volume.mountpoint);
      } catch (err) {
        this.logger.warn('failed to determine size of volume', {
          volume: volume.record.Name,
          error: messageOf(err),
        });
      }
      out.push({ ...this.toApi(volume), UsageData: { Size: size, RefCount: volume.references.size } });
    }
    return out;
  }

  /** Waits for operations in flight. Mounts stay: live restore keeps containers (and their volumes) running. */
  async close(): Promise<void> {
    await this.locks.idle();
  }
}
