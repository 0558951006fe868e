/**
 * `docker cp` on a container, running or not: the rootfs is mounted (a counted mount, so a
 * running container's stays as it is) for the length of the call, or of the tar stream for a
 * copy out. All path handling is container/copy's, which never leaves the rootfs.
 *
 * A path below one of the container's volumes or binds is copied in that mount's directory
 * instead (confined to it), as dockerd copies inside the container's mount namespace; a
 * read-only mount refuses a copy in with dockerd's "mounted volume is marked read-only".
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errors/index.js';
import { archiveFromRoot, extractIntoRoot, statInRoot, type PathStat } from '../copy/index.js';
import type { ContainerRecord } from '../model/index.js';
import { resolveUser } from '../spec/index.js';
import type { ManagerContext } from '../manager-context.js';
import { pathInMounts } from '../volumes/index.js';

interface CopyRoot {
  /** The directory the copy is confined to: the rootfs, or a volume's or bind's source. */
  root: string;
  /** The path inside it. */
  path: string;
  /** The mount's RW flag (true for the rootfs: --read-only is checked apart). */
  writable: boolean;
  inMount: boolean;
  release(): Promise<void>;
}

/** Where `path` lives: the rootfs, or the source of the deepest mount it is in. */
async function copyRoot(ctx: ManagerContext, record: ContainerRecord, path: string): Promise<CopyRoot> {
  const found = pathInMounts(record.MountPoints ?? {}, path);
  if (found) {
    const { mount } = found;
    const volumes = ctx.options.volumes;
    if (mount.Type === 'volume' && mount.Name !== '') {
      const root = await volumes.mount(mount.Name, record.ID);
      return {
        root,
        path: found.rest,
        writable: mount.RW,
        inMount: true,
        release: () => volumes.unmount(mount.Name, record.ID),
      };
    }
    return {
      root: mount.Source,
      path: found.rest,
      writable: mount.RW,
      inMount: true,
      release: async () => {},
    };
  }
  const rootfs = await ctx.options.layers.mount(record.ID);
  return {
    root: rootfs,
    path,
    writable: true,
    inMount: false,
    release: () => ctx.options.layers.unmount(record.ID),
  };
}

/** A mount's own root is named as the container sees it: /data → "data", /data/. → ".". */
function mountRootName(where: CopyRoot, path: string): { as?: string } {
  if (!where.inMount) return {};
  if (where.path === '/.') return { as: '.' };
  if (where.path === '/') return { as: posix.basename(posix.normalize(path)) };
  return {};
}

export async function statPath(
  ctx: ManagerContext,
  record: ContainerRecord,
  path: string,
): Promise<PathStat> {
  const where = await copyRoot(ctx, record, path);
  try {
    const stat = statInRoot(where.root, where.path, record.Name.slice(1));
    const as = mountRootName(where, path).as;
    return as === undefined ? stat : { ...stat, name: as };
  } finally {
    await where.release();
  }
}

export async function copyOut(
  ctx: ManagerContext,
  record: ContainerRecord,
  path: string,
): Promise<{ stat: PathStat; tar: Readable }> {
  const where = await copyRoot(ctx, record, path);
  let archive;
  try {
    archive = archiveFromRoot(where.root, where.path, record.Name.slice(1), mountRootName(where, path));
  } catch (err) {
    await where.release();
    throw err;
  }
  archive.tar.once('close', () => void where.release().catch(() => undefined));
  ctx.options.publish('archive-path', record, { path });
  return archive;
}

export async function copyIn(
  ctx: ManagerContext,
  record: ContainerRecord,
  path: string,
  tar: Readable,
  options: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean; signal: AbortSignal },
): Promise<void> {
  const found = pathInMounts(record.MountPoints ?? {}, path);
  if (found && !found.mount.RW) throw new InvalidArgumentError('mounted volume is marked read-only');
  if (!found && record.HostConfig.ReadonlyRootfs) {
    throw new InvalidArgumentError('container rootfs is marked read-only');
  }
  // The container's user is looked up in its own rootfs, wherever the files go.
  let user: { uid: number; gid: number } | undefined;
  if (options.copyUIDGID && record.Config.User) {
    const rootfs = await ctx.options.layers.mount(record.ID);
    try {
      user = resolveUser(rootfs, record.Config.User, []);
    } finally {
      await ctx.options.layers.unmount(record.ID);
    }
  }
  const where = await copyRoot(ctx, record, path);
  try {
    await extractIntoRoot(where.root, where.path, tar, {
      noOverwriteDirNonDir: options.noOverwriteDirNonDir,
      ...(user ? { chown: user } : {}),
      container: record.Name.slice(1),
      signal: options.signal,
      onWarning: (message: string) => ctx.options.logger.warn(message, { container: record.ID }),
    });
  } finally {
    await where.release();
  }
  ctx.options.publish('extract-to-dir', record, { path });
}
