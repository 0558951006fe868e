export {
  VolumeStore,
  LOCAL_DRIVER,
  type VolumeStoreOptions,
  type VolumeHandle,
  type VolumeCreateOptions,
  type VolumeEvent,
  type VolumeMountDetails,
} from './volume-store.js';
export { ANONYMOUS_LABEL, validateVolumeName, randomVolumeName } from './volume-names.js';
export { validateLocalOptions, parseMountOptions, needsMount } from './local-options.js';
export type { VolumeFilters } from './volume-filters.js';
