/**
 * The documents of the OCI image spec (and Docker schema 2, which has the same shape under
 * other media types). Field names are the wire names, so a parsed document is the type.
 * Manifests and indexes are discriminated by `mediaType`; lading always writes it, and
 * `parseManifestDocument` fills it in when a registry omits it.
 */
import type { Digest } from './digest.js';
import type { MediaType } from './media-types.js';

export type Annotations = Record<string, string>;

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  features?: string[];
}

/** A pointer to content: what it is, its digest and its exact size in bytes. */
export interface Descriptor {
  mediaType: MediaType | (string & {});
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Annotations;
  platform?: Platform;
  artifactType?: string;
  /** Only in descriptors of the empty blob and tiny payloads; base64. */
  data?: string;
}

interface ManifestBase {
  schemaVersion: 2;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Annotations;
  subject?: Descriptor;
  artifactType?: string;
}

export interface OciImageManifest extends ManifestBase {
  mediaType: typeof MediaType.OciManifest;
}

export interface DockerImageManifest extends ManifestBase {
  mediaType: typeof MediaType.DockerManifest;
}

export type ImageManifest = OciImageManifest | DockerImageManifest;

interface IndexBase {
  schemaVersion: 2;
  manifests: Descriptor[];
  annotations?: Annotations;
  subject?: Descriptor;
  artifactType?: string;
}

export interface OciImageIndex extends IndexBase {
  mediaType: typeof MediaType.OciIndex;
}

export interface DockerManifestList extends IndexBase {
  mediaType: typeof MediaType.DockerManifestList;
}

export type ImageIndex = OciImageIndex | DockerManifestList;

/** What a registry or layout can hand back for a reference. */
export type ManifestDocument =
  { kind: 'manifest'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex };

/** `{}`-valued sets, as Docker serialises ExposedPorts and Volumes. */
export type EmptyObjectSet = Record<string, Record<string, never>>;

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The runtime defaults an image carries (`config` in the image config JSON). */
export interface ContainerConfig {
  User?: string;
  /** Keys like "80/tcp". */
  ExposedPorts?: EmptyObjectSet;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: EmptyObjectSet;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  /** Docker extensions, absent from OCI but present in images docker builds. */
  Healthcheck?: HealthConfig;
  OnBuild?: string[] | null;
  Shell?: string[];
}

export interface RootFs {
  type: 'layers';
  /** sha256 of each UNCOMPRESSED layer tar, bottom layer first. */
  diff_ids: Digest[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  /** True for steps that made no layer (ENV, CMD…); they have no diff_id. */
  empty_layer?: boolean;
}

export interface ImageConfig extends Platform {
  created?: string;
  author?: string;
  config?: ContainerConfig;
  rootfs: RootFs;
  history?: HistoryEntry[];
  /** Docker-only fields kept for round trips. */
  container?: string;
  container_config?: ContainerConfig;
  docker_version?: string;
}

/** The `oci-layout` file at the root of an OCI image layout. */
export interface OciLayoutFile {
  imageLayoutVersion: '1.0.0';
}
