/**
 * Requests to one endpoint with authentication handled: the endpoint is pinged once
 * (GET /v2/, which also settles HTTPS-or-HTTP for an insecure registry, as Docker does)
 * to learn its challenge, then every request carries the matching Authorization — a
 * cached bearer token for the session's scopes, Basic credentials, or a registry token as
 * given. A 401 on a request whose body can be replayed gets one more try with a fresh
 * token (revoked tokens, or a registry that only challenges some paths).
 */
import { UnavailableError } from '../../errors/index.js';
import { parseWwwAuthenticate, type AuthChallenge } from './auth-challenge.js';
import type { Endpoint } from './endpoints.js';
import { discard, httpRequest, TransportError, type AgentPool, type HttpResponse } from './http-request.js';
import type { RegistryCredentials } from './registry-client.js';
import { registryError } from './registry-errors.js';
import type { TokenCache, TokenRequest, TokenTransport } from './token-cache.js';

export interface ClientContext {
  agents: AgentPool;
  tokens: TokenCache;
  userAgent: string;
  timeoutMs: number;
  /** Ping results per endpoint URL; cleared on reconfigure. */
  pings: Map<string, Promise<PingResult>>;
  /** Endpoint URL → the base URL its last good ping used (HTTP for an insecure registry without TLS). */
  resolved: Map<string, string>;
}

export interface PingResult {
  /** The base URL that answered (the HTTP fallback for an insecure registry that has no TLS). */
  baseUrl: string;
  challenges: AuthChallenge[];
}

export interface SessionRequest {
  method: string;
  /** Path after `/v2/` (e.g. 'library/busybox/manifests/latest'), or an absolute URL. */
  path?: string;
  url?: URL;
  headers?: Record<string, string>;
  body?: Buffer | AsyncIterable<Buffer>;
  signal?: AbortSignal | undefined;
  /** Follow redirects (blob GETs go to storage backends); GET and HEAD only. */
  followRedirects?: boolean;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export function tokenTransport(ctx: ClientContext, signal?: AbortSignal): TokenTransport {
  return async (request) =>
    httpRequest(ctx.agents, {
      method: request.method,
      url: request.url,
      headers: { 'User-Agent': ctx.userAgent, ...request.headers },
      ...(request.body !== undefined ? { body: request.body } : {}),
      timeoutMs: ctx.timeoutMs,
      signal,
    });
}

async function pingOnce(
  ctx: ClientContext,
  endpoint: Endpoint,
  base: string,
  signal?: AbortSignal,
): Promise<PingResult> {
  const res = await httpRequest(ctx.agents, {
    method: 'GET',
    url: new URL(`${base}/v2/`),
    headers: { 'User-Agent': ctx.userAgent },
    timeoutMs: ctx.timeoutMs,
    insecure: endpoint.insecure,
    signal,
  });
  discard(res);
  if (res.status >= 500) throw registryError(res.status, [], `${base}/v2/`);
  return {
    baseUrl: base,
    challenges: res.status === 401 ? parseWwwAuthenticate(res.headers['www-authenticate']) : [],
  };
}

/** Waits for a shared promise, but lets this caller's signal end its own wait. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}

/**
 * Pings an endpoint (cached); for an insecure upstream, HTTPS first and plain HTTP when it
 * does not connect. The ping is shared by concurrent callers, so it runs without any one
 * caller's signal (its timeout bounds it) and each caller waits with its own.
 */
export function ping(ctx: ClientContext, endpoint: Endpoint, signal?: AbortSignal): Promise<PingResult> {
  let result = ctx.pings.get(endpoint.url);
  if (result === undefined) {
    result = (async () => {
      try {
        return await pingOnce(ctx, endpoint, endpoint.url);
      } catch (err) {
        if (endpoint.httpFallbackUrl !== undefined && err instanceof TransportError) {
          return pingOnce(ctx, endpoint, endpoint.httpFallbackUrl);
        }
        throw err;
      }
    })();
    ctx.pings.set(endpoint.url, result);
    result.then((r) => ctx.resolved.set(endpoint.url, r.baseUrl)).catch(() => undefined);
    // A failed ping is not remembered: the next request tries again.
    result.catch(() => {
      if (ctx.pings.get(endpoint.url) === result) ctx.pings.delete(endpoint.url);
    });
  }
  return abortable(result, signal);
}

export class EndpointSession {
  constructor(
    private readonly ctx: ClientContext,
    readonly endpoint: Endpoint,
    private readonly scopes: readonly string[],
    private readonly credentials: RegistryCredentials | undefined,
  ) {}

