/**
 * Mounting and unmounting a local volume that has `type`/`device`/`o` options, the way moby's
 * mount package does it: one mount(2) with the non-propagation flags and the data, then a
 * propagation change if asked, then a read-only remount for `bind,ro` (a bind ignores
 * MS_RDONLY on its first call). Errors read as dockerd's: `mount <device>:<target>, flags:
 * 0x…, data: …: <errno text>`.
 */
import { hasErrnoCode, isMountPoint, mount, umount2 } from '../sys/index.js';

import { MS, parseMountOptions } from './local-options.js';

const PROPAGATION = MS.SHARED | MS.PRIVATE | MS.SLAVE | MS.UNBINDABLE;
const MS_SILENT = 0x8000;
const PROPAGATION_CHANGE = PROPAGATION | MS.REC | MS_SILENT;

/** Go's text for the errnos a mount is likely to meet (syscall.Errno.Error()). */
const GO_ERRNO_TEXT: Record<string, string> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  EIO: 'input/output error',
  EACCES: 'permission denied',
  EBUSY: 'device or resource busy',
  ENODEV: 'no such device',
  ENOTDIR: 'not a directory',
  EINVAL: 'invalid argument',
  ENOTBLK: 'block device required',
  ENXIO: 'no such device or address',
  ENOMEM: 'cannot allocate memory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EROFS: 'read-only file system',
};

function errnoText(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return GO_ERRNO_TEXT[code] ?? code;
  return err instanceof Error ? err.message : String(err);
}

/** moby's mountError text. */
function mountErrorText(
  op: string,
  source: string,
  target: string,
  flags: number,
  data: string,
  err: unknown,
): string {
  let text = `${op} ${source !== '' ? `${source}:${target}` : target}`;
  if (flags !== 0) text += `, flags: 0x${flags.toString(16)}`;
  if (data !== '') text += `, data: ${data}`;
  return `${text}: ${errnoText(err)}`;
}

export class MountFailure extends Error {}

/**
 * mount(8)-style: `device` on `target` with filesystem `type` and fstab options `o`. A device
 * of "" or "none" without data is a remount or propagation change only (moby's rule, so
 * `o=bind` needs a real device path).
 */
export function mountWithOptions(device: string, target: string, type: string, options: string): void {
  const { flags, data } = parseMountOptions(options);
  const mainFlags = flags & ~PROPAGATION;
  const remount = (flags & MS.REMOUNT) !== 0 || device === '' || device === 'none';
  const attempt = (
    op: string,
    source: string,
    run: () => void,
    shownFlags: number,
    shownData: string,
  ): void => {
    try {
      run();
    } catch (err) {
      throw new MountFailure(mountErrorText(op, source, target, shownFlags, shownData, err), { cause: err });
    }
  };
  if (!remount || data !== '') {
    attempt(
      'mount',
      device,
      () => mount(device, target, type, mainFlags, data === '' ? null : data),
      mainFlags,
      data,
    );
  }
  if ((flags & PROPAGATION) !== 0) {
    const change = flags & PROPAGATION_CHANGE;
    attempt('remount', '', () => mount(null, target, null, change), change, '');
  }
  const bindReadOnly = MS.BIND | MS.RDONLY;
  if ((mainFlags & bindReadOnly) === bindReadOnly) {
    const again = mainFlags | MS.REMOUNT;
    attempt('remount-ro', '', () => mount(null, target, null, again), again, '');
  }
}

/**
 * Lazily unmounts `target`. "Not mounted" is success; any other failure is thrown only if
 * the target is in fact still mounted (as moby's local driver decides).
 */
export function unmountLazily(target: string): void {
  try {
    umount2(target, ['MNT_DETACH']);
  } catch (err) {
    if (hasErrnoCode(err, 'EINVAL', 'ENOENT')) return;
    if (isMountPoint(target))
      throw new MountFailure(mountErrorText('umount', '', target, 2, '', err), { cause: err });
  }
}
