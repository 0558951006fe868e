/**
 * The container's working directory: checked, created when missing (as dockerd's
 * SetupWorkingDirectory does) and resolved inside the rootfs.
 *
 * hostile-input.md row 27: runc 1.1.5 (this machine's) leaks a host directory descriptor into
 * the container (CVE-2024-21626), so a cwd such as `/proc/self/fd/7` would start the process
 * in a host directory. Any working directory that resolves into /proc or /sys (kernel
 * filesystems mounted over the rootfs), or into /dev other than its mount points /dev/shm,
 * /dev/mqueue and /dev/pts (runc puts /dev/fd -> /proc/self/fd there), is refused.
 */
import { posix } from 'node:path';
import { SystemError } from '../../errors/index.js';
import { mkdirAllInRoot, resolveInRoot, type MkdirOwner } from './in-root-path.js';

const DEV_SUBMOUNTS = ['/dev/shm', '/dev/mqueue', '/dev/pts'];

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + '/');
}

/** Throws when `path` (an absolute, normalised in-container path) is one the container must not start in. */
export function refuseKernelFsCwd(path: string, asGiven: string): void {
  const bad =
    isWithin(path, '/proc') ||
    isWithin(path, '/sys') ||
    (path.startsWith('/dev/') && !DEV_SUBMOUNTS.some((d) => isWithin(path, d)));
  if (bad) {
    throw new SystemError(
      `working directory ${JSON.stringify(asGiven)} resolves to ${path}, inside a kernel filesystem (/proc, /sys or /dev); ` +
        'refused (CVE-2024-21626)',
    );
  }
}

/**
 * Creates Config.WorkingDir in the rootfs (mode 0755; dockerd makes missing directories owned
 * by root, the daemon's root pair without user namespaces) and returns the path to give runc
 * as cwd: the directory as resolved in the rootfs. An empty WorkingDir means "/".
 */
export function prepareWorkingDir(
  rootfs: string,
  workingDir: string,
  owner: MkdirOwner = { uid: 0, gid: 0 },
): string {
  if (workingDir === '') return '/';
  const clean = posix.normalize(posix.join('/', workingDir));
  refuseKernelFsCwd(clean, workingDir);
  try {
    refuseKernelFsCwd(resolveInRoot(rootfs, clean), workingDir);
    return mkdirAllInRoot(rootfs, clean, 0o755, owner);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new SystemError(`Cannot mkdir: ${workingDir} is not a directory`);
    }
    throw err;
  }
}

/**
 * An exec's -w (or the container's WorkingDir): not created (as with Docker), only refused
 * when it leads into a kernel filesystem. Returns the path to give runc.
 */
export function checkExecWorkingDir(rootfs: string, workingDir: string): string {
  if (workingDir === '') return '/';
  const clean = posix.normalize(posix.join('/', workingDir));
  refuseKernelFsCwd(clean, workingDir);
  const resolved = resolveInRoot(rootfs, clean);
  refuseKernelFsCwd(resolved, workingDir);
  return resolved;
}
