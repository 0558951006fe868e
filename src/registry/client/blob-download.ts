/**
 * Streaming blob download with resume and verification (hostile-input.md row 18).
 *
 * Bytes are hashed as they pass; nothing is buffered beyond one chunk. When the
 * connection drops (or the body ends short), the download goes on with
 * `Range: bytes=N-` from the same endpoint; a server that answers 200 instead of 206 is
 * re-read and its first N bytes thrown away. Once an endpoint has used up its resumes,
 * a mirror is passed over and the next endpoint continues from N — any endpoint serves
 * the same content-addressed bytes.
 *
 * Bytes that do not hash to the digest (or overrun the size) can only be detected after
 * they were handed out. If the caller passed `onRestart`, it is told to truncate what it
 * has, and the download starts again from 0 (on the next endpoint when a mirror lied), up
 * to `maxRestarts`. Otherwise, or when restarts are used up, the iterable throws.
 */
import { messageOf, UnavailableError } from '../../errors/index.js';
import { Digester, type Descriptor } from '../../oci/index.js';
import type { EndpointSession } from './endpoint-session.js';
import type { Endpoint } from './endpoints.js';
import { bodyChunks, discard, readBody, TransportError, type HttpResponse } from './http-request.js';
import {
  abortReason,
  candidateEndpoints,
  isAbort,
  mirrorsExhaustedError,
  passOver,
  served,
  type SelectionContext,
} from './mirror-selection.js';
import type { BlobDownloadOptions } from './registry-client.js';
import { parseErrcodeBody, registryError } from './registry-errors.js';

/** Docker's words for a layer whose bytes are not what the manifest promised. */
export class BlobVerificationError extends UnavailableError {}

export interface BlobDownloadContext {
  selection: SelectionContext;
  session: (endpoint: Endpoint) => EndpointSession;
  repository: string;
  maxResumes: number;
  maxRestarts: number;
}

function parseContentRangeStart(value: string | undefined): number | undefined {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(value?.trim() ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

async function openAt(
  ctx: BlobDownloadContext,
  endpoint: Endpoint,
  descriptor: Descriptor,
  offset: number,
  signal: AbortSignal | undefined,
): Promise<{ res: HttpResponse; skip: number }> {
  const headers: Record<string, string> = {};
  if (offset > 0) headers.Range = `bytes=${offset}-`;
  const res = await ctx.session(endpoint).request({
    method: 'GET',
    path: `${ctx.repository}/blobs/${descriptor.digest}`,
    headers,
    signal,
    followRedirects: true,
  });
  if (res.status === 206 && offset > 0) {
    const start = parseContentRangeStart(res.headers['content-range'] as string | undefined);
    if (start === offset) return { res, skip: 0 };
    discard(res);
    throw new TransportError(
      `${endpoint.url}: asked for bytes from ${offset}, got Content-Range ${String(res.headers['content-range'])}`,
      'EBADRANGE',
    );
  }
  if (res.status === 200) return { res, skip: offset };
  const body = await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0));
  const entries = parseErrcodeBody(body);
  throw registryError(res.status, entries, `blob ${descriptor.digest}`);
}

/** A failure worth resuming: the transport broke, or the registry had a 5xx moment. */
function isTransient(err: unknown): boolean {
  return err instanceof UnavailableError && !(err instanceof BlobVerificationError);
}

export async function* downloadBlob(
  ctx: BlobDownloadContext,
  descriptor: Descriptor,
  options: BlobDownloadOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const { signal } = options;
  const what = `blob ${descriptor.digest}`;
  const endpoints = candidateEndpoints(ctx.selection, what);
  let index = 0;
  let digester = new Digester();
  let delivered = 0;
  let received = 0;
  let resumes = 0;
  let restarts = 0;
  let last: unknown;

  while (index < endpoints.length) {
    const endpoint = endpoints[index] as Endpoint;
    let res: HttpResponse | undefined;
    // Whether the failure came while reading a body (a drop worth resuming even at offset 0).
    let inBody = false;
    try {
      const opened = await openAt(ctx, endpoint, descriptor, delivered, signal);
      res = opened.res;
      let skip = opened.skip;
      if (skip > 0) options.onResume?.(delivered, `${endpoint.url} ignored Range; re-reading ${skip} bytes`);
      inBody = true;
      for await (const raw of bodyChunks(res)) {
        let chunk = raw;
        received += chunk.length;
        if (skip > 0) {
          const dropped = Math.min(skip, chunk.length);
          skip -= dropped;
          chunk = chunk.subarray(dropped);
          if (chunk.length === 0) continue;
        }
        if (delivered + chunk.length > descriptor.size) {
          throw new BlobVerificationError(
            `filesystem layer verification failed for digest ${descriptor.digest}: more than ${descriptor.size} bytes`,
          );
        }
        digester.update(chunk);
        delivered += chunk.length;
        options.onProgress?.(received);
        yield chunk;
      }
      if (delivered < descriptor.size) {
        throw new TransportError(
          `${endpoint.url}: ${what} ended after ${delivered} of ${descriptor.size} bytes`,
          'ESHORT',
        );
      }
      if (digester.digest() !== descriptor.digest) {
        throw new BlobVerificationError(
          `filesystem layer verification failed for digest ${descriptor.digest}`,
        );
      }
      served(ctx.selection, endpoint, what);
      return;
    } catch (err) {
      res?.body.destroy();
      if (isAbort(err, signal)) throw abortReason(err, signal);
      last = err;
      if (err instanceof BlobVerificationError) {
        if (endpoint.mirror) {
          passOver(ctx.selection, endpoint, what, err);
          index++;
        }
        if (options.onRestart === undefined || restarts >= ctx.maxRestarts || index >= endpoints.length)
          throw err;
        restarts++;
        options.onRestart(messageOf(err));
        digester = new Digester();
        delivered = 0;
        continue;
      }
      if ((inBody || delivered > 0) && isTransient(err) && resumes < ctx.maxResumes) {
        resumes++;
        options.onResume?.(delivered, messageOf(err));
        continue;
      }
      if (!endpoint.mirror) throw err;
      passOver(ctx.selection, endpoint, what, err);
      resumes = 0;
      index++;
    } finally {
      // The consumer stopped early (break/throw in for-await): let the connection go.
      if (res !== undefined && !res.body.complete) res.body.destroy();
    }
  }
  throw mirrorsExhaustedError(ctx.selection, what, last);
}

/** Whole small blob (configs), verified; a restart simply drops what was collected. */
export async function fetchWholeBlob(
  ctx: BlobDownloadContext,
  descriptor: Descriptor,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  if (descriptor.size > maxBytes) {
    throw new BlobVerificationError(
      `blob ${descriptor.digest} is ${descriptor.size} bytes; the limit is ${maxBytes}`,
    );
  }
  let chunks: Buffer[] = [];
  const options: BlobDownloadOptions = {
    onRestart: () => {
      chunks = [];
    },
  };
  if (signal !== undefined) options.signal = signal;
  for await (const chunk of downloadBlob(ctx, descriptor, options)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
