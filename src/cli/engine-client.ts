/**
 * A small Docker Engine API client over node:http, shared by every lading command.
 *
 * It behaves as the docker CLI's client does, so lading works against ladingd and dockerd alike:
 * - version negotiation on first use: `HEAD /_ping` (then `GET` if that fails), read
 *   `Api-Version`, use min(ours, server's); a server that sends none is treated as 1.24;
 * - every path but `/_ping` is prefixed `/v<version>`;
 * - error bodies `{"message": …}` surface as `Error response from daemon: <message>`;
 * - a daemon that cannot be reached gives docker's "Cannot connect…" sentence with our name.
 *
 * TLS for tcp:// is not wired yet (the flags are accepted); see the CLI report.
 */

import http from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { API_VERSION_DEFAULT, compareApiVersions } from '../api/types/index.js';
import type { EngineEndpoint } from './host.js';

/** The API version used when the server's `/_ping` has no Api-Version header. */
export const FALLBACK_API_VERSION = '1.24';
const UNIX_HOST_HEADER = 'api.moby.localhost';
const MAX_ERROR_BODY = 1024 * 1024;

/** The daemon answered with a status >= 400. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The daemon could not be reached at all. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

export interface PingResult {
  apiVersion: string;
  osType: string;
  experimental: boolean;
  builderVersion: string;
}

export interface RequestOptions {
  /** Arrays become repeated parameters (`names=a&names=b`), as Go's url.Values. */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  body?: unknown;
  /**
   * A request body streamed as it is read (chunked), never held whole in memory: load and
   * import send archives of any size this way.
   */
  upload?: { stream: NodeJS.ReadableStream; contentType: string };
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface EngineResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A hijacked connection (attach, exec start): after `101 UPGRADED` the socket carries the
 * process's raw bytes both ways. `multiplexed` is what the daemon declared in Content-Type;
 * the docker CLI frames by what it knows of the TTY, so callers decide.
 */
export interface HijackedConnection {
  socket: Duplex;
  contentType: string;
}

export interface EngineClientOptions {
  endpoint: EngineEndpoint;
  /** Pin the API version and skip negotiation (DOCKER_API_VERSION). */
  apiVersion?: string;
  userAgent?: string;
}

export class EngineClient {
  private readonly agent = new http.Agent({ keepAlive: true });
  private negotiated: Promise<string> | undefined;
  private current: string | undefined;

  constructor(private readonly opts: EngineClientOptions) {
    if (opts.apiVersion) this.current = opts.apiVersion;
  }

  get endpoint(): EngineEndpoint {
    return this.opts.endpoint;
  }

  /** The API version in use once negotiated (or pinned); undefined before. */
  get apiVersion(): string | undefined {
    return this.current;
  }

  /** Releases keep-alive sockets so the process can exit. */
  close(): void {
    this.agent.destroy();
  }

  async ping(signal?: AbortSignal): Promise<PingResult> {
    let res: http.IncomingMessage;
    try {
      res = await this.send('HEAD', '/_ping', signal ? { signal } : {});
      res.resume();
      if (res.statusCode !== 200) throw new Error('HEAD /_ping failed');
    } catch (err) {
      if (err instanceof ConnectionError) throw err;
      res = await this.send('GET', '/_ping', signal ? { signal } : {});
      const body = await readBody(res, MAX_ERROR_BODY);
      if (!res.headers['api-version'] && (res.statusCode ?? 0) >= 400) {
        throw this.errorFrom(res, body, 'GET', '/_ping');
      }
    }
    const h = res.headers;
    return {
      apiVersion: headerValue(h['api-version']) ?? '',
      osType: headerValue(h['ostype']) ?? '',
      experimental: headerValue(h['docker-experimental']) === 'true',
      builderVersion: headerValue(h['builder-version']) ?? '',
    };
  }

