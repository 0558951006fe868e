/**
 * Loads the syscall addon (native/sys.c, built by scripts/build-native.sh into
 * dist/native/sys.node) and turns its errors into SyscallErrors.
 *
 * The addon is loaded on first use, not at import, so code that merely imports sys (the CLI,
 * tests of other modules) keeps working on a checkout where it has not been built yet.
 */
import { createRequire } from 'node:module';
import { SystemError } from '../errors/index.js';

/** A path as the kernel sees it: a string (UTF-8) or the exact bytes. */
export type SysPath = string | Buffer;

export interface NativeConstants {
  readonly S_IFCHR: number;
  readonly S_IFBLK: number;
  readonly S_IFIFO: number;
  readonly XATTR_CREATE: number;
  readonly XATTR_REPLACE: number;
  readonly MS_RDONLY: number;
  readonly MS_NOSUID: number;
  readonly MS_NODEV: number;
  readonly MS_NOEXEC: number;
  readonly MS_REMOUNT: number;
  readonly MS_BIND: number;
  readonly MS_MOVE: number;
  readonly MS_REC: number;
  readonly MS_PRIVATE: number;
  readonly MS_SLAVE: number;
  readonly MS_SHARED: number;
  readonly MS_NOATIME: number;
  readonly MS_RELATIME: number;
  readonly MNT_FORCE: number;
  readonly MNT_DETACH: number;
  readonly MNT_EXPIRE: number;
  readonly UMOUNT_NOFOLLOW: number;
}

/** An opaque handle to a native file queue (file_queue.c). */
declare const fileQueueBrand: unique symbol;
export interface NativeFileQueue {
  readonly [fileQueueBrand]: never;
}

interface NativeSys {
  mknod(path: SysPath, mode: number, major: number, minor: number): void;
  lsetxattr(path: SysPath, name: string, value: Buffer, flags: number): void;
  fsetxattr(fd: number, name: string, value: Buffer, flags: number): void;
  lgetxattr(path: SysPath, name: string): Buffer;
  llistxattr(path: SysPath): string[];
  lremovexattr(path: SysPath, name: string): void;
  mount(
    source: SysPath | null,
    target: SysPath,
    fstype: string | null,
    flags: number,
    data: string | null,
  ): void;
  umount2(target: SysPath, flags: number): void;
  createFileQueue(threads: number): NativeFileQueue;
  queueFile(
    queue: NativeFileQueue,
    path: Buffer,
    data: Buffer,
    mode: number,
    uid: number,
    gid: number,
    setOwner: boolean,
    setMode: boolean,
    atime: number,
    mtime: number,
  ): void;
  drainFileQueue(queue: NativeFileQueue): void;
  fileQueueBacklog(queue: NativeFileQueue): number;
  closeFileQueue(queue: NativeFileQueue): void;
  constants: NativeConstants;
}

/** dist/src/sys/native.js → dist/native/sys.node */
const ADDON_PATH = '../../native/sys.node';

/** A failed syscall: `code` is the errno name (EPERM, ENOTSUP…), as in Node's fs errors. */
export class SyscallError extends SystemError {
  constructor(
    readonly code: string,
    readonly errno: number,
    readonly syscall: string,
    readonly path: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

let loaded: NativeSys | undefined;

export function native(): NativeSys {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)(ADDON_PATH) as NativeSys;
    } catch (err) {
      throw new SystemError(
        `the syscall addon dist/native/sys.node is missing or broken; run scripts/build-native.sh`,
        { cause: err },
      );
    }
  }
  return loaded;
}

interface NativeErrorShape {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
  message?: unknown;
}

/** Runs one native call, rethrowing its fs-style error as a SyscallError. */
export function call<T>(run: (sys: NativeSys) => T): T {
  const sys = native();
  try {
    return run(sys);
  } catch (err) {
    const e = (err ?? {}) as NativeErrorShape;
    if (typeof e.code === 'string' && typeof e.syscall === 'string') {
      throw new SyscallError(
        e.code,
        typeof e.errno === 'number' ? e.errno : 0,
        e.syscall,
        typeof e.path === 'string' ? e.path : undefined,
        typeof e.message === 'string' ? e.message : `${e.code}: ${e.syscall}`,
      );
    }
    throw err;
  }
}

/** True when `err` is a failed syscall (ours or Node's) with one of the errno names. */
export function hasErrnoCode(err: unknown, ...codes: string[]): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}
