/** PUT of a manifest by tag (or digest) to the upstream; the digest is ours, the registry's must agree. */
import { UnavailableError } from '../../errors/index.js';
import { isDigest, sha256Digest } from '../../oci/index.js';
import type { EndpointSession } from './endpoint-session.js';
import { discard, readBody } from './http-request.js';
import type { PushedManifest } from './registry-client.js';
import { parseErrcodeBody, registryError } from './registry-errors.js';

export async function putManifest(
  session: EndpointSession,
  repository: string,
  reference: string,
  bytes: Buffer,
  mediaType: string,
  signal: AbortSignal | undefined,
): Promise<PushedManifest> {
  const res = await session.request({
    method: 'PUT',
    path: `${repository}/manifests/${reference}`,
    headers: { 'Content-Type': mediaType },
    body: bytes,
    signal,
  });
  if (res.status !== 201 && res.status !== 200) {
    const body = await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0));
    throw registryError(res.status, parseErrcodeBody(body));
  }
  discard(res);
  const digest = sha256Digest(bytes);
  const named = res.headers['docker-content-digest'];
  if (typeof named === 'string' && isDigest(named) && named !== digest) {
    throw new UnavailableError(`registry stored manifest ${named}, but its bytes hash to ${digest}`);
  }
  return { digest, size: bytes.length };
}
