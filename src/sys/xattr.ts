/**
 * Extended attributes on the link itself (the l* calls never follow a final symlink), values
 * as raw bytes: security.capability and trusted.overlay.* are binary or must stay exact.
 */
import { call, type SysPath } from './native.js';

export type XattrMode = 'create-or-replace' | 'create' | 'replace';

function flagsOf(mode: XattrMode): number {
  return call((sys) =>
    mode === 'create' ? sys.constants.XATTR_CREATE : mode === 'replace' ? sys.constants.XATTR_REPLACE : 0,
  );
}

export function lsetxattr(
  path: SysPath,
  name: string,
  value: Buffer | string,
  mode: XattrMode = 'create-or-replace',
): void {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const flags = flagsOf(mode);
  call((sys) => sys.lsetxattr(path, name, bytes, flags));
}

/** Sets an attribute through an open descriptor (no path lookup at all). */
export function fsetxattr(fd: number, name: string, value: Buffer | string): void {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  call((sys) => sys.fsetxattr(fd, name, bytes, 0));
}

/** The value, or throws a SyscallError with code ENODATA when the attribute is absent. */
export function lgetxattr(path: SysPath, name: string): Buffer {
  return call((sys) => sys.lgetxattr(path, name));
}

/** The value, or undefined when absent (ENODATA); other failures still throw. */
export function lgetxattrOrUndefined(path: SysPath, name: string): Buffer | undefined {
  try {
    return lgetxattr(path, name);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENODATA') return undefined;
    throw err;
  }
}

export function llistxattr(path: SysPath): string[] {
  return call((sys) => sys.llistxattr(path));
}

export function lremovexattr(path: SysPath, name: string): void {
  call((sys) => sys.lremovexattr(path, name));
}
