/**
 * The document types pull and push handle, taken from the registry client's contract: the
 * module rules let distribution/ import registry/client, image and layer, not oci/ itself,
 * and these are exactly the shapes the client hands over.
 */
import type { FetchedManifest, RepositoryClient } from '../registry/client/registry-client.js';

export type Digest = FetchedManifest['digest'];
export type ManifestDocument = FetchedManifest['document'];
export type ImageManifest = Extract<ManifestDocument, { kind: 'manifest' }>['manifest'];
export type ImageIndex = Extract<ManifestDocument, { kind: 'index' }>['index'];
export type Descriptor = Parameters<RepositoryClient['openBlob']>[0];
export type Platform = NonNullable<Descriptor['platform']>;

/** The media types push writes (Docker v2 schema 2, as dockerd pushes). */
export const DOCKER_MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_CONFIG_TYPE = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER_GZIP_TYPE = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const OCI_LAYER_GZIP_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

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