  /** Negotiates once and returns the version every later request uses. */
  negotiate(signal?: AbortSignal): Promise<string> {
    if (this.current) return Promise.resolve(this.current);
    this.negotiated ??= this.ping(signal).then(
      (p) => {
        const server = p.apiVersion || FALLBACK_API_VERSION;
        this.current = compareApiVersions(server, API_VERSION_DEFAULT) < 0 ? server : API_VERSION_DEFAULT;
        return this.current;
      },
      (err: unknown) => {
        this.negotiated = undefined;
        throw err;
      },
    );
    return this.negotiated;
  }

  /** A request whose response body is read whole; statuses >= 400 throw EngineError. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<EngineResponse> {
    const res = await this.open(method, path, opts);
    const body = await readBody(res);
    return { status: res.statusCode ?? 0, headers: res.headers, body };
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const text = res.body.toString('utf8');
    if (text.trim() === '') return undefined as T;
    return JSON.parse(text) as T;
  }

  get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.json<T>('GET', path, opts);
  }

  /**
   * Opens a streaming request; statuses >= 400 throw before any body is handed out. The caller
   * consumes the response (e.g. with `lines()`).
   */
  async open(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    const version = await this.negotiate(opts.signal);
    const res = await this.send(method, `/v${version}${path}`, opts);
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      const body = method === 'HEAD' ? Buffer.alloc(0) : await readBody(res, MAX_ERROR_BODY);
      throw this.errorFrom(res, body, method, `/v${version}${path}`);
    }
    return res;
  }

  /**
   * `Connection: Upgrade` / `Upgrade: tcp` request, as the docker CLI's hijack: resolves with
   * the raw socket once the daemon answers 101; any other answer throws as `open` does. The
   * socket is never returned to the keep-alive pool.
   */
  async hijack(method: string, path: string, opts: RequestOptions = {}): Promise<HijackedConnection> {
    const version = await this.negotiate(opts.signal);
    const full = `/v${version}${path}`;
    const res = await this.send(method, full, {
      ...opts,
      headers: { ...opts.headers, Connection: 'Upgrade', Upgrade: 'tcp' },
      hijack: true,
    });
    if (!(res instanceof http.IncomingMessage)) return res;
    const body = await readBody(res, MAX_ERROR_BODY);
    const status = res.statusCode ?? 0;
    if (status >= 400) throw this.errorFrom(res, body, method, full);
    // docker's wording for a daemon that answered without upgrading the connection.
    throw new EngineError(status, `unable to upgrade to tcp, received ${status}`);
  }

  private errorFrom(res: http.IncomingMessage, body: Buffer, _method: string, path: string): EngineError {
    const status = res.statusCode ?? 0;
    const statusLine = `${status} ${res.statusMessage || http.STATUS_CODES[status] || ''}`.trim();
    if (body.length === 0) {
      return new EngineError(
        status,
        `request returned ${statusLine} for API route and version ${this.baseUrl()}${path}, check if the server supports the requested API version`,
      );
    }
    let detail: string;
    // Exactly application/json, as docker checks; anything else is shown raw.
    if (res.headers['content-type'] === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (err) {
        return new EngineError(status, `error reading JSON: ${(err as Error).message}`);
      }
      const message = (parsed as { message?: unknown } | null)?.message;
      detail =
        typeof message === 'string' && message !== ''
          ? message.trim()
          : `API returned a ${status} (${http.STATUS_CODES[status] ?? ''}) but provided no error-message`;
    } else {
      detail = body.toString('utf8').trim();
    }
    return new EngineError(status, `Error response from daemon: ${detail}`);
  }

  /** The URL as Go's client shows it in transport errors (unix socket path escaped as host). */
  private requestUrl(pathAndQuery: string): string {
    const ep = this.opts.endpoint;
    if (ep.kind === 'unix') return `http://${encodeURIComponent(ep.socketPath)}${pathAndQuery}`;
    return `${this.baseUrl()}${pathAndQuery}`;
  }

  private baseUrl(): string {
    const ep = this.opts.endpoint;
    if (ep.kind === 'unix') return `http://${UNIX_HOST_HEADER}`;
    return `${ep.tls ? 'https' : 'http'}://${ep.host}:${ep.port}`;
  }

  private send(method: string, path: string, opts: RequestOptions): Promise<http.IncomingMessage>;
  private send(
    method: string,
    path: string,
    opts: RequestOptions & { hijack: true },
  ): Promise<http.IncomingMessage | HijackedConnection>;
  private send(
    method: string,
    path: string,
    opts: RequestOptions & { hijack?: boolean },
  ): Promise<http.IncomingMessage | HijackedConnection> {
    const ep = this.opts.endpoint;
    const query = buildQuery(opts.query);
    const headers: Record<string, string> = {
      'User-Agent': this.opts.userAgent ?? 'lading-cli',
      ...opts.headers,
    };
    let payload: Buffer | undefined;
    if (opts.upload) {
      headers['Content-Type'] = opts.upload.contentType;
    } else if (opts.body !== undefined) {
      payload = Buffer.from(JSON.stringify(opts.body));
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const target: http.RequestOptions =
      ep.kind === 'unix'
        ? { socketPath: ep.socketPath, headers: { Host: UNIX_HOST_HEADER, ...headers } }
        : { host: ep.host, port: ep.port, headers };
    return new Promise((resolve, reject) => {
      const req = http.request({
        ...target,
        method,
        path: path + query,
        // A hijacked socket belongs to the caller; it must not come from (or go back to) the pool.
        agent: opts.hijack ? false : this.agent,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      let answered = false;
      req.on('upgrade', (res, socket, head) => {
        answered = true;
        if (head.length > 0) socket.unshift(head);
        resolve({ socket, contentType: headerValue(res.headers['content-type']) ?? '' });
      });
      req.on('response', (res) => {
        answered = true;
        resolve(res);
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        // Once the daemon has answered (e.g. an error before the upload finished), a broken
        // upload is not the failure to report: the response is.
        if (!answered) reject(this.connectionError(err));
      });
      if (!opts.upload) {
        req.end(payload);
        return;
      }
      pipeline(opts.upload.stream, req).catch((err: NodeJS.ErrnoException) => {
        if (answered) return;
        req.destroy();
        if (err.syscall === 'connect') {
          reject(this.connectionError(err));
          return;
        }
        // Go's net/http wording for a body that failed to read: `Post "<url>": read x: …`.
        const verb = method.charAt(0) + method.slice(1).toLowerCase();
        reject(
          new ConnectionError(
            `error during connect: ${verb} "${this.requestUrl(path + query)}": ${err.message}`,
          ),
        );
      });
    });
  }

  private connectionError(err: NodeJS.ErrnoException): Error {
    if (err.name === 'AbortError') return err;
    const url = this.opts.endpoint.url;
    switch (err.code) {
      case 'ECONNREFUSED':
      case 'ENOENT':
      case 'ENOTFOUND':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'ETIMEDOUT':
      case 'ENOTSOCK':
        return new ConnectionError(
          `Cannot connect to the lading daemon at ${url}. Is the lading daemon running?`,
        );
      case 'EACCES':
        return new ConnectionError(
          `permission denied while trying to connect to the lading daemon socket at ${url}: connect: permission denied`,
        );
      default:
        return new ConnectionError(`error during connect: ${err.message}`);
    }
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function buildQuery(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      for (const item of v as readonly string[]) params.append(k, item);
      continue;
    }
    params.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

async function readBody(res: http.IncomingMessage, limit = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size <= limit) chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Splits a streamed response into lines (JSON-lines endpoints like /events end each object
 * with "\n" or "\r\n"). Ends when the server closes the stream.
 */
export async function* lines(res: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let pending = '';
  // A decoder, not chunk.toString(): a multi-byte character may straddle two chunks.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of res) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
      if (line.trim() !== '') yield line;
    }
  }
  pending += decoder.end();
  if (pending.trim() !== '') yield pending;
}
