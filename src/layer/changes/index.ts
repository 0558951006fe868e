export { overlayChanges, treeChanges } from './overlay-changes.js';
export {
  CHANGE_ADD,
  CHANGE_DELETE,
  CHANGE_MODIFY,
  type ChangeKind,
  type LayerChange,
} from './layer-change.js';
