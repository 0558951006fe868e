/**
 * A small real token server for Docker's token auth flow (what auth.docker.io does for Docker
 * Hub), so pull/push tests can run against a registry that answers
 * `401 WWW-Authenticate: Bearer realm=…,service=…,scope=…`.
 *
 *   GET  /token?service=S&scope=repository:NAME:pull,push[&scope=…][&offline_token=true]
 *        optional Basic auth  → {token, access_token, expires_in, issued_at[, refresh_token]}
 *   POST /token  (OAuth2 form: grant_type=password|refresh_token, username, password,
 *        refresh_token, service, scope, client_id, access_type=offline)
 *        → {access_token, token, scope, expires_in, issued_at[, refresh_token]}
 *
 * Rules (override with `grant`): anonymous gets `pull` on repositories and nothing else; a known
 * user gets every action it asks for; a known user with a wrong password, or an unknown user,
 * gets 401 — Docker Hub answers that way too, so clients must not fall back to anonymous.
 *
 * The JWT is RS256 with the signing certificate in the `x5c` header. distribution 2.8
 * (registry/auth/token/token.go, VerifySigningKey) tries x5c first, verifies the chain against
 * `rootcertbundle`, and our self-signed certificate is its own root, so the registry is
 * configured with `rootcertbundle: certPath`. The audience is a plain string (2.8's ClaimSet
 * has `aud string`), and 2.8 allows 60 s of clock leeway on `exp`: a token whose `exp` should
 * already be refused needs a ttl of -61 s or less (see `setTtlSeconds`).
 */
import { createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from './certificates.js';

export interface TokenResource {
  type: string;
  /** e.g. "plugin" in `repository(plugin):name:pull`. */
  class?: string;
  name: string;
}

/** Decides which of the requested actions a subject (undefined: anonymous) gets. */
export type TokenGrant = (
  subject: string | undefined,
  resource: TokenResource,
  requested: string[],
) => string[];

export interface TokenServerOptions {
  /** username → password */
  users: Record<string, string>;
  issuer?: string;
  service?: string;
  /** Lifetime of issued tokens (`exp` and `expires_in`); default 300. May be negative. */
  ttlSeconds?: number;
  grant?: TokenGrant;
}

export interface TokenRequestRecord {
  method: string;
  /** 'basic' for GET with credentials, 'password' / 'refresh_token' for POST, undefined: anonymous GET. */
  grantType?: string;
  user?: string;
  service?: string;
  scopes: string[];
  clientId?: string;
  offline: boolean;
  status: number;
}

export interface TokenServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The realm to put in a registry's config: `${url}/token`. */
  realm: string;
  issuer: string;
  service: string;
  /** PEM certificate of the signing key: the registry's `rootcertbundle`. */
  certPath: string;
  keyPath: string;
  /** How many access tokens were issued so far. */
  issued(): number;
  /** Every request to /token, in order. */
  requests: TokenRequestRecord[];
  /** Changes the lifetime of tokens issued from now on (negative: already expired). */
  setTtlSeconds(seconds: number): void;
  stop(): Promise<void>;
}

export interface IssuedAccess {
  type: string;
  class?: string;
  name: string;
  actions: string[];
}

