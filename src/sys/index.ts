/** The Linux syscalls Node lacks, in one place. Synchronous: each is one cheap kernel call. */
export { SyscallError, hasErrnoCode, type SysPath, type NativeConstants } from './native.js';
export { mknod, S_IFBLK, S_IFCHR, S_IFIFO } from './devices.js';
export {
  lsetxattr,
  fsetxattr,
  lgetxattr,
  lgetxattrOrUndefined,
  llistxattr,
  lremovexattr,
  type XattrMode,
} from './xattr.js';
export { mount, umount2, sysConstants, type MountFlag, type UnmountFlag } from './mount.js';
export { FileQueue, type QueuedFileMetadata } from './file-queue.js';
export { isMountPoint, mountPointsUnder } from './mountinfo.js';
