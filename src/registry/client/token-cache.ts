/**
 * Bearer tokens from a registry's token service (the distribution token spec), cached per
 * realm + service + scopes + credentials until shortly before they expire, so a pull of
 * twenty layers asks once. Concurrent requests for the same token share one fetch.
 *
 * How a token is asked for follows Docker:
 * - anonymous or username/password: GET realm?service=&scope=… (Basic auth when given;
 *   `offline_token=true&client_id=lading` when a login wants a refresh token);
 * - an identity token (OAuth2 refresh token from an earlier login): POST a form with
 *   grant_type=refresh_token, client_id, access_type=offline.
 */
import { createHash } from 'node:crypto';
import { UnauthorizedError, UnavailableError } from '../../errors/index.js';
import { discard, readBody, type HttpResponse } from './http-request.js';
import { describeRegistryErrors, parseErrcodeBody } from './registry-errors.js';
import type { RegistryCredentials } from './registry-client.js';

export const TOKEN_CLIENT_ID = 'lading';
/** The token spec's default lifetime when expires_in is missing. */
export const DEFAULT_TOKEN_LIFETIME_S = 60;
const MAX_TOKEN_RESPONSE = 1024 * 1024;

export interface TokenRequest {
  realm: string;
  service: string | undefined;
  scopes: readonly string[];
  credentials: RegistryCredentials | undefined;
  /** Ask for a refresh token too (login). */
  offline?: boolean;
}

export interface IssuedToken {
  token: string;
  /** ms since the epoch after which it is not used any more (lifetime minus slack). */
  usableUntil: number;
  refreshToken?: string;
}

/** Sends one token-service request; the registry client supplies agents and timeouts. */
export type TokenTransport = (request: {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
}) => Promise<HttpResponse>;

function credentialKey(credentials: RegistryCredentials | undefined): string {
  if (credentials === undefined) return 'anonymous';
  return createHash('sha256').update(JSON.stringify(credentials)).digest('hex');
}

export function tokenCacheKey(request: TokenRequest): string {
  const scopes = [...request.scopes].sort().join(' ');
  return [request.realm, request.service ?? '', scopes, credentialKey(request.credentials)].join('|');
}

/** Keep a margin so a token never expires between the check and the registry's check. */
function slackMs(lifetimeMs: number): number {
  return Math.min(5000, lifetimeMs / 10);
}

interface TokenResponseBody {
  token?: unknown;
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
}

/**
 * Token services answer failures as errcode bodies, as OAuth2 errors, or (Docker Hub) as
 * {"details": "incorrect username or password"}; Docker prints the last as
 * "unauthorized: incorrect username or password".
 */
function tokenErrorText(status: number, body: Buffer): string {
  const entries = parseErrcodeBody(body);
  if (entries.length > 0) return describeRegistryErrors(status, entries);
  try {
    const doc = JSON.parse(body.toString('utf8')) as {
      details?: unknown;
      error_description?: unknown;
      error?: unknown;
    };
    const text = [doc.details, doc.error_description, doc.error].find(
      (v) => typeof v === 'string' && v !== '',
    );
    if (typeof text === 'string') return `${status === 401 ? 'unauthorized' : 'denied'}: ${text}`;
  } catch {
    // not JSON: fall through to the status
  }
  return describeRegistryErrors(status, []);
}

export async function fetchToken(transport: TokenTransport, request: TokenRequest): Promise<IssuedToken> {
  const url = new URL(request.realm);
  const headers: Record<string, string> = {};
  let method: 'GET' | 'POST' = 'GET';
  let body: Buffer | undefined;
  const creds = request.credentials;
  if (creds?.kind === 'identity-token') {
    method = 'POST';
    const form = new URLSearchParams();
    form.set('grant_type', 'refresh_token');
    form.set('refresh_token', creds.token);
    if (request.service !== undefined) form.set('service', request.service);
    if (request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
    form.set('client_id', TOKEN_CLIENT_ID);
    form.set('access_type', 'offline');
    body = Buffer.from(form.toString());
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else {
    if (request.service !== undefined) url.searchParams.set('service', request.service);
    for (const scope of request.scopes) url.searchParams.append('scope', scope);
    if (creds?.kind === 'basic') {
      url.searchParams.set('account', creds.username);
      headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      if (request.offline === true) {
        url.searchParams.set('offline_token', 'true');
        url.searchParams.set('client_id', TOKEN_CLIENT_ID);
      }
    }
  }
  const started = Date.now();
  const res = await transport({ method, url, headers, ...(body !== undefined ? { body } : {}) });
  if (res.status !== 200) {
    const body = await readBody(res, MAX_TOKEN_RESPONSE).catch(() => Buffer.alloc(0));
    const message = tokenErrorText(res.status, body);
    if (res.status === 401 || res.status === 403) throw new UnauthorizedError(message);
    throw new UnavailableError(`token service ${url.origin}${url.pathname}: ${message}`);
  }
  const raw = await readBody(res, MAX_TOKEN_RESPONSE);
  let doc: TokenResponseBody;
  try {
    doc = JSON.parse(raw.toString('utf8')) as TokenResponseBody;
  } catch {
    discard(res);
    throw new UnavailableError(`token service ${url.origin} sent a response that is not JSON`);
  }
  const token = typeof doc.token === 'string' && doc.token !== '' ? doc.token : doc.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new UnavailableError(`token service ${url.origin} sent no token`);
  }
  const lifetimeS =
    typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : DEFAULT_TOKEN_LIFETIME_S;
  const lifetimeMs = lifetimeS * 1000;
  const issued: IssuedToken = { token, usableUntil: started + lifetimeMs - slackMs(lifetimeMs) };
  if (typeof doc.refresh_token === 'string' && doc.refresh_token !== '')
    issued.refreshToken = doc.refresh_token;
  return issued;
}

export class TokenCache {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly pending = new Map<string, Promise<IssuedToken>>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(transport: TokenTransport, request: TokenRequest): Promise<IssuedToken> {
    const key = tokenCacheKey(request);
    this.prune();
    const cached = this.tokens.get(key);
    if (cached !== undefined && cached.usableUntil > this.now()) return cached;
    let inflight = this.pending.get(key);
    if (inflight === undefined) {
      inflight = fetchToken(transport, request).finally(() => this.pending.delete(key));
      this.pending.set(key, inflight);
      const issued = await inflight;
      this.tokens.set(key, issued);
      return issued;
    }
    return inflight;
  }

  /** Forget a token the registry refused (revoked, clock skew) so the next get asks anew. */
  invalidate(request: TokenRequest, token: string): void {
    const key = tokenCacheKey(request);
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }

  /** Drops expired tokens so a long-running daemon does not keep one per repository forever. */
  private prune(): void {
    const now = this.now();
    for (const [key, token] of this.tokens) if (token.usableUntil <= now) this.tokens.delete(key);
  }

  clear(): void {
    this.tokens.clear();
  }
}
