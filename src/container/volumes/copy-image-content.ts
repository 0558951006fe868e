/**
 * Docker's copy-in (moby container.CopyImagePathContent, run at create for each volume whose
 * mount point says CopyData): when a volume is empty and the image has a directory at the
 * mount's destination, that directory's content — files, directories, symlinks, hard links,
 * devices, modes, owners, times and xattrs — is copied into the volume, and the volume's root
 * takes the directory's owner, mode and times (so a VOLUME /var/lib/db owned by `db` stays
 * writable by it).
 *
 * Confinement: the destination is resolved inside the rootfs with every symlink expanded in
 * its scope (scoped-walk.ts, as Docker's FollowSymlinkInScope), and the directory found is
 * held open; the tree below it is read through `/proc/self/fd/<fd>` with lstat, never
 * following a link. An image whose `/data` is a symlink to `/etc` therefore copies the
 * image's own /etc, never the host's. The copy is a tar stream from archive's diff-dir writer
 * into archive's layer extractor, whose target (the empty volume) is exactly the fresh,
 * private directory it is built for. Nothing from the image is executed.
 *
 * Called at create, before the container has ever run, so nothing changes the tree meanwhile.
 */
import { chmodSync, chownSync, closeSync, fstatSync, readdirSync, utimesSync } from 'node:fs';
import { applyLayer, diffTarStream } from '../../archive/index.js';
import { components, errnoOf, lstatAt, openRoot, walkDirs } from '../copy/scoped-walk.js';

export interface CopyResult {
  copied: boolean;
  /** Why nothing was copied. */
  reason?: 'volume-not-empty' | 'no-source' | 'not-a-directory';
  entries?: number;
}

export async function copyImageContent(
  rootfs: string,
  destination: string,
  volumePath: string,
  onWarning: (message: string) => void = () => undefined,
): Promise<CopyResult> {
  if (readdirSync(volumePath).length > 0) return { copied: false, reason: 'volume-not-empty' };
  const rootFd = openRoot(rootfs);
  let dirFd: number | undefined;
  try {
    let walked;
    try {
      walked = walkDirs(rootFd, components(destination), { leaf: true });
    } catch (err) {
      if (errnoOf(err) === 'ENOTDIR') return { copied: false, reason: 'not-a-directory' };
      throw err;
    }
    dirFd = walked.fd;
    if (walked.rest.length > 0) {
      // A leaf that is not a directory stays in `rest`; so does a missing part.
      return { copied: false, reason: leafReason(walked) };
    }
    const applied = await applyLayer(diffTarStream(`/proc/self/fd/${dirFd}/.`), volumePath, { onWarning });
    const st = fstatSync(dirFd);
    chownSync(volumePath, st.uid, st.gid);
    chmodSync(volumePath, st.mode & 0o7777);
    utimesSync(volumePath, st.atime, st.mtime);
    return { copied: true, entries: applied.entries };
  } finally {
    if (dirFd !== undefined) closeSync(dirFd);
    closeSync(rootFd);
  }
}

function leafReason(walked: { fd: number; rest: string[] }): CopyResult['reason'] {
  return walked.rest.length === 1 && lstatAt(walked.fd, walked.rest[0]!) !== undefined
    ? 'not-a-directory'
    : 'no-source';
}
