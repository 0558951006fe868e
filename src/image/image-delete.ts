/**
 * `docker rmi` semantics. Removing by name untags; the image itself goes only with its last
 * reference. Removing by id removes every reference when they all belong to one repository
 * with at most one tag, and otherwise refuses unless forced. A container using the image
 * blocks it: a running one always ("cannot be forced"), a stopped one unless forced. With
 * prune (the default), a deleted image's parent goes too when nothing else holds it.
 */
import { ConflictError } from '../errors/index.js';
import { digestHex, type Digest } from '../oci/index.js';
import { imageRefString, type ImageRef } from './image-ref.js';
import type { ImageStore } from './image-store.js';

/** A container that uses an image; the daemon knows, the image store does not. */
export interface ImageUsage {
  containerId: string;
  running: boolean;
}

export type ImageUsageCheck = (imageId: Digest) => ImageUsage | undefined;

export type DeleteRecord = { untagged: string } | { deleted: Digest };

export interface DeleteOptions {
  force: boolean;
  /** Delete untagged parents too (Docker's default; `--no-prune` turns it off). */
  prune: boolean;
  inUse: ImageUsageCheck;
  /** `untag` and `delete` events, for the daemon's event log. */
  onEvent?: (action: 'untag' | 'delete', imageId: Digest) => void;
}

/** What was asked for: a reference the caller resolved, or an id (full or prefix). */
export type DeleteTarget = { kind: 'ref'; ref: ImageRef; input: string } | { kind: 'id'; input: string };

export function shortId(id: string): string {
  return (id.startsWith('sha256:') ? digestHex(id as Digest) : id).slice(0, 12);
}

class DeleteConflict extends ConflictError {
  constructor(
    id: Digest,
    readonly hard: boolean,
    readonly used: boolean,
    detail: string,
  ) {
    super(
      `conflict: unable to delete ${shortId(id)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${detail}`,
    );
  }
}

interface ConflictMask {
  children: boolean;
  running: boolean;
  stopped: boolean;
  references: boolean;
}

function findConflict(store: ImageStore, id: Digest, mask: ConflictMask, inUse: ImageUsageCheck) {
  if (mask.children && store.children(id).length > 0) {
    return new DeleteConflict(id, true, false, 'image has dependent child images');
  }
  const usage = inUse(id);
  if (usage?.running === true && mask.running) {
    return new DeleteConflict(
      id,
      true,
      true,
      `image is being used by running container ${shortId(usage.containerId)}`,
    );
  }
  if (usage !== undefined && !usage.running && mask.stopped) {
    return new DeleteConflict(
      id,
      false,
      true,
      `image is being used by stopped container ${shortId(usage.containerId)}`,
    );
  }
  if (mask.references && store.references(id).length > 0) {
    return new DeleteConflict(id, false, false, 'image is referenced in multiple repositories');
  }
  return undefined;
}

/** At most one tag, and every reference in one repository. */
function isSingleReference(refs: ImageRef[]): boolean {
  const tags = refs.filter((r) => r.tag !== undefined);
  if (tags.length > 1) return false;
  return new Set(refs.map((r) => r.repo)).size <= 1;
}

export async function deleteImage(
  store: ImageStore,
  id: Digest,
  target: DeleteTarget,
  options: DeleteOptions,
): Promise<DeleteRecord[]> {
  const records: DeleteRecord[] = [];
  const { force, inUse, onEvent } = options;
  let quiet = false;
  if (target.kind === 'ref') {
    const usage = inUse(id);
    if (usage !== undefined && !force) {
      throw new ConflictError(
        `conflict: unable to remove repository reference "${target.input}" (must force) - container ${shortId(usage.containerId)} is using its referenced image ${shortId(id)}`,
      );
    }
    await store.removeReference(target.ref);
    records.push({ untagged: imageRefString(target.ref) });
    onEvent?.('untag', id);
    let remaining = store.references(id);
    // Untagging the last tag of a repository also drops that repository's digests.
    if (
      target.ref.tag !== undefined &&
      !remaining.some((r) => r.tag !== undefined && r.repo === target.ref.repo)
    ) {
      for (const ref of remaining.filter((r) => r.digest !== undefined && r.repo === target.ref.repo)) {
        await store.removeReference(ref);
        records.push({ untagged: imageRefString(ref) });
      }
      remaining = store.references(id);
    }
    if (remaining.length > 0) return records;
    quiet = true;
  } else {
    const refs = store.references(id);
    if (isSingleReference(refs)) {
      const conflict = findConflict(
        store,
        id,
        { children: true, running: true, stopped: !force, references: false },
        inUse,
      );
      if (conflict) throw conflict;
      for (const ref of refs) {
        await store.removeReference(ref);
        records.push({ untagged: imageRefString(ref) });
        onEvent?.('untag', id);
      }
    }
  }
  await deleteHelper(store, id, records, force, options.prune, quiet, options);
  return records;
}

async function deleteHelper(
  store: ImageStore,
  id: Digest,
  records: DeleteRecord[],
  force: boolean,
  prune: boolean,
  quiet: boolean,
  options: DeleteOptions,
): Promise<void> {
  const conflict = findConflict(
    store,
    id,
    { children: true, running: true, stopped: !force, references: !force },
    options.inUse,
  );
  if (conflict) {
    const dangling = store.references(id).length === 0 && store.children(id).length === 0;
    // After an untag, a conflict only matters if the image is now dangling and unused.
    if (quiet && (!dangling || conflict.used)) return;
    throw conflict;
  }
  const parent = store.get(id)?.parent;
  for (const ref of store.references(id)) {
    await store.removeReference(ref);
    records.push({ untagged: imageRefString(ref) });
    options.onEvent?.('untag', id);
  }
  const removedLayers = await store.delete(id);
  options.onEvent?.('delete', id);
  records.push({ deleted: id });
  for (const layer of removedLayers) records.push({ deleted: layer.chainId });
  if (!prune || parent === undefined || store.get(parent) === undefined) return;
  if (store.references(parent).length > 0 || store.children(parent).length > 0) return;
  await deleteHelper(store, parent, records, false, true, true, options);
}
