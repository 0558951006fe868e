/**
 * Media types of the OCI image spec and of Docker's registry schema 2, which registries and
 * `docker save` still produce. Names follow the spec documents; the helpers classify a type
 * so callers never compare strings by hand.
 */

export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  /** Deprecated by the spec but still found in Windows images. */
  OciLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  OciLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  OciLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  OciLayoutHeader: 'application/vnd.oci.layout.header.v1+json',

  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  /** Docker schema 2 layers are always gzip; there is no uncompressed docker layer type. */
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  /** Schema 1 is only recognised so it can be refused with a clear message. */
  DockerManifestSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerManifestSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export type MediaType = (typeof MediaType)[keyof typeof MediaType];

export type ManifestMediaType = typeof MediaType.OciManifest | typeof MediaType.DockerManifest;
export type IndexMediaType = typeof MediaType.OciIndex | typeof MediaType.DockerManifestList;
export type ConfigMediaType = typeof MediaType.OciConfig | typeof MediaType.DockerConfig;

export type LayerCompression = 'none' | 'gzip' | 'zstd';

const LAYER_COMPRESSION: Readonly<Record<string, LayerCompression>> = {
  [MediaType.OciLayer]: 'none',
  [MediaType.OciLayerGzip]: 'gzip',
  [MediaType.OciLayerZstd]: 'zstd',
  [MediaType.OciLayerNondistributable]: 'none',
  [MediaType.OciLayerNondistributableGzip]: 'gzip',
  [MediaType.OciLayerNondistributableZstd]: 'zstd',
  [MediaType.DockerLayerGzip]: 'gzip',
  [MediaType.DockerForeignLayerGzip]: 'gzip',
};

export function isManifestMediaType(type: string | undefined): type is ManifestMediaType {
  return type === MediaType.OciManifest || type === MediaType.DockerManifest;
}

export function isIndexMediaType(type: string | undefined): type is IndexMediaType {
  return type === MediaType.OciIndex || type === MediaType.DockerManifestList;
}

export function isConfigMediaType(type: string | undefined): type is ConfigMediaType {
  return type === MediaType.OciConfig || type === MediaType.DockerConfig;
}

export function isLayerMediaType(type: string | undefined): boolean {
  return type !== undefined && type in LAYER_COMPRESSION;
}

/** How a layer blob of this media type is compressed, or undefined if it is not a layer type. */
export function layerCompression(type: string): LayerCompression | undefined {
  return LAYER_COMPRESSION[type];
}

/** The OCI layer media type for a compression. */
export function ociLayerMediaType(compression: LayerCompression): MediaType {
  switch (compression) {
    case 'none':
      return MediaType.OciLayer;
    case 'gzip':
      return MediaType.OciLayerGzip;
    case 'zstd':
      return MediaType.OciLayerZstd;
  }
}
