/**
 * Telling a manifest from an index when all we have is bytes. Registries send both under
 * one endpoint and some omit `mediaType`, so the document's shape decides, and a document
 * that claims to be both (hostile-input.md row 20) is refused rather than guessed at.
 */
import { isDigest } from './digest.js';
import { MediaType, isIndexMediaType, isManifestMediaType } from './media-types.js';
import type { Descriptor, ImageIndex, ImageManifest, ManifestDocument } from './types.js';

/** Registries and docker refuse manifests larger than this; so do we, before parsing. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export class InvalidManifestError extends Error {
  override readonly name = 'InvalidManifestError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkDescriptor(value: unknown, where: string): Descriptor {
  if (!isRecord(value)) throw new InvalidManifestError(`${where}: not an object`);
  if (typeof value.mediaType !== 'string') throw new InvalidManifestError(`${where}: mediaType missing`);
  if (!isDigest(value.digest)) throw new InvalidManifestError(`${where}: digest is not sha256:<64 hex>`);
  if (typeof value.size !== 'number' || !Number.isSafeInteger(value.size) || value.size < 0) {
    throw new InvalidManifestError(`${where}: size must be a non-negative integer`);
  }
  return value as unknown as Descriptor;
}

/**
 * Parses a manifest or index. `contentType` is the HTTP Content-Type (or the descriptor's
 * media type) when known; if both it and the document name a type they must agree.
 */
export function parseManifestDocument(bytes: Buffer | string, contentType?: string): ManifestDocument {
  const length = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (length > MAX_MANIFEST_BYTES) {
    throw new InvalidManifestError(`manifest is ${length} bytes; the limit is ${MAX_MANIFEST_BYTES}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString());
  } catch (err) {
    throw new InvalidManifestError(`manifest is not JSON: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) throw new InvalidManifestError('manifest is not a JSON object');
  if (doc.schemaVersion !== 2)
    throw new InvalidManifestError(`unsupported schemaVersion ${String(doc.schemaVersion)}`);
  const hasManifests = 'manifests' in doc;
  const hasLayers = 'layers' in doc || 'config' in doc;
  if (hasManifests && hasLayers) throw new InvalidManifestError('document has both "manifests" and "layers"');

  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const type = contentType?.split(';')[0]?.trim();
  if (declared !== undefined && type !== undefined && type !== '' && declared !== type) {
    throw new InvalidManifestError(`mediaType ${declared} does not match content type ${type}`);
  }
  const mediaType = declared ?? type;

  if (hasManifests) {
    if (mediaType !== undefined && !isIndexMediaType(mediaType)) {
      throw new InvalidManifestError(`an index cannot have media type ${mediaType}`);
    }
    if (!Array.isArray(doc.manifests)) throw new InvalidManifestError('"manifests" is not an array');
    doc.manifests.forEach((d, i) => checkDescriptor(d, `manifests[${i}]`));
    return { kind: 'index', index: { ...doc, mediaType: mediaType ?? MediaType.OciIndex } as ImageIndex };
  }
  if (mediaType !== undefined && !isManifestMediaType(mediaType)) {
    throw new InvalidManifestError(`unsupported manifest media type ${mediaType}`);
  }
  checkDescriptor(doc.config, 'config');
  if (!Array.isArray(doc.layers)) throw new InvalidManifestError('"layers" is not an array');
  doc.layers.forEach((d, i) => checkDescriptor(d, `layers[${i}]`));
  return {
    kind: 'manifest',
    manifest: { ...doc, mediaType: mediaType ?? MediaType.OciManifest } as ImageManifest,
  };
}
