/**
 * One HTTP exchange with a registry, on node:http/https rather than the global fetch:
 * - each registry host needs its own CA list and client certificate (certs.d), and an
 *   insecure registry needs verification off, which fetch cannot do per request without
 *   importing undici (not a dependency);
 * - blob bodies must stream both ways with backpressure, and a dropped body must surface
 *   as an error we can classify (to resume with Range), not as a silently short stream;
 * - the timeout we want is "no bytes for N ms" (connect, first byte, or a stalled body),
 *   which is exactly the socket inactivity timeout of node:http.
 */
import {
  Agent as HttpAgent,
  request as httpRequestRaw,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequestRaw } from 'node:https';
import { UnavailableError } from '../../errors/index.js';
import { loadTlsMaterial } from './tls.js';

/**
 * The connection failed, was refused, reset, timed out or broke TLS: nothing from HTTP.
 * An UnavailableError, so it reaches the API as "registry unreachable", not a crash.
 */
export class TransportError extends UnavailableError {
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface HttpResponse {
  method: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  url: URL;
  /** Why the exchange was cut after the headers arrived (a timeout we imposed), if it was. */
  cutReason?: TransportError;
}

export interface HttpRequestOptions {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer | AsyncIterable<Buffer>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Skip certificate verification (insecure registries). */
  insecure?: boolean;
}

/**
 * Keep-alive agents, one per origin and trust setting, so TLS material is read once per
 * host and connections are reused between manifest, blob and token requests. Idle
 * sockets of a keep-alive agent are unref'd by node, so they never hold the process open.
 */
export class AgentPool {
  private readonly agents = new Map<string, HttpAgent>();

  constructor(private readonly certsDir: string) {}

  agentFor(url: URL, insecure: boolean): HttpAgent {
    const key = `${url.protocol}//${url.host}|${insecure ? 'insecure' : 'verify'}`;
    let agent = this.agents.get(key);
    if (agent === undefined) {
      if (url.protocol === 'https:') {
        const material = loadTlsMaterial(this.certsDir, url.host);
        agent = new HttpsAgent({ keepAlive: true, ...material, rejectUnauthorized: !insecure });
      } else {
        agent = new HttpAgent({ keepAlive: true });
      }
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Drops every agent and its sockets (reconfigure, close). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

function describe(err: NodeJS.ErrnoException, url: URL): string {
  return `${url.origin}: ${err.code !== undefined ? `${err.code} ` : ''}${err.message}`.trim();
}

export function httpRequest(pool: AgentPool, options: HttpRequestOptions): Promise<HttpResponse> {
  const { url } = options;
  const send = url.protocol === 'https:' ? httpsRequestRaw : httpRequestRaw;
  const headers: Record<string, string> = { ...options.headers };
  if (Buffer.isBuffer(options.body)) headers['Content-Length'] = String(options.body.length);
  return new Promise<HttpResponse>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(options.signal.reason as Error);
      return;
    }
    const req = send(url, {
      method: options.method,
      headers,
      agent: pool.agentFor(url, options.insecure ?? false),
      timeout: options.timeoutMs,
      signal: options.signal,
    });
    let settled = false;
    let response: HttpResponse | undefined;
    req.on('timeout', () => {
      const err = new TransportError(`${url.origin}: no data for ${options.timeoutMs} ms`, 'ETIMEDOUT');
      if (response !== undefined) response.cutReason = err;
      req.destroy(err);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      if (err.name === 'AbortError' && options.signal?.aborted) reject(options.signal.reason as Error);
      else
        reject(
          err instanceof TransportError
            ? err
            : new TransportError(describe(err, url), err.code, { cause: err }),
        );
    });
    req.on('response', (res) => {
      settled = true;
      // The body is read later; its errors (drops, stalls) surface on the body stream.
      res.on('error', () => undefined);
      response = {
        method: options.method,
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: res,
        url,
      };
      resolve(response);
    });
    const body = options.body;
    if (body === undefined || Buffer.isBuffer(body)) {
      req.end(body);
    } else {
      void (async () => {
        try {
          for await (const chunk of body) {
            if (!req.write(chunk)) {
              await new Promise<void>((resume, fail) => {
                const onDrain = (): void => {
                  req.off('close', onClose);
                  resume();
                };
                const onClose = (): void => {
                  req.off('drain', onDrain);
                  fail(new TransportError(`${url.origin}: connection closed during upload`, 'ECONNRESET'));
                };
                req.once('drain', onDrain);
                req.once('close', onClose);
              });
            }
          }
          req.end();
        } catch (err) {
          req.destroy(err as Error);
        }
      })();
    }
  });
}

/** A body error as a TransportError: "aborted" means the connection went away mid-body. */
export function bodyError(res: HttpResponse, err: unknown): unknown {
  if (err instanceof TransportError || (err instanceof Error && err.name === 'AbortError')) return err;
  if (res.cutReason !== undefined) return res.cutReason;
  const e = err as NodeJS.ErrnoException;
  const text = e.message === 'aborted' ? 'connection closed before the body was complete' : e.message;
  return new TransportError(`${res.url.origin}: ${text}`, e.code ?? 'ECONNRESET', { cause: err });
}

/** The body's chunks; a broken connection surfaces as a TransportError. */
export async function* bodyChunks(res: HttpResponse): AsyncGenerator<Buffer, void, undefined> {
  try {
    for await (const chunk of res.body) yield chunk as Buffer;
  } catch (err) {
    throw bodyError(res, err);
  }
}

/** Reads a whole body, refusing more than `limit` bytes. */
export async function readBody(res: HttpResponse, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        res.body.destroy();
        throw new TransportError(`${res.url.origin}: response body exceeds ${limit} bytes`, 'ETOOBIG');
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    throw bodyError(res, err);
  }
  return Buffer.concat(chunks);
}

/**
 * Throws the body away. Small bodies (and HEAD's none) are drained so the keep-alive
 * socket goes back to the pool; big ones are cut, which costs a reconnect but not a download.
 */
export function discard(res: HttpResponse): void {
  if (res.body.readableEnded || res.body.destroyed) return;
  const length = Number(res.headers['content-length'] ?? NaN);
  if (res.method === 'HEAD' || (Number.isFinite(length) && length < 64 * 1024)) res.body.resume();
  else res.body.destroy();
}
