import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { parseScope, startTokenServer, type TokenServer } from './registry-auth.js';
import { startRegistry, type TestRegistry } from './registry.js';

const users = { alice: 'wonderland', bob: 's3cret:with:colons' };

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function claimsOf(token: string): { sub: string; aud: string; exp: number; access: unknown[] } {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
}

interface TokenBody {
  token?: string;
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  issued_at?: string;
}

async function getToken(
  server: { realm: string; service: string },
  scopes: string[],
  auth?: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: TokenBody }> {
  const url = new URL(server.realm);
  url.searchParams.set('service', server.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  const res = await fetch(url, { headers: auth === undefined ? {} : { authorization: auth } });
  return { status: res.status, body: (await res.json()) as TokenBody };
}

async function postToken(
  server: TokenServer,
  form: Record<string, string>,
): Promise<{ status: number; body: TokenBody }> {
  const res = await fetch(server.realm, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ service: server.service, client_id: 'lading-test', ...form }),
  });
  return { status: res.status, body: (await res.json()) as TokenBody };
}

/** Starts a blob upload: the cheapest request that needs `push`. */
function startUpload(registry: TestRegistry, repo: string, token?: string): Promise<Response> {
  return fetch(`${registry.url}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

function tagsList(registry: TestRegistry, repo: string, token?: string): Promise<Response> {
  return fetch(`${registry.url}/v2/${repo}/tags/list`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

describe('token server (test/support/registry-auth.ts)', () => {
  let server: TokenServer;
  before(async () => {
    server = await startTokenServer({
      users,
      issuer: 'test-issuer',
      service: 'test-service',
      ttlSeconds: 120,
    });
  });
  after(() => server?.stop());

  it('parses scopes, classes included', () => {
    assert.deepEqual(parseScope('repository:library/busybox:pull,push'), {
      resource: { type: 'repository', name: 'library/busybox' },
      actions: ['pull', 'push'],
    });
    assert.deepEqual(parseScope('repository(plugin):vieux/sshfs:pull'), {
      resource: { type: 'repository', class: 'plugin', name: 'vieux/sshfs' },
      actions: ['pull'],
    });
    assert.deepEqual(parseScope('registry:catalog:*')?.actions, ['*']);
    assert.equal(parseScope('nonsense'), undefined);
  });

  it('gives anonymous callers pull only, and known users what they ask for', async () => {
    const anonymous = await getToken(server, ['repository:a/b:pull,push', 'registry:catalog:*']);
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.body.token, anonymous.body.access_token);
    assert.equal(anonymous.body.expires_in, 120);
    assert.ok(!Number.isNaN(Date.parse(anonymous.body.issued_at ?? '')));
    const anonClaims = claimsOf(anonymous.body.token ?? '');
    assert.equal(anonClaims.sub, '');
    assert.equal(anonClaims.aud, 'test-service');
    assert.deepEqual(anonClaims.access, [{ type: 'repository', name: 'a/b', actions: ['pull'] }]);

    const alice = await getToken(
      server,
      ['repository:a/b:pull,push repository:c:pull'],
      basic('alice', 'wonderland'),
    );
    assert.equal(alice.status, 200);
    const aliceClaims = claimsOf(alice.body.token ?? '');
    assert.equal(aliceClaims.sub, 'alice');
    assert.deepEqual(aliceClaims.access, [
      { type: 'repository', name: 'a/b', actions: ['pull', 'push'] },
      { type: 'repository', name: 'c', actions: ['pull'] },
    ]);
    assert.equal(alice.body.refresh_token, undefined, 'no refresh token unless offline_token=true');

    const bob = await getToken(server, [], basic('bob', users.bob), { offline_token: 'true' });
    assert.equal(bob.status, 200);
    assert.ok(bob.body.refresh_token);
  });

  it('answers 401 for a wrong password or an unknown user, and 400 for another service', async () => {
    const before = server.issued();
    assert.equal((await getToken(server, ['repository:a:pull'], basic('alice', 'nope'))).status, 401);
    assert.equal((await getToken(server, ['repository:a:pull'], basic('mallory', 'x'))).status, 401);
    const wrong = await fetch(`${server.realm}?service=elsewhere&scope=repository:a:pull`);
    assert.equal(wrong.status, 400);
    assert.equal(server.issued(), before, 'no token issued for any of them');
    assert.deepEqual(
      server.requests.slice(-3).map((r) => [r.grantType, r.user, r.status]),
      [
        ['basic', 'alice', 401],
        ['basic', 'mallory', 401],
        [undefined, undefined, 400],
      ],
    );
  });

  it('speaks the OAuth2 POST flow: password grant with a refresh token, then refresh_token grant', async () => {
    const login = await postToken(server, {
      grant_type: 'password',
      username: 'alice',
      password: 'wonderland',
      access_type: 'offline',
      scope: 'repository:x/y:push,pull',
    });
    assert.equal(login.status, 200);
    assert.ok(login.body.refresh_token);
    assert.equal(login.body.token, login.body.access_token);
    assert.deepEqual(claimsOf(login.body.access_token ?? '').access, [
      { type: 'repository', name: 'x/y', actions: ['push', 'pull'] },
    ]);

    const online = await postToken(server, {
      grant_type: 'password',
      username: 'alice',
      password: 'wonderland',
    });
    assert.equal(online.status, 200);
    assert.equal(online.body.refresh_token, undefined);

    const refreshed = await postToken(server, {
      grant_type: 'refresh_token',
      refresh_token: login.body.refresh_token ?? '',
      scope: 'repository:x/y:pull',
    });
    assert.equal(refreshed.status, 200);
    assert.equal(claimsOf(refreshed.body.access_token ?? '').sub, 'alice');

    assert.equal(
      (await postToken(server, { grant_type: 'password', username: 'alice', password: 'bad' })).status,
      401,
    );
    assert.equal(
      (await postToken(server, { grant_type: 'refresh_token', refresh_token: 'forged' })).status,
      401,
    );
    assert.equal((await postToken(server, { grant_type: 'client_credentials' })).status, 400);
  });
});

describe('registry with token auth (startRegistry({auth: {kind: "token"}}))', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry({ auth: { kind: 'token', users } });
  });
  after(() => registry?.stop());

  it('challenges with the token server realm and the scope it needs', async () => {
    const auth = registry.auth;
    assert.ok(auth?.tokenServer);
    assert.equal(auth.kind, 'token');
    const ping = await fetch(`${registry.url}/v2/`);
    assert.equal(ping.status, 401);
    assert.equal(
      ping.headers.get('www-authenticate'),
      `Bearer realm="${auth.realm}",service="${auth.service}"`,
    );
    const tags = await tagsList(registry, 'some/repo');
    assert.equal(
      tags.headers.get('www-authenticate'),
      `Bearer realm="${auth.realm}",service="${auth.service}",scope="repository:some/repo:pull"`,
    );
  });

  it('accepts an anonymous pull token for pulling, not for pushing', async () => {
    const auth = registry.auth;
    assert.ok(auth?.tokenServer);
    const issuedBefore = auth.tokensIssued();
    const { body } = await getToken(auth.tokenServer, ['repository:some/repo:pull,push']);
    assert.equal(auth.tokensIssued(), issuedBefore + 1);
    const token = body.token ?? '';
    // The repository does not exist: 404 NAME_UNKNOWN, which proves the token was accepted.
    const tags = await tagsList(registry, 'some/repo', token);
    assert.equal(tags.status, 404);
    assert.match(await tags.text(), /NAME_UNKNOWN/);

    const push = await startUpload(registry, 'some/repo', token);
    assert.equal(push.status, 401);
    assert.match(push.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
  });

  it('accepts a user token for pushing', async () => {
    const auth = registry.auth;
    assert.ok(auth?.tokenServer);
    const { body } = await getToken(
      auth.tokenServer,
      ['repository:some/repo:pull,push'],
      basic('alice', users.alice),
    );
    const push = await startUpload(registry, 'some/repo', body.token);
    assert.equal(push.status, 202);
    assert.ok(push.headers.get('location'));
    // A token for one repository does not open another.
    assert.equal((await startUpload(registry, 'other/repo', body.token)).status, 401);
  });

  it('refuses expired tokens (beyond the registry’s 60 s leeway) and tokens from another key', async () => {
    const auth = registry.auth;
    assert.ok(auth?.tokenServer);
    const fresh = await getToken(
      auth.tokenServer,
      ['repository:some/repo:pull'],
      basic('alice', users.alice),
    );
    assert.equal(
      (await tagsList(registry, 'some/repo', fresh.body.token)).status,
      404,
      'a live token is accepted',
    );
    auth.tokenServer.setTtlSeconds(-61);
    try {
      const { body } = await getToken(
        auth.tokenServer,
        ['repository:some/repo:pull'],
        basic('alice', users.alice),
      );
      const res = await tagsList(registry, 'some/repo', body.token);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    } finally {
      auth.tokenServer.setTtlSeconds(300);
    }

    const stranger = await startTokenServer({
      users,
      issuer: auth.tokenServer.issuer,
      service: auth.service,
    });
    try {
      const { body } = await getToken(stranger, ['repository:some/repo:pull'], basic('alice', users.alice));
      const res = await tagsList(registry, 'some/repo', body.token);
      assert.equal(res.status, 401, 'same issuer name, different signing key');
    } finally {
      await stranger.stop();
    }
  });

  it('stops its token server with the registry', async () => {
    const other = await startRegistry({ auth: { kind: 'token', users, tokenTtlSeconds: 30 } });
    const tokenServer = other.auth?.tokenServer;
    assert.ok(tokenServer);
    assert.equal((await getToken(tokenServer, [])).body.expires_in, 30);
    await other.stop();
    await assert.rejects(fetch(tokenServer.realm));
    assert.ok(!existsSync(tokenServer.certPath));
  });
});

describe('registry with htpasswd auth', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry({ auth: { kind: 'htpasswd', users } });
  });
  after(() => registry?.stop());

  it('asks for Basic auth and accepts exactly the known users (over plain http: 2.8 does not insist on TLS)', async () => {
    assert.ok(registry.url.startsWith('http://'));
    const none = await fetch(`${registry.url}/v2/`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), `Basic realm="${registry.auth?.realm}"`);
    for (const [user, password] of Object.entries(users)) {
      const ok = await fetch(`${registry.url}/v2/`, { headers: { authorization: basic(user, password) } });
      assert.equal(ok.status, 200, user);
    }
    const wrong = await fetch(`${registry.url}/v2/`, { headers: { authorization: basic('alice', 'nope') } });
    assert.equal(wrong.status, 401);
    assert.equal(registry.auth?.tokensIssued(), 0);
  });
});

describe('registry with tls', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry({ tls: true, auth: { kind: 'htpasswd', users } });
  });
  after(() => registry?.stop());

  function get(path: string, ca?: Buffer, auth?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${registry.url}${path}`,
        { ca, agent: false, headers: auth === undefined ? {} : { authorization: auth } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.once('error', reject);
      req.end();
    });
  }

  it('serves https with a certificate for 127.0.0.1 that verifies against caCertPath', async () => {
    assert.ok(registry.url.startsWith('https://127.0.0.1:'));
    assert.ok(registry.caCertPath);
    const ca = readFileSync(registry.caCertPath);
    assert.equal(await get('/v2/', ca, basic('alice', users.alice)), 200);
    assert.equal(await get('/v2/', ca), 401);
    await assert.rejects(get('/v2/'), /self-signed|self signed/);
  });
});
