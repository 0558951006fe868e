import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../../errors/index.js';
import type { ContainerTopResponse, ObserveBackend, StatsSampler } from '../backends-observe.js';
import { request, startTestServer, type TestServer } from '../testing.js';
import { observeRoutes } from './containers-observe.js';

interface Sample {
  n: number;
  read: string;
  precpu: number | null;
}

/** A backend over a tiny in-memory state: `web` runs, `stopped` exists and is stopped. */
function testBackend(state: { paused: Set<string>; calls: unknown[][] }): ObserveBackend {
  const lookup = (name: string): { id: string; running: boolean } => {
    if (name === 'web') return { id: 'c0ffee', running: true };
    if (name === 'stopped') return { id: 'dead01', running: false };
    throw new NotFoundError(`No such container: ${name}`);
  };
  return {
    async pause(name) {
      const c = lookup(name);
      if (!c.running) throw new ConflictError(`container ${c.id} is not running`);
      if (state.paused.has(c.id)) throw new ConflictError(`container ${c.id} is already paused`);
      state.paused.add(c.id);
    },
    async unpause(name) {
      const c = lookup(name);
      if (!state.paused.delete(c.id)) throw new ConflictError(`container ${c.id} is not paused`);
    },
    async top(name, psArgs): Promise<ContainerTopResponse> {
      state.calls.push(['top', name, psArgs]);
      const c = lookup(name);
      if (psArgs.includes('=PID')) throw new InvalidArgumentError('specifying "x=PID" is not allowed');
      if (!c.running) throw new ConflictError(`container ${c.id} is not running`);
      return { Titles: ['PID', 'CMD'], Processes: [['1', 'sleep 9']] };
    },
    async changes(name) {
      return lookup(name).running
        ? [
            { Path: '/tmp', Kind: 0 },
            { Path: '/tmp/x', Kind: 1 },
          ]
        : null;
    },
    async stats(name): Promise<StatsSampler<Sample>> {
      const c = lookup(name);
      let n = 0;
      return {
        running: c.running,
        sample: async (previous) => {
          n += 1;
          state.calls.push(['sample', name, n]);
          return { n, read: `t${n}`, precpu: previous ? previous.n : null };
        },
      };
    },
  };
}

/** Reads the first `count` lines of a streaming response, then hangs up. */
function firstLines(
  socketPath: string,
  path: string,
  count: number,
): Promise<{ status: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: 'GET', path, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        const lines = text.split('\n').filter((l) => l !== '');
        if (lines.length >= count) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, lines: lines.slice(0, count) });
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('observe routes', () => {
  let server: TestServer;
  const state = { paused: new Set<string>(), calls: [] as unknown[][] };

  before(async () => {
    server = await startTestServer({ routes: observeRoutes(testBackend(state), { statsIntervalMs: 20 }) });
  });
  after(() => server.close());
  beforeEach(() => {
    state.paused.clear();
    state.calls.length = 0;
  });
  const call = (method: string, path: string) => request(server.socketPath, method, path);

  it('changes answers the list, null when nothing changed, 404 for an unknown container', async () => {
    const web = await call('GET', '/v1.47/containers/web/changes');
    assert.equal(web.status, 200);
    assert.deepEqual(JSON.parse(web.body), [
      { Path: '/tmp', Kind: 0 },
      { Path: '/tmp/x', Kind: 1 },
    ]);
    assert.equal((await call('GET', '/containers/stopped/changes')).body.trim(), 'null');
    const missing = await call('GET', '/containers/nope/changes');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body), { message: 'No such container: nope' });
  });

  it('pause and unpause answer 204, then 409 in dockerd’s words', async () => {
    assert.equal((await call('POST', '/v1.47/containers/web/pause')).status, 204);
    const again = await call('POST', '/v1.47/containers/web/pause');
    assert.equal(again.status, 409);
    assert.deepEqual(JSON.parse(again.body), { message: 'container c0ffee is already paused' });
    assert.equal((await call('POST', '/v1.47/containers/web/unpause')).status, 204);
    const notPaused = await call('POST', '/containers/web/unpause');
    assert.equal(notPaused.status, 409);
    assert.deepEqual(JSON.parse(notPaused.body), { message: 'container c0ffee is not paused' });
    const stopped = await call('POST', '/containers/stopped/pause');
    assert.equal(stopped.status, 409);
    assert.deepEqual(JSON.parse(stopped.body), { message: 'container dead01 is not running' });
    const missing = await call('POST', '/containers/nope/pause');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body), { message: 'No such container: nope' });
  });

  it('top passes ps_args (empty when absent) and maps errors to statuses', async () => {
    const res = await call('GET', '/v1.47/containers/web/top?ps_args=aux');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body), { Titles: ['PID', 'CMD'], Processes: [['1', 'sleep 9']] });
    assert.deepEqual(state.calls.at(-1), ['top', 'web', 'aux']);
    await call('GET', '/containers/web/top');
    assert.deepEqual(state.calls.at(-1), ['top', 'web', '']);
    assert.equal((await call('GET', '/containers/web/top?ps_args=-o%20x=PID')).status, 400);
    assert.equal((await call('GET', '/containers/stopped/top')).status, 409);
    assert.equal((await call('GET', '/containers/nope/top')).status, 404);
  });

  it('stats?stream=0 answers the second sample, primed by the first', async () => {
    const res = await call('GET', '/v1.47/containers/web/stats?stream=0');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body), { n: 2, read: 't2', precpu: 1 });
  });

  it('stats one-shot answers the first sample (API ≥ 1.41 only)', async () => {
    const res = await call('GET', '/v1.47/containers/web/stats?stream=false&one-shot=true');
    assert.deepEqual(JSON.parse(res.body), { n: 1, read: 't1', precpu: null });
    const old = await call('GET', '/v1.40/containers/web/stats?stream=false&one-shot=true');
    assert.deepEqual(JSON.parse(old.body), { n: 2, read: 't2', precpu: 1 });
  });

  it('stats of a stopped container without streaming answers at once', async () => {
    const res = await call('GET', '/v1.47/containers/stopped/stats?stream=0');
    assert.deepEqual(JSON.parse(res.body), { n: 1, read: 't1', precpu: null });
    assert.equal(state.calls.filter((c) => c[0] === 'sample').length, 1);
  });

  it('stats streams by default: one JSON line per interval, each chained to the last', async () => {
    const { status, lines } = await firstLines(server.socketPath, '/v1.47/containers/web/stats', 3);
    assert.equal(status, 200);
    assert.deepEqual(
      lines.map((l) => JSON.parse(l) as Sample),
      [
        { n: 1, read: 't1', precpu: null },
        { n: 2, read: 't2', precpu: 1 },
        { n: 3, read: 't3', precpu: 2 },
      ],
    );
  });

  it('stats of an unknown container is a 404 before any stream', async () => {
    const res = await call('GET', '/v1.47/containers/nope/stats');
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(res.body), { message: 'No such container: nope' });
  });
});
