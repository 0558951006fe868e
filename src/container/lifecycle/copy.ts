/**
 * `docker cp` on a container, running or not: the rootfs is mounted (a counted mount, so a
 * running container's stays as it is) for the length of the call, or of the tar stream for a
 * copy out. All path handling is container/copy's, which never leaves the rootfs.
 */
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errors/index.js';
import { archiveFromRoot, extractIntoRoot, statInRoot, type PathStat } from '../copy/index.js';
import type { ContainerRecord } from '../model/index.js';
import { resolveUser } from '../spec/index.js';
import type { ManagerContext } from '../manager-context.js';

async function withRootfs<T>(
  ctx: ManagerContext,
  record: ContainerRecord,
  fn: (rootfs: string) => Promise<T>,
): Promise<T> {
  const rootfs = await ctx.options.layers.mount(record.ID);
  try {
    return await fn(rootfs);
  } finally {
    await ctx.options.layers.unmount(record.ID);
  }
}

export function statPath(ctx: ManagerContext, record: ContainerRecord, path: string): Promise<PathStat> {
  return withRootfs(ctx, record, async (rootfs) => statInRoot(rootfs, path, record.Name.slice(1)));
}

export async function copyOut(
  ctx: ManagerContext,
  record: ContainerRecord,
  path: string,
): Promise<{ stat: PathStat; tar: Readable }> {
  const rootfs = await ctx.options.layers.mount(record.ID);
  let archive;
  try {
    archive = archiveFromRoot(rootfs, path, record.Name.slice(1));
  } catch (err) {
    await ctx.options.layers.unmount(record.ID);
    throw err;
  }
  archive.tar.once('close', () => void ctx.options.layers.unmount(record.ID).catch(() => undefined));
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
  if (record.HostConfig.ReadonlyRootfs) {
    throw new InvalidArgumentError('container rootfs is marked read-only');
  }
  await withRootfs(ctx, record, async (rootfs) => {
    const user =
      options.copyUIDGID && record.Config.User ? resolveUser(rootfs, record.Config.User, []) : undefined;
    await extractIntoRoot(rootfs, path, tar, {
      noOverwriteDirNonDir: options.noOverwriteDirNonDir,
      ...(user ? { chown: { uid: user.uid, gid: user.gid } } : {}),
      container: record.Name.slice(1),
      signal: options.signal,
      onWarning: (message: string) => ctx.options.logger.warn(message, { container: record.ID }),
    });
  });
  ctx.options.publish('extract-to-dir', record, { path });
}
