import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotFoundError, UnauthorizedError } from '../../../errors/index.js';
import type { AuthConfig } from '../../types/index.js';
import type { DistributionBackend, PullRequest, PushRequest } from '../backends.js';
import { request, startTestServer, type TestServer } from '../testing.js';
import { distributionRoutes, pullHandler } from './distribution.js';
import { imagesRoutes } from './images.js';
import { decodeRegistryAuthHeader, parseAuthConfig } from './registry-auth.js';
import type { ImagesBackend } from '../backends.js';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Records requests; fails the way the real backend would for a few names. */
function fakeBackend(seen: {
  pulls: PullRequest[];
  pushes: PushRequest[];
  logins: AuthConfig[];
}): DistributionBackend {
  return {
    async pull(req, progress) {
      seen.pulls.push(req);
      if (req.fromImage === 'missing') {
        throw new NotFoundError('manifest for missing:latest not found: manifest unknown: manifest unknown');
      }
      progress({ status: 'Pulling from library/busybox', id: 'latest' });
      if (req.fromImage === 'broken') throw new Error('unexpected EOF');
      progress({ status: 'Status: Downloaded newer image for busybox:latest' });
    },
    async push(req, progress) {
      seen.pushes.push(req);
      progress({ status: 'The push refers to repository [docker.io/library/x]' });
    },
    async login(auth) {
      seen.logins.push(auth);
      if (auth.password !== 'right')
        throw new UnauthorizedError('login attempt failed with status: 401 Unauthorized');
      return { Status: 'Login Succeeded', IdentityToken: '' };
    },
  };
}

describe('distribution routes', () => {
  let server: TestServer;
  const seen = { pulls: [] as PullRequest[], pushes: [] as PushRequest[], logins: [] as AuthConfig[] };

  before(async () => {
    const backend = fakeBackend(seen);
    server = await startTestServer({
      routes: [
        ...imagesRoutes({} as ImagesBackend, { pull: pullHandler(backend) }),
        ...distributionRoutes(backend),
      ],
    });
  });
  after(() => server.close());

  it('decodes X-Registry-Auth leniently and ignores an undecodable one, as moby', () => {
    const auth = { username: 'u', password: 'p+/?', serveraddress: 'r:5000' };
    assert.deepEqual(decodeRegistryAuthHeader(encode(auth)), auth);
    assert.deepEqual(decodeRegistryAuthHeader(Buffer.from(JSON.stringify(auth)).toString('base64')), auth);
    assert.deepEqual(decodeRegistryAuthHeader('e30='), {});
    assert.equal(decodeRegistryAuthHeader('not base64!'), undefined);
    assert.equal(decodeRegistryAuthHeader(encode('a string')), undefined);
    assert.equal(decodeRegistryAuthHeader(undefined), undefined);
    assert.deepEqual(parseAuthConfig('{"Username":"u","IdentityToken":"t"}'), {
      username: 'u',
      identitytoken: 't',
    });
    assert.throws(() => parseAuthConfig('{"username": 7}'), { message: /invalid X-Registry-Auth header/ });
  });

  it('streams a pull, passing name, tag, platform and credentials', async () => {
    const res = await request(
      server.socketPath,
      'POST',
      '/v1.47/images/create?fromImage=busybox&tag=latest&platform=linux/arm64',
      {
        headers: { 'X-Registry-Auth': encode({ username: 'u', password: 'p' }) },
      },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(
      res.body
        .trim()
        .split('\r\n')
        .map((l) => JSON.parse(l)),
      [
        { status: 'Pulling from library/busybox', id: 'latest' },
        { status: 'Status: Downloaded newer image for busybox:latest' },
      ],
    );
    const last = seen.pulls.at(-1)!;
    assert.deepEqual(
      [last.fromImage, last.tag, last.platform, last.auth],
      ['busybox', 'latest', 'linux/arm64', { username: 'u', password: 'p' }],
    );
  });

  it('answers an error before any output with its status, and one after it in the stream', async () => {
    const missing = await request(server.socketPath, 'POST', '/images/create?fromImage=missing&tag=latest');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body), {
      message: 'manifest for missing:latest not found: manifest unknown: manifest unknown',
    });
    const broken = await request(server.socketPath, 'POST', '/images/create?fromImage=broken&tag=latest');
    assert.equal(broken.status, 200);
    const lines = broken.body
      .trim()
      .split('\r\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.at(-1), { errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' });
  });

  it('pushes with credentials from the header or, for old clients, the body', async () => {
    const path = '/images/127.0.0.1:5000/a/b/push?tag=v1';
    const viaHeader = await request(server.socketPath, 'POST', path, {
      headers: { 'X-Registry-Auth': encode({ username: 'h' }) },
    });
    assert.equal(viaHeader.status, 200);
    assert.deepEqual(
      [seen.pushes.at(-1)?.name, seen.pushes.at(-1)?.tag, seen.pushes.at(-1)?.auth],
      ['127.0.0.1:5000/a/b', 'v1', { username: 'h' }],
    );
    await request(server.socketPath, 'POST', path, { body: '{"username":"b"}' });
    assert.deepEqual(seen.pushes.at(-1)?.auth, { username: 'b' });
    const bad = await request(server.socketPath, 'POST', path, { body: '{nope' });
    assert.equal(bad.status, 400);
    assert.match(
      JSON.parse(bad.body).message,
      /^bad parameters and missing X-Registry-Auth: invalid X-Registry-Auth header: /,
    );
  });

  it('logs in with POST /auth: Docker’s answer, 401 on refusal, 400 on a bad body', async () => {
    const good = await request(server.socketPath, 'POST', '/auth', {
      body: JSON.stringify({ username: 'u', password: 'right', serveraddress: '127.0.0.1:5000' }),
    });
    assert.equal(good.status, 200);
    assert.deepEqual(JSON.parse(good.body), { Status: 'Login Succeeded', IdentityToken: '' });
    const refused = await request(server.socketPath, 'POST', '/auth', {
      body: JSON.stringify({ username: 'u', password: 'wrong' }),
    });
    assert.equal(refused.status, 401);
    const bad = await request(server.socketPath, 'POST', '/auth', { body: '[' });
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).message, /^invalid X-Registry-Auth header: /);
  });
});
