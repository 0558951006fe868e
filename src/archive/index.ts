/** Layer archives: apply a tar into a root in overlay form; whiteouts both ways; diffIDs. */
export { applyLayer, type AppliedLayer, type ApplyLayerOptions } from './apply-layer.js';
export {
  detectCompression,
  openDecompressed,
  type Compression,
  type DecompressedStream,
  type LayerSource,
} from './decompress.js';
export { DiffIdMismatchError, verifyDiffId } from './diff-id.js';
export { ArchiveLimitError, DEFAULT_LIMITS, resolveLimits, type ExtractLimits } from './limits.js';
export {
  isOpaqueDir,
  isOverlayWhiteout,
  markOpaque,
  overlayMarkers,
  parseWhiteoutName,
  whiteoutNameFor,
  writeOverlayWhiteout,
  OVERLAY_OPAQUE_XATTR,
  WHITEOUT_META_PREFIX,
  WHITEOUT_OPAQUE_DIR,
  WHITEOUT_PREFIX,
  type OverlayMarker,
  type WhiteoutName,
} from './whiteouts.js';
export { diffTarStream } from './diff-tar.js';
export { changesTarStream, type TreeChange } from './changes-tar.js';
export { readTarEntries, type ReadTarEntriesOptions, type TarEntry } from './tar-entries.js';
export type { TarEntryType, TarHeader } from './tar-reader.js';
export {
  encodeHeader,
  padding as tarPadding,
  END_OF_ARCHIVE,
  type HeaderInput,
} from './tar-writer-header.js';
export {
  readTarSplit,
  replayTarSplit,
  verifyTarSplit,
  TarSplitError,
  type ReplayOptions,
  type TarSplitSegment,
} from './tar-split.js';
export type { TarSplitTarget } from './tar-split-recorder.js';
