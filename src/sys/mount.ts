/** mount(2) and umount2(2); flags as numbers or as the names of <sys/mount.h>. */
import { call, native, type NativeConstants, type SysPath } from './native.js';

export type MountFlag = Extract<keyof NativeConstants, `MS_${string}`>;
export type UnmountFlag = Extract<keyof NativeConstants, `MNT_${string}` | 'UMOUNT_NOFOLLOW'>;

function combine(flags: number | readonly (MountFlag | UnmountFlag)[]): number {
  if (typeof flags === 'number') return flags;
  const constants = native().constants;
  // Add distinct flags rather than OR them: JS bitwise ops are 32-bit signed.
  return [...new Set(flags)].reduce((sum, flag) => sum + constants[flag], 0);
}

/**
 * mount(source, target, fstype, flags, data). `data` is the filesystem's option string,
 * e.g. `lowerdir=…,upperdir=…,workdir=…` for overlay; the kernel takes at most one page.
 */
export function mount(
  source: SysPath | null,
  target: SysPath,
  fstype: string | null,
  flags: number | readonly MountFlag[] = 0,
  data: string | null = null,
): void {
  const value = combine(flags);
  call((sys) => sys.mount(source, target, fstype, value, data));
}

/** umount2(target, flags), e.g. `['MNT_DETACH']` for a lazy unmount. */
export function umount2(target: SysPath, flags: number | readonly UnmountFlag[] = 0): void {
  const value = combine(flags);
  call((sys) => sys.umount2(target, value));
}

/** The numeric values of the mount/xattr constants as compiled into the addon. */
export function sysConstants(): NativeConstants {
  return native().constants;
}
