/**
 * Chain IDs: a layer's identity together with everything below it (OCI image spec,
 * "ChainID"): the bottom layer's chainID is its diffID; above it, sha256 of the text
 * "<parent chainID> <diffID>". Two images with the same base share its chainIDs.
 */
import { sha256Digest, type Digest } from '../oci/index.js';

export function chainIdOf(parent: Digest | undefined, diffId: Digest): Digest {
  return parent === undefined ? diffId : sha256Digest(`${parent} ${diffId}`);
}

/** The chainIDs of a stack of diffIDs, bottom first (as in an image config's rootfs). */
export function chainIdsOf(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  let parent: Digest | undefined;
  for (const diffId of diffIds) {
    parent = chainIdOf(parent, diffId);
    out.push(parent);
  }
  return out;
}
