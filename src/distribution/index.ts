/** Pull and push orchestration: shared downloads, platform choice, progress in Docker's words. */
export { BlobSources, type BlobSource } from './blob-sources.js';
export { LayerJobs, type JobEvent, type LayerDownload } from './layer-jobs.js';
export {
  DEFAULT_PLATFORM,
  formatPlatform,
  normalizePlatform,
  parsePlatform,
  platformRank,
  selectManifest,
  type PlatformSpec,
} from './platform.js';
export { Puller, pullStatus, type PullerOptions, type PullOptions, type PullResult } from './puller.js';
export { throttled, type ProgressDetail, type ProgressEvent, type ProgressSink } from './progress.js';
export { Semaphore } from './semaphore.js';
export { familiarString, shortDigest, type RemoteImage } from './types.js';
export { Pusher, type PusherOptions, type PushOptions, type PushTarget } from './pusher.js';
