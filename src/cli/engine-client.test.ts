import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionError, EngineClient, EngineError, lines } from './engine-client.js';
import { parseHost } from './host.js';
import { pingHandler, sendJson, startFakeEngine, type FakeEngine } from './testing/fake-engine.js';
import { Readable } from 'node:stream';

describe('engine client', () => {
  let engine: FakeEngine;
  const clients: EngineClient[] = [];
  const clientFor = (host: string): EngineClient => {
    const c = new EngineClient({ endpoint: parseHost(host) });
    clients.push(c);
    return c;
  };

  before(async () => {
    engine = await startFakeEngine({
      'GET /version': (_req, res) => sendJson(res, 200, { Version: '1.0' }),
      'GET /containers/nope/json': (_req, res) => sendJson(res, 404, { message: 'No such container: nope' }),
      'GET /plain': (_req, res) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('boom\n');
      },
      'GET /charset': (_req, res) => {
        res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end('{"message":"raw"}');
      },
      'GET /empty': (_req, res) => {
        res.writeHead(404);
        res.end();
      },
      'GET /nomessage': (_req, res) => sendJson(res, 409, {}),
      'GET /events': (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"a":1}\r\n{"a"');
        setTimeout(() => res.end(':2}\n'), 10);
      },
    });
  });

  after(async () => {
    for (const c of clients) c.close();
    await engine.close();
  });

  it('negotiates with HEAD /_ping and prefixes the version', async () => {
    engine.requests.length = 0;
    const c = clientFor(engine.host);
    assert.deepEqual(await c.get('/version'), { Version: '1.0' });
    assert.equal(c.apiVersion, '1.47');
    assert.deepEqual(
      engine.requests.map((r) => `${r.method} ${r.url}`),
      ['HEAD /_ping', 'GET /v1.47/version'],
    );
    assert.equal(engine.requests[1]?.headers.host, 'api.moby.localhost');
  });

  it('uses the lower of the two versions', async () => {
    engine.routes.set('HEAD /_ping', pingHandler('1.44'));
    try {
      const c = clientFor(engine.host);
      await c.get('/version');
      assert.equal(c.apiVersion, '1.44');
      assert.equal(engine.requests.at(-1)?.url, '/v1.44/version');
    } finally {
      engine.routes.set('HEAD /_ping', pingHandler('1.47'));
    }
  });

  it('never goes above its own version', async () => {
    engine.routes.set('HEAD /_ping', pingHandler('1.52'));
    try {
      const c = clientFor(engine.host);
      assert.equal(await c.negotiate(), '1.47');
    } finally {
      engine.routes.set('HEAD /_ping', pingHandler('1.47'));
    }
  });

  it('treats a ping without Api-Version as 1.24', async () => {
    engine.routes.set('HEAD /_ping', pingHandler(null));
    try {
      assert.equal(await clientFor(engine.host).negotiate(), '1.24');
    } finally {
      engine.routes.set('HEAD /_ping', pingHandler('1.47'));
    }
  });

  it('falls back to GET /_ping when HEAD fails', async () => {
    engine.routes.set('HEAD /_ping', (_req, res) => {
      res.writeHead(405);
      res.end();
    });
    try {
      engine.requests.length = 0;
      assert.equal(await clientFor(engine.host).negotiate(), '1.47');
      assert.deepEqual(
        engine.requests.map((r) => r.method),
        ['HEAD', 'GET'],
      );
    } finally {
      engine.routes.set('HEAD /_ping', pingHandler('1.47'));
    }
  });

  it('surfaces the daemon message on errors', async () => {
    const c = clientFor(engine.host);
    await assert.rejects(c.get('/containers/nope/json'), (err: unknown) => {
      assert.ok(err instanceof EngineError);
      assert.equal(err.status, 404);
      assert.equal(err.message, 'Error response from daemon: No such container: nope');
      return true;
    });
  });

  it('shows non-JSON error bodies raw (also JSON with a charset, as docker)', async () => {
    const c = clientFor(engine.host);
    await assert.rejects(c.get('/plain'), { message: 'Error response from daemon: boom' });
    await assert.rejects(c.get('/charset'), { message: 'Error response from daemon: {"message":"raw"}' });
  });

  it('explains empty and message-less errors', async () => {
    const c = clientFor(engine.host);
    await assert.rejects(c.get('/empty'), {
      message:
        'request returned 404 Not Found for API route and version http://api.moby.localhost/v1.47/empty, check if the server supports the requested API version',
    });
    await assert.rejects(c.get('/nomessage'), {
      message: 'Error response from daemon: API returned a 409 (Conflict) but provided no error-message',
    });
  });

  it('reports an unknown path as the daemon says', async () => {
    await assert.rejects(clientFor(engine.host).get('/nowhere'), {
      message: 'Error response from daemon: page not found: /v1.47/nowhere',
    });
  });

  it('streams JSON lines across chunk boundaries', async () => {
    const res = await clientFor(engine.host).open('GET', '/events');
    const got: string[] = [];
    for await (const line of lines(res)) got.push(line);
    assert.deepEqual(got, ['{"a":1}', '{"a":2}']);
  });

  it('says when the daemon is not there', async () => {
    const c = clientFor('unix:///nonexistent/lading.sock');
    await assert.rejects(c.get('/version'), (err: unknown) => {
      assert.ok(err instanceof ConnectionError);
      assert.equal(
        err.message,
        'Cannot connect to the lading daemon at unix:///nonexistent/lading.sock. Is the lading daemon running?',
      );
      return true;
    });
  });

  it('sends query parameters and JSON bodies', async () => {
    engine.routes.set('POST /echo', (req, res) => sendJson(res, 200, { url: req.url, body: req.body }));
    const c = clientFor(engine.host);
    const got = await c.json<{ url: string; body: string }>('POST', '/echo', {
      query: { all: true, name: 'web', skip: undefined },
      body: { Image: 'busybox' },
    });
    assert.equal(got.url, '/v1.47/echo?all=1&name=web');
    assert.equal(got.body, '{"Image":"busybox"}');
  });
});

describe('lines()', () => {
  it('keeps multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('{"n":"é"}\n');
    const split = bytes.indexOf(0xc3) + 1;
    const got: string[] = [];
    for await (const l of lines(Readable.from([bytes.subarray(0, split), bytes.subarray(split)])))
      got.push(l);
    assert.deepEqual(got, ['{"n":"é"}']);
  });
});
