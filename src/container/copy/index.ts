/** `docker cp` over a container's mounted rootfs: stat, archive out, extract in (confined). */
export { statInRoot, goFileMode, fileNotFound, MODE_DIR, MODE_SYMLINK, type PathStat } from './path-stat.js';
export { archiveFromRoot, type ContainerArchive } from './archive-from-root.js';
export { extractIntoRoot, type ExtractOptions, type ExtractResult } from './extract-into-root.js';
