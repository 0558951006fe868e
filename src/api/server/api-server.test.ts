import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ConflictError,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  SystemError,
  UnauthorizedError,
  UnavailableError,
} from '../../errors/index.js';
import { silentLogger } from '../../log/index.js';
import { createApiServer } from './api-server.js';
import type { RouteDefinition } from './handler-context.js';
import { allRoutes } from './routers/index.js';
import {
  fakeSystemBackend,
  FakeEventsBackend,
  request,
  startTestServer,
  type TestServer,
} from './testing.js';
import { sendJson } from './respond.js';
import { testBase } from '../../../test/support/test-base.js';

const throwing: [string, () => never, number][] = [
  [
    'invalid',
    () => {
      throw new InvalidArgumentError('bad');
    },
    400,
  ],
  [
    'unauthorized',
    () => {
      throw new UnauthorizedError('who');
    },
    401,
  ],
  [
    'forbidden',
    () => {
      throw new ForbiddenError('no');
    },
    403,
  ],
  [
    'notfound',
    () => {
      throw new NotFoundError('No such container: x');
    },
    404,
  ],
  [
    'conflict',
    () => {
      throw new ConflictError('in use');
    },
    409,
  ],
  [
    'notmodified',
    () => {
      throw new NotModifiedError('already');
    },
    304,
  ],
  [
    'notimpl',
    () => {
      throw new NotImplementedError('later');
    },
    501,
  ],
  [
    'unavailable',
    () => {
      throw new UnavailableError('containerd down');
    },
    503,
  ],
  [
    'system',
    () => {
      throw new SystemError('broken');
    },
    500,
  ],
  [
    'plain',
    () => {
      throw new TypeError('oops');
    },
    500,
  ],
];

const extraRoutes: RouteDefinition[] = [
  ...throwing.map(([name, fn]): RouteDefinition => ({ method: 'GET', path: `/fail/${name}`, handler: fn })),
  {
    method: 'GET',
    path: '/images/{name:.*}/json',
    handler: ({ res, params, apiVersion }) => sendJson(res, 200, { name: params.name, apiVersion }),
  },
  {
    method: 'POST',
    path: '/containers/{id}/start',
    handler: ({ res, params }) => sendJson(res, 200, { id: params.id }),
  },
  {
    method: 'POST',
    path: '/echo',
    handler: async (ctx) => sendJson(ctx.res, 200, { got: await ctx.readJson() }),
  },
];

describe('api server', () => {
  let t: TestServer;
  before(async () => {
    const backends = { system: fakeSystemBackend(), events: new FakeEventsBackend() };
    t = await startTestServer({ routes: [...allRoutes(backends), ...extraRoutes] });
  });
  after(() => t.close());

  it('answers HEAD and GET /_ping with the negotiation headers', async () => {
    for (const method of ['HEAD', 'GET']) {
      const res = await request(t.socketPath, method, '/_ping');
      assert.equal(res.status, 200);
      assert.equal(res.body, method === 'GET' ? 'OK' : '');
      assert.equal(res.headers['api-version'], '1.47');
      assert.equal(res.headers['ostype'], 'linux');
      assert.equal(res.headers['server'], 'lading/0.1.0 (linux)');
      assert.equal(res.headers['docker-experimental'], 'false');
      assert.equal(res.headers['builder-version'], '1');
      assert.equal(res.headers['swarm'], 'inactive');
      assert.equal(res.headers['cache-control'], 'no-cache, no-store, must-revalidate');
      assert.equal(res.headers['pragma'], 'no-cache');
      assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
    }
  });

  it('serves versioned and unversioned paths', async () => {
    for (const path of ['/version', '/v1.47/version', '/v1.24/version', '/v1.44/version']) {
      const res = await request(t.socketPath, 'GET', path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(JSON.parse(res.body).ApiVersion, '1.47');
    }
    const info = await request(t.socketPath, 'GET', '/v1.47/info');
    assert.equal(JSON.parse(info.body).Name, 'test-host');
  });

  it('exposes the negotiated version to handlers', async () => {
    const versioned = await request(t.socketPath, 'GET', '/v1.41/images/alpine/json');
    assert.equal(JSON.parse(versioned.body).apiVersion, '1.41');
    const plain = await request(t.socketPath, 'GET', '/images/alpine/json');
    assert.equal(JSON.parse(plain.body).apiVersion, '1.47');
  });

  it('refuses versions that are too new or too old', async () => {
    const tooNew = await request(t.socketPath, 'GET', '/v1.99/version');
    assert.equal(tooNew.status, 400);
    assert.equal(tooNew.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(tooNew.body), {
      message: 'client version 1.99 is too new. Maximum supported API version is 1.47',
    });
    const tooOld = await request(t.socketPath, 'GET', '/v1.12/version');
    assert.equal(tooOld.status, 400);
    assert.deepEqual(JSON.parse(tooOld.body), {
      message:
        'client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version',
    });
  });

  it('answers unknown paths and wrong methods with a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/v1.47/nope/deeper'],
      ['DELETE', '/version'],
      ['GET', '/containers/x/start'],
    ] as const) {
      const res = await request(t.socketPath, method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(res.body), { message: 'page not found' });
      assert.equal(res.headers['api-version'], '1.47');
    }
  });

  it('matches unescaped names greedily and decodes escaped ones', async () => {
    const res = await request(t.socketPath, 'GET', '/v1.47/images/localhost:5000/a/b:tag/json');
    assert.equal(JSON.parse(res.body).name, 'localhost:5000/a/b:tag');
    const escaped = await request(t.socketPath, 'GET', '/images/localhost%3A5000%2Fa%2Fb%3Atag/json');
    assert.equal(JSON.parse(escaped.body).name, 'localhost:5000/a/b:tag');
    const start = await request(t.socketPath, 'POST', '/v1.47/containers/abc123/start');
    assert.equal(JSON.parse(start.body).id, 'abc123');
  });

  it('maps every error kind to its status with a {"message"} body', async () => {
    for (const [name, , status] of throwing) {
      const res = await request(t.socketPath, 'GET', `/fail/${name}`);
      assert.equal(res.status, status, name);
      if (status === 304) {
        assert.equal(res.body, '');
        continue;
      }
      assert.equal(res.headers['content-type'], 'application/json', name);
      assert.equal(typeof JSON.parse(res.body).message, 'string');
    }
    const notFound = await request(t.socketPath, 'GET', '/fail/notfound');
    assert.deepEqual(JSON.parse(notFound.body), { message: 'No such container: x' });
    // Still alive after all those throws.
    assert.equal((await request(t.socketPath, 'GET', '/_ping')).status, 200);
  });

  it('parses JSON bodies and refuses malformed ones with 400', async () => {
    const ok = await request(t.socketPath, 'POST', '/echo', {
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    assert.deepEqual(JSON.parse(ok.body), { got: { a: 1 } });
    const bad = await request(t.socketPath, 'POST', '/echo', { body: '{nope' });
    assert.equal(bad.status, 400);
  });

  it('keeps connections alive between requests', async () => {
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ports = new Set<unknown>();
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = http.request({ socketPath: t.socketPath, path: '/_ping', agent }, (res) => {
            ports.add(res.socket);
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', reject);
          req.end();
        });
      }
      assert.equal(ports.size, 1);
    } finally {
      agent.destroy();
    }
  });

  it('gives the socket the requested mode', () => {
    assert.equal(statSync(t.socketPath).mode & 0o777, 0o660);
  });

  it('survives a client that disconnects before the answer', async () => {
    await new Promise<void>((resolve) => {
      const c = net.connect(t.socketPath, () => {
        c.write('GET /v1.47/info HTTP/1.1\r\nHost: x\r\n\r\n');
        c.destroy();
        resolve();
      });
    });
    assert.equal((await request(t.socketPath, 'GET', '/_ping')).status, 200);
  });
});

