/**
 * Pushing blobs to the upstream (never a mirror, as in Docker):
 * - HEAD to learn whether the repository already has a blob;
 * - cross-repository mount, `POST ?mount=<digest>&from=<repo>`: 201 means mounted, 202
 *   means the registry opened an upload instead, which we cancel because the caller will
 *   upload with its own stream;
 * - upload of a stream whose digest is known only at the end: POST opens the session, a
 *   stream that fits in one chunk goes up in the closing `PUT ?digest=` (monolithic),
 *   anything longer is PATCHed chunk by chunk with Content-Range and closed with an empty
 *   PUT. Each PATCH is a Buffer so a 401 can replay it.
 */
import { UnavailableError } from '../../errors/index.js';
import { Digester, isDigest, type Digest } from '../../oci/index.js';
import type { EndpointSession } from './endpoint-session.js';
import { discard, readBody, type HttpResponse } from './http-request.js';
import { parseErrcodeBody, registryError } from './registry-errors.js';

export const DEFAULT_UPLOAD_CHUNK_BYTES = 16 * 1024 * 1024;

async function failure(res: HttpResponse, what: string): Promise<Error> {
  const body = await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0));
  return registryError(res.status, parseErrcodeBody(body), what);
}

function locationOf(res: HttpResponse, what: string): URL {
  const location = res.headers.location;
  if (location === undefined || location === '')
    throw new UnavailableError(`${what}: registry sent no Location`);
  return new URL(location, res.url);
}

export async function blobExists(
  session: EndpointSession,
  repository: string,
  digest: Digest,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const res = await session.request({
    method: 'HEAD',
    path: `${repository}/blobs/${digest}`,
    signal,
    followRedirects: true,
  });
  discard(res);
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw registryError(res.status, [], `HEAD blob ${digest}`);
}

export async function mountBlob(
  session: EndpointSession,
  repository: string,
  digest: Digest,
  from: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const query = new URLSearchParams({ mount: digest, from }).toString();
  const res = await session.request({
    method: 'POST',
    path: `${repository}/blobs/uploads/?${query}`,
    signal,
  });
  if (res.status === 201) {
    discard(res);
    return true;
  }
  if (res.status === 202) {
    discard(res);
    // Not mounted; close the upload it opened so it does not linger until the registry's purge.
    const cancel = await session
      .request({ method: 'DELETE', url: locationOf(res, 'mount'), signal })
      .catch(() => undefined);
    if (cancel !== undefined) discard(cancel);
    return false;
  }
  throw await failure(res, `mount of ${digest} from ${from}`);
}

/** Regroups a stream into chunks of exactly `size` bytes (the last may be shorter). */
async function* rechunk(content: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of content) {
    let rest = piece;
    while (rest.length > 0) {
      const take = Math.min(size - pendingBytes, rest.length);
      pending.push(rest.subarray(0, take));
      pendingBytes += take;
      rest = rest.subarray(take);
      if (pendingBytes === size) {
        yield Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

export async function uploadBlob(
  session: EndpointSession,
  repository: string,
  content: AsyncIterable<Buffer>,
  chunkBytes: number,
  options: { signal?: AbortSignal | undefined; onProgress?: ((sent: number) => void) | undefined },
): Promise<{ digest: Digest; size: number }> {
  const { signal } = options;
  const start = await session.request({ method: 'POST', path: `${repository}/blobs/uploads/`, signal });
  if (start.status !== 202) throw await failure(start, 'starting a blob upload');
  discard(start);
  let location = locationOf(start, 'starting a blob upload');
  const digester = new Digester();
  const chunks = rechunk(content, chunkBytes)[Symbol.asyncIterator]();
  let next = await chunks.next();
  let finalBody: Buffer | undefined;
  while (!next.done) {
    const chunk = next.value;
    digester.update(chunk);
    const following = await chunks.next();
    if (following.done && digester.size === chunk.length) {
      finalBody = chunk; // the whole blob is one chunk: monolithic PUT
      next = following;
      break;
    }
    const offset = digester.size - chunk.length;
    const res = await session.request({
      method: 'PATCH',
      url: location,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `${offset}-${digester.size - 1}`,
      },
      body: chunk,
      signal,
    });
    if (res.status !== 202) throw await failure(res, `uploading bytes ${offset}-${digester.size - 1}`);
    discard(res);
    location = locationOf(res, 'blob upload');
    options.onProgress?.(digester.size);
    next = following;
  }
  const digest = digester.digest();
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  const put = await session.request({
    method: 'PUT',
    url,
    headers: { 'Content-Type': 'application/octet-stream' },
    body: finalBody ?? Buffer.alloc(0),
    signal,
  });
  if (put.status !== 201) throw await failure(put, `completing the upload of ${digest}`);
  discard(put);
  const named = put.headers['docker-content-digest'];
  if (typeof named === 'string' && isDigest(named) && named !== digest) {
    throw new UnavailableError(`registry stored ${named} for an upload whose digest is ${digest}`);
  }
  if (finalBody !== undefined) options.onProgress?.(digester.size);
  return { digest, size: digester.size };
}
