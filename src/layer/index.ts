/** Layers: graph drivers (overlay2, vfs) and the layer store. */
export type {
  AttachOptions,
  ChainId,
  CreateRWLayerOptions,
  DetachedLayer,
  ExtractDetachedOptions,
  DiffId,
  GraphDriverInfo,
  Layer,
  LayerCheckProblem,
  LayerStore,
  RegisterOptions,
  RWLayer,
  StorageDriverName,
} from './layer-store.js';
export { createLayerStore, type LayerStoreOptions } from './create-layer-store.js';
export { chainIdOf, chainIdsOf } from './chain-id.js';
export { diffTarStream } from '../archive/index.js';
export { INIT_LAYER_ENTRIES, writeInitLayer } from './init-layer.js';
export { ChainTooDeepError } from './overlay2/mount-data.js';
export { KeyedLock } from './keyed-lock.js';
export { treeSize } from './tree-size.js';
export type { GraphDriver, CreateLayerOptions, CreatedLayer, DriverProblem } from './graph-driver.js';
export { Overlay2Driver } from './overlay2/overlay2-driver.js';
export { VfsDriver } from './vfs/vfs-driver.js';
export { probeOverlay } from './overlay2/overlay-probe.js';
export {
  CHANGE_ADD,
  CHANGE_DELETE,
  CHANGE_MODIFY,
  overlayChanges,
  treeChanges,
  type ChangeKind,
  type LayerChange,
} from './changes/index.js';
