/**
 * GET and HEAD of manifests on one endpoint, with every check a pulled document must pass
 * (hostile-input.md rows 19–20): at most 4 MiB, schema 1 refused with Docker's words, the
 * digest computed from the bytes and compared with the digest asked for and with the
 * Docker-Content-Digest header, and the document parsed so its media type agrees with the
 * Content-Type.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import {
  InvalidManifestError,
  isDigest,
  MAX_MANIFEST_BYTES,
  MediaType,
  parseManifestDocument,
  sha256Digest,
  type Digest,
  type ManifestDocument,
} from '../../oci/index.js';
import type { EndpointSession } from './endpoint-session.js';
import { discard, readBody, TransportError } from './http-request.js';
import { parseErrcodeBody, pullManifestError } from './registry-errors.js';

/** What we accept, most preferred first: registries pick by it when converting. */
export const MANIFEST_ACCEPT = [
  MediaType.OciIndex,
  MediaType.DockerManifestList,
  MediaType.OciManifest,
  MediaType.DockerManifest,
].join(', ');

const SCHEMA1_TYPES = new Set<string>([
  MediaType.DockerManifestSchema1,
  MediaType.DockerManifestSchema1Signed,
]);

/** Content types that say nothing about the document; the document's own mediaType decides. */
const GENERIC_TYPES = new Set(['', 'application/json', 'application/octet-stream', 'text/plain']);

/** Docker's refusal of schema 1, naming the image so the user knows whom to ask. */
export function schema1Error(image: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `support for Docker Image Format v1 and Docker Image manifest version 2, schema 1 has been removed. ` +
      `Suggest the author of ${image} to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. ` +
      `More information at https://docs.docker.com/go/deprecated-image-specs/`,
  );
}

/** Bytes that are not the document asked for: wrong digest, type or shape. */
export class ManifestVerificationError extends InvalidArgumentError {}

export interface ManifestTarget {
  repository: string;
  /** For messages: 'busybox', '127.0.0.1:5000/app'. */
  familiar: string;
  /** Tag or digest. */
  reference: string;
}

function contentTypeOf(value: string | undefined): string {
  return (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function looksLikeSchema1(bytes: Buffer): boolean {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { schemaVersion?: unknown };
    return doc.schemaVersion === 1;
  } catch {
    return false;
  }
}

function imageName(target: ManifestTarget): string {
  return target.reference.startsWith('sha256:')
    ? `${target.familiar}@${target.reference}`
    : `${target.familiar}:${target.reference}`;
}

function checkHeaderDigest(header: string | string[] | undefined, computed: Digest, where: string): void {
  if (header === undefined) return;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return;
  if (!isDigest(value) || value !== computed) {
    throw new ManifestVerificationError(
      `${where}: Docker-Content-Digest ${value} does not match the content's digest ${computed}`,
    );
  }
}

export interface FetchedBytes {
  document: ManifestDocument;
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
}

export async function fetchManifest(
  session: EndpointSession,
  target: ManifestTarget,
  signal: AbortSignal | undefined,
): Promise<FetchedBytes> {
  const path = `${target.repository}/manifests/${target.reference}`;
  const res = await session.request({
    method: 'GET',
    path,
    headers: { Accept: MANIFEST_ACCEPT },
    signal,
    followRedirects: true,
  });
  const where = `${session.endpoint.url} ${imageName(target)}`;
  if (res.status !== 200) {
    const body = await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0));
    throw pullManifestError(res.status, parseErrcodeBody(body), target.familiar, target.reference);
  }
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_MANIFEST_BYTES) {
    discard(res);
    throw new ManifestVerificationError(
      `${where}: manifest is ${declared} bytes; the limit is ${MAX_MANIFEST_BYTES}`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readBody(res, MAX_MANIFEST_BYTES);
  } catch (err) {
    if (err instanceof TransportError && err.code === 'ETOOBIG') {
      throw new ManifestVerificationError(
        `${where}: manifest exceeds the limit of ${MAX_MANIFEST_BYTES} bytes`,
      );
    }
    throw err;
  }
  const contentType = contentTypeOf(res.headers['content-type']);
  // Schema 1 was also served as application/json, so the body decides too.
  if (SCHEMA1_TYPES.has(contentType) || looksLikeSchema1(bytes)) {
    throw schema1Error(imageName(target));
  }
  // Always hash what arrived: a tag's digest is this, and a digest reference must equal it.
  const digest = sha256Digest(bytes);
  if (target.reference.startsWith('sha256:') && target.reference !== digest) {
    throw new ManifestVerificationError(`manifest verification failed for digest ${target.reference}`);
  }
  checkHeaderDigest(res.headers['docker-content-digest'], digest, where);
  let document: ManifestDocument;
  try {
    document = parseManifestDocument(bytes, GENERIC_TYPES.has(contentType) ? undefined : contentType);
  } catch (err) {
    if (err instanceof InvalidManifestError) {
      throw new ManifestVerificationError(`${where}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  const mediaType = document.kind === 'index' ? document.index.mediaType : document.manifest.mediaType;
  return { document, bytes, mediaType, digest };
}

/** HEAD: the digest the registry names, or undefined on 404. */
export async function headManifest(
  session: EndpointSession,
  target: ManifestTarget,
  signal: AbortSignal | undefined,
): Promise<Digest | undefined> {
  const res = await session.request({
    method: 'HEAD',
    path: `${target.repository}/manifests/${target.reference}`,
    headers: { Accept: MANIFEST_ACCEPT },
    signal,
    followRedirects: true,
  });
  discard(res);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw pullManifestError(res.status, [], target.familiar, target.reference);
  const header = res.headers['docker-content-digest'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && isDigest(value)) {
    if (target.reference.startsWith('sha256:') && value !== target.reference) {
      throw new ManifestVerificationError(`manifest verification failed for digest ${target.reference}`);
    }
    return value;
  }
  // No usable header: the digest comes from the bytes, as for any GET.
  return (await fetchManifest(session, target, signal)).digest;
}
