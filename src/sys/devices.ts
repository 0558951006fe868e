/** mknod(2): character and block devices, FIFOs — and so overlayfs whiteouts (char 0/0). */
import { constants } from 'node:fs';
import { call, type SysPath } from './native.js';

/** File type bits for `mode` (the same numbers as node:fs constants, named here for callers). */
export const S_IFCHR = constants.S_IFCHR;
export const S_IFBLK = constants.S_IFBLK;
export const S_IFIFO = constants.S_IFIFO;

/**
 * mknod(path, mode, major, minor): `mode` is a file type (S_IFCHR, S_IFBLK, S_IFIFO) OR'd with
 * the permission bits. The umask still applies, so callers that need exact bits chmod after.
 */
export function mknod(path: SysPath, mode: number, major = 0, minor = 0): void {
  call((sys) => sys.mknod(path, mode, major, minor));
}
