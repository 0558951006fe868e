/** The image store and what moves images in and out of it (save, load, import). */
export { ImageStore, type Image, type ImageCheckProblem, type ImageStoreOptions } from './image-store.js';
export { imageRefFromKey, imageRefString, isDigestRef, sameRef, type ImageRef } from './image-ref.js';
export {
  deleteImage,
  shortId,
  type DeleteOptions,
  type DeleteRecord,
  type DeleteTarget,
  type ImageUsage,
  type ImageUsageCheck,
} from './image-delete.js';
export { createdSeconds, imageHistory, type HistoryItem } from './history.js';
export {
  saveImages,
  CONTAINERD_NAME_ANNOTATION,
  REF_NAME_ANNOTATION,
  type ArchiveManifestEntry,
  type SaveOptions,
  type SaveTarget,
} from './save.js';
export { loadImages, type LoadEvent, type LoadOptions } from './load.js';
export { DEFAULT_SPOOL_LIMITS, normalizeArchiveName, type SpoolLimits } from './archive-stream.js';
export { importImage, type ImportOptions } from './import.js';
export { commitImage, EMPTY_LAYER_DIFF_ID, type CommitImageInput } from './commit.js';
export { mergeCommitConfig } from './commit-config.js';
export { parseImageConfig, MAX_CONFIG_BYTES } from './image-config.js';
export { ImageStoreLayout } from './layout.js';
