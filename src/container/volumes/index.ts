/** Volumes and bind mounts of containers: -v, --mount, --volumes-from, image VOLUMEs, copy-in. */
export {
  inspectMountPoint,
  isAnonymousVolume,
  type MountPointRecord,
  type MountSpec,
  type MountType,
  type ParsedMountPoint,
} from './mount-point.js';
export { parseBind } from './parse-bind.js';
export { parseMountRequest, parseMountSpec } from './parse-mount.js';
export { validateMount } from './validate-mount.js';
export { parseVolumesFrom, inheritMountPoints } from './volumes-from.js';
export { planMountPoints, type MountPlan } from './plan-mount-points.js';
export { tmpfsData } from './tmpfs-data.js';
export { copyImageContent, type CopyResult } from './copy-image-content.js';
export { ANONYMOUS_LABEL, createMountPoints, type CreateMountPointsInput } from './create-mount-points.js';
export {
  mountVolumes,
  referenceVolumes,
  releaseVolumes,
  restoreVolumeMounts,
  unmountVolumes,
  type StartMounts,
} from './container-volume-mounts.js';
export { pathInMounts, type PathInMount } from './path-in-mounts.js';