describe('listenUnix and close', () => {
  const dir = mkdtempSync(join(testBase(), 'lading-api-listen-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const make = () =>
    createApiServer({
      backends: { system: fakeSystemBackend(), events: new FakeEventsBackend() },
      logger: silentLogger(),
      serverName: 'lading/0.1.0',
    });

  it('replaces a stale socket, sets root:gid, and removes the socket on close', async () => {
    const path = join(dir, 'stale.sock');
    // A socket file whose owner exited without unlinking it.
    execFileSync('python3', [
      '-c',
      `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(path)})`,
    ]);
    assert.ok(statSync(path).isSocket());
    const server = make();
    try {
      const gid = process.getgid?.() ?? 0;
      await server.listenUnix(path, { mode: 0o600, gid: process.getuid?.() === 0 ? gid : undefined });
      const stats = statSync(path);
      assert.equal(stats.mode & 0o777, 0o600);
      if (process.getuid?.() === 0) {
        assert.equal(stats.uid, 0);
        assert.equal(stats.gid, gid);
      }
      assert.equal((await request(path, 'GET', '/_ping')).body, 'OK');
    } finally {
      await server.close();
    }
    assert.equal(existsSync(path), false);
  });

  it('refuses to remove a file that is not a socket', async () => {
    const path = join(dir, 'regular');
    writeFileSync(path, 'keep me');
    const server = make();
    try {
      await assert.rejects(server.listenUnix(path, { mode: 0o600 }), ConflictError);
      assert.equal(existsSync(path), true);
    } finally {
      await server.close();
    }
  });

  it('refuses a socket another server is listening on', async () => {
    const path = join(dir, 'live.sock');
    const first = make();
    const second = make();
    try {
      await first.listenUnix(path, { mode: 0o600 });
      await assert.rejects(second.listenUnix(path, { mode: 0o600 }), /already listening/);
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('serves HTTPS on TCP with the given key and certificate', async (t) => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      );
    } catch {
      t.skip('openssl not available');
      return;
    }
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const server = make();
    try {
      await server.listenTcp('127.0.0.1', port, { key: readFileSync(key), cert: readFileSync(cert) });
      const https = await import('node:https');
      const res = await new Promise<{ status: number; body: string; apiVersion: unknown }>(
        (resolve, reject) => {
          const req = https.request(
            {
              host: '127.0.0.1',
              port,
              path: '/_ping',
              ca: readFileSync(cert),
              servername: 'localhost',
              agent: false,
            },
            (r) => {
              let body = '';
              r.on('data', (c: Buffer) => (body += c.toString()));
              r.on('end', () =>
                resolve({ status: r.statusCode ?? 0, body, apiVersion: r.headers['api-version'] }),
              );
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
      assert.deepEqual(res, { status: 200, body: 'OK', apiVersion: '1.47' });
    } finally {
      await server.close();
    }
  });

  it('refuses TCP without TLS material', async () => {
    const server = make();
    try {
      await assert.rejects(server.listenTcp('127.0.0.1', 0, { key: '', cert: '' }), InvalidArgumentError);
    } finally {
      await server.close();
    }
  });
});
