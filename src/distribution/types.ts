/** The document types pull and push handle (oci's), and the names of a remote image. */
import type { Digest } from '../oci/index.js';

export type {
  Descriptor,
  Digest,
  ImageIndex,
  ImageManifest,
  ManifestDocument,
  Platform,
} from '../oci/index.js';

/** A normalised image reference, split the way the registry client wants it. */
export interface RemoteImage {
  /** `docker.io`, `127.0.0.1:5000` */
  registry: string;
  /** `library/busybox` */
  repository: string;
  /** `busybox`, `127.0.0.1:5000/a/b`: the name users see and repositories.json stores. */
  familiarName: string;
  tag?: string;
  digest?: Digest;
}

/** `busybox:latest`, `busybox@sha256:…`: Docker's FamiliarString. */
export function familiarString(image: RemoteImage): string {
  return (
    image.familiarName +
    (image.tag !== undefined ? `:${image.tag}` : '') +
    (image.digest !== undefined ? `@${image.digest}` : '')
  );
}

/** The first 12 hex digits of a digest: the id of a layer's progress line. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return digest.slice(colon + 1, colon + 13);
}
