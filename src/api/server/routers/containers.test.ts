import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fakeSystemBackend, request, startTestServer, type TestServer } from '../testing.js';
import { containersRoutes } from './containers.js';
import { fakeContainersBackend, newFakeState, type FakeState } from './containers.test-backend.js';
import { systemRoutes } from './system.js';

const json = (body: unknown): { headers: Record<string, string>; body: string } => ({
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

describe('containers routes', () => {
  let server: TestServer;
  let state: FakeState;
  const backendState = newFakeState();

  before(async () => {
    server = await startTestServer({
      routes: [
        ...systemRoutes(fakeSystemBackend()),
        ...containersRoutes(fakeContainersBackend(backendState)),
      ],
    });
  });
  after(() => server.close());
  beforeEach(() => {
    state = backendState;
    state.calls.length = 0;
    state.running.clear();
  });
  const last = (): unknown[] | undefined => state.calls[state.calls.length - 1];
  const call = (
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: string },
  ) => request(server.socketPath, method, path, options);

  describe('create', () => {
    it('answers 201 {Id, Warnings} and passes name, platform and the API version', async () => {
      const res = await call(
        'POST',
        '/v1.47/containers/create?name=web&platform=linux/amd64',
        json({ Image: 'busybox', Cmd: ['true'], HostConfig: { AutoRemove: true } }),
      );
      assert.equal(res.status, 201);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(res.body), { Id: 'c0ffee', Warnings: [] });
      assert.deepEqual(last(), [
        'create',
        { Image: 'busybox', Cmd: ['true'], HostConfig: { AutoRemove: true } },
        { name: 'web', platform: 'linux/amd64', apiVersion: '1.47' },
      ]);
    });

    it('decodes like Go: keys case-insensitively, a string Cmd, unknown keys dropped', async () => {
      const res = await call(
        'POST',
        '/v1.47/containers/create',
        json({ image: 'busybox', cmd: 'sh', Bogus: 1, hostconfig: { privileged: true, NOPE: 2 }, Env: null }),
      );
      assert.equal(res.status, 201);
      assert.deepEqual(last()?.[1], {
        Image: 'busybox',
        Cmd: ['sh'],
        Env: null,
        HostConfig: { Privileged: true },
      });
    });

    it('ignores prototype keys and keeps pointer fields’ null', async () => {
      const res = await call('POST', '/v1.47/containers/create', {
        headers: { 'Content-Type': 'application/json' },
        body: '{"Image":"x","constructor":1,"__proto__":{"Tty":true},"toString":"y","HostConfig":{"PidsLimit":null,"ShmSize":null}}',
      });
      assert.equal(res.status, 201);
      const sent = last()?.[1] as Record<string, unknown>;
      assert.deepEqual(sent, { Image: 'x', HostConfig: { PidsLimit: null } });
      assert.equal(Object.getPrototypeOf(sent), Object.prototype);
      assert.equal((sent as { Tty?: boolean }).Tty, undefined);
    });

    it('refuses bodies dockerd refuses, in its words', async () => {
      const cases: [string, { headers?: Record<string, string>; body?: string }, string][] = [
        ['empty body', {}, 'invalid JSON: got EOF while reading request body'],
        ['empty object', json({}), 'config cannot be empty in order to create a container'],
        ['null', json(null), 'config cannot be empty in order to create a container'],
        [
          'only HostConfig',
          json({ HostConfig: {} }),
          'config cannot be empty in order to create a container',
        ],
        [
          'text/plain',
          { headers: { 'Content-Type': 'text/plain' }, body: '{"Image":"x"}' },
          "unsupported Content-Type header (text/plain): must be 'application/json'",
        ],
        [
          'wrong type',
          json({ Image: 'x', Env: 'A=1' }),
          'invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.Env of type []string',
        ],
        [
          'array body',
          json([1]),
          'invalid JSON: json: cannot unmarshal array into Go value of type container.CreateRequest',
        ],
      ];
      for (const [what, options, message] of cases) {
        const res = await call('POST', '/v1.47/containers/create', options);
        assert.equal(res.status, 400, what);
        assert.equal(JSON.parse(res.body).message, message, what);
      }
      const bad = await call('POST', '/v1.47/containers/create', {
        headers: { 'Content-Type': 'application/json' },
        body: '{"Image":',
      });
      assert.equal(bad.status, 400);
      assert.match(JSON.parse(bad.body).message, /^invalid JSON: /);
    });

    it('applies dockerd’s adjustments for old API versions', async () => {
      await call(
        'POST',
        '/v1.24/containers/create?platform=linux/arm64',
        json({
          Image: 'x',
          HostConfig: { AutoRemove: true, ConsoleSize: [10, 20], Annotations: { a: 'b' }, PidsLimit: -1 },
        }),
      );
      assert.deepEqual(last(), [
        'create',
        { Image: 'x', HostConfig: { AutoRemove: false, ConsoleSize: [0, 0], PidsLimit: null } },
        { name: '', platform: '', apiVersion: '1.24' },
      ]);
    });

    it('passes a missing image through as 404 (the CLI then pulls)', async () => {
      const res = await call('POST', '/v1.47/containers/create', json({ Image: 'missing' }));
      assert.equal(res.status, 404);
      assert.deepEqual(JSON.parse(res.body), { message: 'No such image: missing:latest' });
    });
  });

  it('lists with all, limit, size and JSON filters; bad limit is a 400', async () => {
    const filters = encodeURIComponent(JSON.stringify({ status: { exited: true }, name: ['web'] }));
    const res = await call('GET', `/v1.47/containers/json?all=1&limit=3&size=true&filters=${filters}`);
    assert.equal(res.status, 200);
    assert.deepEqual(last(), [
      'list',
      {
        all: true,
        limit: 3,
        size: true,
        filters: [
          ['status', ['exited']],
          ['name', ['web']],
        ],
      },
    ]);
    assert.deepEqual(JSON.parse(res.body)[0].HostConfig, { NetworkMode: 'bridge', Annotations: { a: 'b' } });
    await call('GET', '/v1.47/containers/json');
    assert.deepEqual(last(), ['list', { all: false, limit: -1, size: false, filters: [] }]);
    const old = await call('GET', '/v1.45/containers/json');
    assert.deepEqual(JSON.parse(old.body)[0].HostConfig, { NetworkMode: 'bridge' });
    const bad = await call('GET', '/v1.47/containers/json?limit=ten');
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).message, 'strconv.Atoi: parsing "ten": invalid syntax');
    const badFilter = await call('GET', '/v1.47/containers/json?filters=%7Bnope');
    assert.equal(badFilter.status, 400);
  });

  it('inspects with size=, and 404s in Docker’s words with exactly application/json', async () => {
    const res = await call('GET', '/v1.47/containers/web/json?size=1');
    assert.equal(res.status, 200);
    assert.deepEqual(last(), ['inspect', 'web', { size: true, apiVersion: '1.47' }]);
    const missing = await call('GET', '/v1.47/containers/x/json');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'application/json');
    assert.equal(missing.body, '{"message":"No such container: x"}\n');
  });

  it('starts: 204, then 304 when already running; refuses a start body', async () => {
    const first = await call('POST', '/v1.47/containers/web/start?detachKeys=ctrl-a');
    assert.equal(first.status, 204);
    assert.deepEqual(last(), ['start', 'web', { detachKeys: 'ctrl-a' }]);
    const again = await call('POST', '/v1.47/containers/web/start');
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    const withBody = await call('POST', '/v1.47/containers/web/start', json({ Binds: ['/a:/b'] }));
    assert.equal(withBody.status, 400);
    assert.match(JSON.parse(withBody.body).message, /non-empty request body was deprecated since API v1.22/);
    // `{}` (what some clients send) is tolerated.
    state.running.clear();
    assert.equal((await call('POST', '/v1.47/containers/web/start', json({}))).status, 204);
  });

  it('stops and restarts with t= and signal= (signal only from API 1.42)', async () => {
    state.running.add('web');
    const stop = await call('POST', '/v1.47/containers/web/stop?t=5&signal=SIGINT');
    assert.equal(stop.status, 204);
    assert.deepEqual(last(), ['stop', 'web', { signal: 'SIGINT', timeoutSeconds: 5 }]);
    const notRunning = await call('POST', '/v1.47/containers/web/stop');
    assert.equal(notRunning.status, 304);
    assert.deepEqual(last(), ['stop', 'web', {}]);
    await call('POST', '/v1.41/containers/web/stop?signal=SIGINT&t=-1');
    assert.deepEqual(last(), ['stop', 'web', { timeoutSeconds: -1 }]);
    const bad = await call('POST', '/v1.47/containers/web/stop?t=1.5');
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).message, 'strconv.Atoi: parsing "1.5": invalid syntax');
    const restart = await call('POST', '/v1.47/containers/web/restart?t=0&signal=9');
    assert.equal(restart.status, 204);
    assert.deepEqual(last(), ['restart', 'web', { signal: '9', timeoutSeconds: 0 }]);
    assert.equal((await call('POST', '/v1.47/containers/nope/restart')).status, 404);
  });

  it('kills with SIGKILL by default; errors keep their status behind dockerd’s prefix', async () => {
    state.running.add('web');
    assert.equal((await call('POST', '/v1.47/containers/web/kill')).status, 204);
    assert.deepEqual(last(), ['kill', 'web', 'SIGKILL']);
    await call('POST', '/v1.47/containers/web/kill?signal=HUP');
    assert.deepEqual(last(), ['kill', 'web', 'HUP']);
    state.running.clear();
    const conflict = await call('POST', '/v1.47/containers/web/kill');
    assert.equal(conflict.status, 409);
    assert.equal(
      JSON.parse(conflict.body).message,
      'cannot kill container: web: container abc123 is not running',
    );
    const missing = await call('POST', '/v1.47/containers/zz/kill');
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).message, 'cannot kill container: zz: No such container: zz');
  });

  it('updates with a JSON body and answers the warnings', async () => {
    const res = await call('POST', '/v1.47/containers/web/update', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Memory: 67108864, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { Warnings: [] });
    assert.deepEqual(last(), [
      'update',
      'web',
      { Memory: 67108864, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } },
    ]);
    const bad = await call('POST', '/v1.47/containers/web/update', {
      headers: { 'Content-Type': 'application/json' },
      body: '[1]',
    });
    assert.equal(bad.status, 400);
  });

  it('removes, renames, resizes and prunes', async () => {
    assert.equal((await call('DELETE', '/v1.47/containers/web?force=1&v=true&link=0')).status, 204);
    assert.deepEqual(last(), ['remove', 'web', { force: true, removeVolumes: true, link: false }]);
    assert.equal((await call('DELETE', '/v1.47/containers/ghost')).status, 404);
    assert.equal((await call('POST', '/v1.47/containers/web/rename?name=db')).status, 204);
    assert.deepEqual(last(), ['rename', 'web', 'db']);
    const resized = await call('POST', '/v1.47/containers/web/resize?h=40&w=120');
    assert.equal(resized.status, 200);
    assert.deepEqual(last(), ['resize', 'web', { height: 40, width: 120 }]);
    const cases: [string, string][] = [
      ['h=x&w=1', 'invalid resize height "x": invalid syntax'],
      ['h=1', 'invalid resize width "": invalid syntax'],
      ['h=-1&w=1', 'invalid resize height "-1": value out of range'],
      ['h=1&w=4294967296', 'invalid resize width "4294967296": value out of range'],
    ];
    for (const [query, message] of cases) {
      const res = await call('POST', `/v1.47/containers/web/resize?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(JSON.parse(res.body).message, message);
    }
    const pruned = await call('POST', '/v1.47/containers/prune?filters=%7B%22until%22%3A%5B%2210m%22%5D%7D');
    assert.equal(pruned.status, 200);
    assert.deepEqual(JSON.parse(pruned.body), { ContainersDeleted: ['abc123'], SpaceReclaimed: 12 });
    assert.deepEqual(last(), ['prune', [['until', ['10m']]]]);
  });
});