const defaultGrant: TokenGrant = (subject, resource, requested) => {
  if (subject !== undefined) return requested;
  return resource.type === 'repository' ? requested.filter((a) => a === 'pull') : [];
};

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** `type[(class)]:name:actions`; the name may itself hold colons (never in practice, but cheap to allow). */
export function parseScope(scope: string): { resource: TokenResource; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const rawType = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  const m = /^([a-z0-9]+)(?:\(([a-z0-9]+)\))?$/.exec(rawType);
  if (m === null || name === '') return undefined;
  const resource: TokenResource = { type: m[1] ?? rawType, name };
  if (m[2] !== undefined) resource.class = m[2];
  return { resource, actions };
}

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^basic\s+(\S+)$/i.exec(header);
  if (m === null) return undefined;
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const issuer = options.issuer ?? 'lading-test-token-issuer';
  const service = options.service ?? 'lading-test-registry';
  const grant = options.grant ?? defaultGrant;
  let ttlSeconds = options.ttlSeconds ?? 300;
  const dir = mkdtempSync(join(tmpdir(), 'lading-token-'));
  let key: KeyObject;
  let certPath: string;
  let keyPath: string;
  let x5c: string;
  try {
    ({ certPath, keyPath } = selfSignedCertificate(dir, 'token-signing', { cn: issuer }));
    key = createPrivateKey(readFileSync(keyPath));
    x5c = new X509Certificate(readFileSync(certPath)).raw.toString('base64');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let issuedCount = 0;
  const refreshTokens = new Map<string, string>();
  const requests: TokenRequestRecord[] = [];

  const issue = (
    subject: string | undefined,
    scopes: string[],
  ): { token: string; access: IssuedAccess[] } => {
    const access: IssuedAccess[] = [];
    for (const scope of scopes) {
      const parsed = parseScope(scope);
      if (parsed === undefined) continue;
      const actions = grant(subject, parsed.resource, parsed.actions);
      if (actions.length === 0) continue;
      access.push({ ...parsed.resource, actions });
    }
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [x5c] };
    const claims = {
      iss: issuer,
      sub: subject ?? '',
      aud: service,
      exp: now + ttlSeconds,
      nbf: now - 1,
      iat: now,
      jti: randomBytes(12).toString('hex'),
      access,
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), key);
    issuedCount++;
    return { token: `${signingInput}.${base64url(signature)}`, access };
  };

  const newRefreshToken = (user: string): string => {
    const token = randomBytes(24).toString('base64url');
    refreshTokens.set(token, user);
    return token;
  };

  const checkUser = (user: string, password: string): boolean =>
    Object.prototype.hasOwnProperty.call(options.users, user) && options.users[user] === password;

  const unauthorized = (res: ServerResponse): void =>
    sendJson(res, 401, { details: 'incorrect username or password' });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    const record: TokenRequestRecord = { method: req.method ?? '', scopes: [], offline: false, status: 0 };
    requests.push(record);
    const finish = res.end.bind(res);
    res.end = ((...args: Parameters<typeof finish>) => {
      record.status = res.statusCode;
      return finish(...args);
    }) as typeof res.end;

    if (url.pathname !== '/token') return sendJson(res, 404, { details: 'not found' });
    // Scopes come repeated and/or space-separated (the OAuth2 form joins them with spaces).
    const splitScopes = (values: string[]): string[] =>
      values.flatMap((v) => v.split(' ')).filter((s) => s !== '');

    if (req.method === 'GET') {
      const params = url.searchParams;
      record.service = params.get('service') ?? undefined;
      record.scopes = splitScopes(params.getAll('scope'));
      record.clientId = params.get('client_id') ?? undefined;
      record.offline = params.get('offline_token') === 'true';
      if (record.service !== undefined && record.service !== service)
        return sendJson(res, 400, { details: `unknown service ${JSON.stringify(record.service)}` });
      const creds = basicCredentials(req);
      if (req.headers.authorization !== undefined) {
        record.grantType = 'basic';
        record.user = creds?.user;
        if (creds === undefined || !checkUser(creds.user, creds.password)) return unauthorized(res);
      }
      const { token } = issue(creds?.user, record.scopes);
      const body: Record<string, unknown> = {
        token,
        access_token: token,
        expires_in: ttlSeconds,
        issued_at: new Date().toISOString(),
      };
      if (record.offline && creds !== undefined) body.refresh_token = newRefreshToken(creds.user);
      return sendJson(res, 200, body);
    }

    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      record.grantType = form.get('grant_type') ?? undefined;
      record.service = form.get('service') ?? undefined;
      record.scopes = splitScopes(form.getAll('scope'));
      record.clientId = form.get('client_id') ?? undefined;
      record.offline = form.get('access_type') === 'offline';
      record.user = form.get('username') ?? undefined;
      if (record.service !== undefined && record.service !== service)
        return sendJson(res, 400, { error: 'invalid_request', details: 'unknown service' });
      if (record.clientId === undefined)
        return sendJson(res, 400, { error: 'invalid_request', details: 'client_id is required' });
      let user: string;
      let refreshToken: string | undefined;
      if (record.grantType === 'password') {
        const password = form.get('password') ?? '';
        if (record.user === undefined || !checkUser(record.user, password)) return unauthorized(res);
        user = record.user;
        if (record.offline) refreshToken = newRefreshToken(user);
      } else if (record.grantType === 'refresh_token') {
        const given = form.get('refresh_token') ?? '';
        const owner = refreshTokens.get(given);
        if (owner === undefined)
          return sendJson(res, 401, { error: 'invalid_grant', details: 'invalid refresh token' });
        user = owner;
        record.user = owner;
        // The same refresh token stays valid, as Docker's identity tokens do.
        refreshToken = given;
      } else {
        return sendJson(res, 400, { error: 'unsupported_grant_type' });
      }
      const { token } = issue(user, record.scopes);
      const body: Record<string, unknown> = {
        access_token: token,
        token,
        scope: record.scopes.join(' '),
        expires_in: ttlSeconds,
        issued_at: new Date().toISOString(),
      };
      if (refreshToken !== undefined) body.refresh_token = refreshToken;
      return sendJson(res, 200, body);
    }

    return sendJson(res, 405, { details: 'method not allowed' }, { allow: 'GET, POST' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { details: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('token server has no port');
  const url = `http://127.0.0.1:${address.port}`;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(() => rmSync(dir, { recursive: true, force: true }));
    return stopped;
  };

  return {
    url,
    realm: `${url}/token`,
    issuer,
    service,
    certPath,
    keyPath,
    issued: () => issuedCount,
    requests,
    setTtlSeconds: (seconds) => {
      ttlSeconds = seconds;
    },
    stop,
  };
}
