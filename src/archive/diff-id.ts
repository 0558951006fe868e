/**
 * The diffID check: an image config's `rootfs.diff_ids[i]` must equal the sha256 of layer i's
 * uncompressed tar, which applyLayer computes while extracting. A mismatch means the layer is
 * not the one the image was built from, so the image is refused (hostile-input.md row 17).
 */
import { InvalidArgumentError } from '../errors/index.js';
import { isDigest, type Digest } from '../oci/index.js';

export class DiffIdMismatchError extends InvalidArgumentError {
  constructor(
    readonly expected: string,
    readonly actual: Digest,
  ) {
    super(`layer diffID mismatch: image config says ${expected}, the uncompressed layer is ${actual}`);
  }
}

/** Throws DiffIdMismatchError unless `actual` is exactly the (well-formed) `expected`. */
export function verifyDiffId(expected: string, actual: Digest): void {
  if (!isDigest(expected) || expected !== actual) throw new DiffIdMismatchError(expected, actual);
}
