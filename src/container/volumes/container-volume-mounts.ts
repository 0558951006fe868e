/**
 * A container's volumes over its life, after create: referenced again when ladingd loads the
 * record, mounted for each start and unmounted after the exit, released by rm — and with
 * `rm -v` (or --rm) its anonymous volumes removed, named ones kept, as dockerd's
 * removeMountPoints. A volume still used by another container stays (Docker ignores that
 * conflict); any other failure to remove one is logged, never fatal to the rm.
 */
import { mkdirSync } from 'node:fs';
import { ConflictError } from '../../errors/index.js';
import type { BindMountInput } from '../../runtime/spec/index.js';
import type { ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';
import { isAnonymousVolume, type MountPointRecord } from './mount-point.js';
import { tmpfsData } from './tmpfs-data.js';

function volumeMounts(record: ContainerRecord): MountPointRecord[] {
  return Object.values(record.MountPoints ?? {}).filter((m) => m.Type === 'volume' && m.Name !== '');
}

/** A `--tmpfs` on the same destination wins over a mount point: start mounts nothing there. */
function shadowedByTmpfs(record: ContainerRecord, m: MountPointRecord): boolean {
  return Object.prototype.hasOwnProperty.call(record.HostConfig.Tmpfs ?? {}, m.Destination);
}

/** The volumes a start mounts through the store, and so the ones its exit unmounts. */
function startedVolumeMounts(record: ContainerRecord): MountPointRecord[] {
  return volumeMounts(record).filter((m) => !shadowedByTmpfs(record, m));
}

/** At daemon start: a loaded container holds its volumes again. */
export function referenceVolumes(ctx: ManagerContext, record: ContainerRecord): void {
  for (const m of volumeMounts(record)) {
    try {
      ctx.options.volumes.reference(m.Name, record.ID);
    } catch (err) {
      ctx.options.logger.warn('a volume of a container is missing', {
        container: record.ID,
        volume: m.Name,
        error: String(err),
      });
    }
  }
}

export interface StartMounts {
  binds: BindMountInput[];
  /** --mount type=tmpfs: destination → --tmpfs style options. */
  tmpfs: Record<string, string>;
}

/**
 * Mounts the container's volumes (the store mounts those whose options say how) and creates
 * a missing `-v` bind source directory, as dockerd's MountPoint.Setup. On failure, what was
 * mounted is unmounted again.
 */
export async function mountVolumes(ctx: ManagerContext, record: ContainerRecord): Promise<StartMounts> {
  const result: StartMounts = { binds: [], tmpfs: {} };
  const mounted: string[] = [];
  try {
    for (const m of Object.values(record.MountPoints ?? {})) {
      if (m.Type === 'tmpfs') {
        result.tmpfs[m.Destination] = tmpfsData(m.Spec.TmpfsOptions, m.Spec.ReadOnly === true);
        continue;
      }
      if (shadowedByTmpfs(record, m)) continue;
      let source = m.Source;
      if (m.Type === 'volume' && m.Name !== '') {
        source = await ctx.options.volumes.mount(m.Name, record.ID, {
          destination: m.Destination,
          readWrite: m.RW,
          propagation: m.Propagation ?? '',
        });
        mounted.push(m.Name);
      } else if (!m.SkipMountpointCreation) {
        createBindSource(source);
      }
      result.binds.push({
        destination: m.Destination,
        source,
        readonly: !m.RW,
        ...(m.Propagation ? { propagation: m.Propagation } : {}),
        ...(m.Spec.BindOptions?.NonRecursive ? { nonRecursive: true } : {}),
      });
    }
  } catch (err) {
    for (const name of mounted) await ctx.options.volumes.unmount(name, record.ID).catch(() => undefined);
    throw err;
  }
  return result;
}

/** A missing -v source becomes a directory (0755, root); an existing file is fine as it is. */
function createBindSource(source: string): void {
  try {
    mkdirSync(source, { recursive: true, mode: 0o755 });
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === 'EEXIST' ||
      (err as NodeJS.ErrnoException).code === 'ENOTDIR'
    ) {
      return;
    }
    throw new Error(`error while creating mount source path '${source}': ${(err as Error).message}`);
  }
}

/**
 * Live restore: counts again the mounts a running container's start made (the volume store of
 * a new ladingd starts from zero), without mounting anything — they stayed mounted while
 * ladingd was away. The exit's unmount then takes them down.
 */
export function restoreVolumeMounts(ctx: ManagerContext, record: ContainerRecord): void {
  for (const m of startedVolumeMounts(record)) {
    try {
      ctx.options.volumes.restoreMount(m.Name);
    } catch (err) {
      ctx.options.logger.warn('a volume of a re-attached container is missing', {
        container: record.ID,
        volume: m.Name,
        error: String(err),
      });
    }
  }
}

/** After the exit (or a failed start): the store's mounts of the container's volumes go. */
export async function unmountVolumes(ctx: ManagerContext, record: ContainerRecord): Promise<void> {
  for (const m of startedVolumeMounts(record)) {
    await ctx.options.volumes.unmount(m.Name, record.ID).catch((err: unknown) =>
      ctx.options.logger.warn('unmounting a volume failed', {
        container: record.ID,
        volume: m.Name,
        error: String(err),
      }),
    );
  }
}

/** rm: releases every volume; with `removeAnonymous` (rm -v, --rm) removes the anonymous ones. */
export async function releaseVolumes(
  ctx: ManagerContext,
  record: ContainerRecord,
  removeAnonymous: boolean,
): Promise<void> {
  const failures: string[] = [];
  for (const m of volumeMounts(record)) {
    ctx.options.volumes.release(m.Name, record.ID);
    if (!removeAnonymous || !isAnonymousVolume(m)) continue;
    try {
      await ctx.options.volumes.remove(m.Name);
    } catch (err) {
      // In use by another container (--volumes-from): not an error, as with dockerd.
      if (!(err instanceof ConflictError)) failures.push((err as Error).message);
    }
  }
  if (failures.length > 0) {
    ctx.options.logger.error(`Error removing volumes:\n${failures.join('\n')}`, { container: record.ID });
  }
}
