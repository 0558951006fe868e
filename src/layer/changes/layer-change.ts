/**
 * One entry of `docker diff`: what happened to a path of a container's filesystem since it
 * was created, relative to its image (with the `-init` layer). Kinds are the Engine API's
 * numbers (archive.ChangeType): 0 modified, 1 added, 2 deleted.
 */
export const CHANGE_MODIFY = 0;
export const CHANGE_ADD = 1;
export const CHANGE_DELETE = 2;

export type ChangeKind = typeof CHANGE_MODIFY | typeof CHANGE_ADD | typeof CHANGE_DELETE;

export interface LayerChange {
  /** Absolute in the container ("/etc/motd"). */
  Path: string;
  Kind: ChangeKind;
}