  private tokenRequest(challenge: AuthChallenge): TokenRequest {
    const realm = challenge.params.realm;
    if (realm === undefined)
      throw new UnavailableError(`${this.endpoint.url}: bearer challenge without a realm`);
    return { realm, service: challenge.params.service, scopes: this.scopes, credentials: this.credentials };
  }

  /** The Authorization header for these challenges, or undefined to go anonymous. */
  private async authorization(
    challenges: AuthChallenge[],
    signal: AbortSignal | undefined,
  ): Promise<{ header: string; tokenRequest?: TokenRequest } | undefined> {
    const creds = this.credentials;
    if (creds?.kind === 'registry-token') return { header: `Bearer ${creds.token}` };
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer !== undefined) {
      const tokenRequest = this.tokenRequest(bearer);
      // Shared by concurrent callers: fetched without one caller's signal, awaited with it.
      const issued = await abortable(this.ctx.tokens.get(tokenTransport(this.ctx), tokenRequest), signal);
      return { header: `Bearer ${issued.token}`, tokenRequest };
    }
    if (challenges.some((c) => c.scheme === 'basic') && creds?.kind === 'basic') {
      return { header: basicHeader(creds.username, creds.password) };
    }
    return undefined;
  }

  /** The base URL that answered the ping (with any mirror path prefix). */
  async baseUrl(signal?: AbortSignal): Promise<string> {
    return (await ping(this.ctx, this.endpoint, signal)).baseUrl;
  }

  async request(req: SessionRequest): Promise<HttpResponse> {
    const pinged = await ping(this.ctx, this.endpoint, req.signal);
    const url = req.url ?? new URL(`${pinged.baseUrl}/v2/${req.path ?? ''}`);
    const origin = new URL(pinged.baseUrl).origin;
    let challenges = pinged.challenges;
    const replayable = req.body === undefined || Buffer.isBuffer(req.body);
    for (let attempt = 0; ; attempt++) {
      const auth = await this.authorization(challenges, req.signal);
      const res = await this.follow(url, origin, req, auth?.header);
      if (res.status !== 401 || attempt > 0 || !replayable) return res;
      const fresh = parseWwwAuthenticate(res.headers['www-authenticate']);
      if (fresh.length === 0) return res;
      discard(res);
      if (auth?.tokenRequest !== undefined) {
        this.ctx.tokens.invalidate(auth.tokenRequest, auth.header.slice('Bearer '.length));
      }
      challenges = fresh;
      // Remember them, so later requests authenticate up front instead of after a 401.
      const remembered: PingResult = { baseUrl: pinged.baseUrl, challenges: fresh };
      this.ctx.pings.set(this.endpoint.url, Promise.resolve(remembered));
    }
  }

  private async follow(
    start: URL,
    origin: string,
    req: SessionRequest,
    authorization: string | undefined,
  ): Promise<HttpResponse> {
    let url = start;
    for (let hops = 0; ; hops++) {
      const sameOrigin = url.origin === origin;
      const headers: Record<string, string> = { 'User-Agent': this.ctx.userAgent, ...req.headers };
      // Credentials never leave the registry's origin (redirects to storage are pre-signed).
      if (authorization !== undefined && sameOrigin) headers.Authorization = authorization;
      const res = await httpRequest(this.ctx.agents, {
        method: req.method,
        url,
        headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        timeoutMs: this.ctx.timeoutMs,
        insecure: this.endpoint.insecure && sameOrigin,
        signal: req.signal,
      });
      const location = res.headers.location;
      const canFollow = req.followRedirects === true && (req.method === 'GET' || req.method === 'HEAD');
      if (!canFollow || !REDIRECT_STATUSES.has(res.status) || location === undefined) return res;
      discard(res);
      if (hops >= MAX_REDIRECTS) throw new UnavailableError(`${start.origin}: too many redirects`);
      url = new URL(location, url);
    }
  }
}
