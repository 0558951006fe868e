/**
 * `docker export`: the container's root filesystem as a tar, read from its merged overlay
 * (mounted, counted, for the length of the stream), with dockerd's naming: no entry for the
 * root itself, then "bin/", "bin/sh"… in Go's walk order. Volumes and bind mounts are not in
 * it, as in Docker: only the rootfs is mounted here. The walk is container/copy's, so a
 * running container that swaps paths for symlinks meanwhile cannot lead it outside the rootfs.
 */
import type { Readable } from 'node:stream';
import { archiveFromRoot } from '../copy/index.js';
import type { ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';

export async function exportContainer(ctx: ManagerContext, record: ContainerRecord): Promise<Readable> {
  const { layers } = ctx.options;
  const rootfs = await layers.mount(record.ID);
  let tar: Readable;
  try {
    tar = archiveFromRoot(rootfs, '/', record.Name.slice(1)).tar;
  } catch (err) {
    await layers.unmount(record.ID);
    throw err;
  }
  tar.once('close', () => void layers.unmount(record.ID).catch(() => undefined));
  ctx.options.publish('export', record);
  return tar;
}
