import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../errors/index.js';
import type { EventQuery, EventSubscription } from '../backends.js';
import {
  FakeEventsBackend,
  makeEvent,
  request,
  startTestServer,
  waitFor,
  type TestServer,
} from '../testing.js';

const SECOND = 1e9;

/** Opens GET path as a stream; resolves once headers are in, with helpers to read lines. */
function openStream(socketPath: string, path: string) {
  return new Promise<{
    res: http.IncomingMessage;
    lines: string[];
    ended: Promise<void>;
    req: http.ClientRequest;
  }>((resolve, reject) => {
    const req = http.request({ socketPath, path, agent: false }, (res) => {
      const lines: string[] = [];
      let partial = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        partial += chunk;
        const parts = partial.split('\n');
        partial = parts.pop() ?? '';
        lines.push(...parts.filter((l) => l !== ''));
      });
      const ended = new Promise<void>((done) => {
        res.on('end', done);
        res.on('close', done);
      });
      resolve({ res, lines, ended, req });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /events', () => {
  let t: TestServer;
  const events = new FakeEventsBackend();
  const now = Date.now() * 1e6;
  events.stored.push(makeEvent('create', now - 30 * SECOND), makeEvent('start', now - 20 * SECOND));

  before(async () => {
    t = await startTestServer({ backends: { events } });
  });
  after(() => t.close());

  it('sends headers at once, then live events, and closes the subscription on disconnect', async () => {
    const stream = await openStream(t.socketPath, '/v1.47/events');
    assert.equal(stream.res.statusCode, 200);
    assert.equal(stream.res.headers['content-type'], 'application/json');
    const sub = events.subscriptions.at(-1);
    assert.ok(sub);
    assert.equal(sub.query.sinceNano, undefined);
    events.emit(makeEvent('die', now));
    await waitFor(() => stream.lines.length === 1);
    assert.equal(JSON.parse(stream.lines[0] as string).Action, 'die');
    stream.req.destroy();
    await waitFor(() => sub.closed);
  });

  it('replays the backlog from since, then ends at until', async () => {
    const since = (now - 25 * SECOND) / SECOND;
    const until = (Date.now() + 300) / 1000;
    const stream = await openStream(
      t.socketPath,
      `/events?since=${since.toFixed(9)}&until=${until.toFixed(3)}`,
    );
    const sub = events.subscriptions.at(-1);
    assert.ok(sub);
    events.emit(makeEvent('stop', Date.now() * 1e6));
    await stream.ended;
    assert.deepEqual(
      stream.lines.map((l) => JSON.parse(l).Action),
      ['start', 'stop'],
    );
    assert.equal(sub.closed, true);
    assert.ok(Math.abs((sub.query.sinceNano ?? 0) - (now - 25 * SECOND)) < 1e4);
  });

  it('with until in the past and no since, ends at once with an empty stream', async () => {
    const res = await request(t.socketPath, 'GET', `/events?until=${Math.floor(Date.now() / 1000) - 60}`);
    assert.equal(res.status, 200);
    assert.equal(res.body, '');
    assert.equal(events.subscriptions.at(-1)?.closed, true);
  });

  it('accepts durations for since and until (10m ago … 1s ago)', async () => {
    const res = await request(t.socketPath, 'GET', '/events?since=10m&until=1s');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).Action),
      ['create', 'start'],
    );
  });

  it('passes filters in both shapes and refuses bad JSON with 400', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const modern = encodeURIComponent('{"type":{"container":true},"event":{"die":true}}');
    await request(t.socketPath, 'GET', `/events?until=${past}&filters=${modern}`);
    assert.deepEqual(
      [...(events.subscriptions.at(-1)?.query.filters ?? [])],
      [
        ['type', ['container']],
        ['event', ['die']],
      ],
    );
    const legacy = encodeURIComponent('{"type":["image"]}');
    await request(t.socketPath, 'GET', `/events?until=${past}&filters=${legacy}`);
    assert.deepEqual(events.subscriptions.at(-1)?.query.filters.get('type'), ['image']);
    const bad = await request(t.socketPath, 'GET', '/events?filters=%7Bnope');
    assert.equal(bad.status, 400);
    assert.equal(bad.headers['content-type'], 'application/json');
    assert.match(JSON.parse(bad.body).message, /invalid filter/);
  });

  it('refuses since after until and bad timestamps with 400', async () => {
    assert.equal((await request(t.socketPath, 'GET', '/events?since=2000&until=1000')).status, 400);
    assert.equal((await request(t.socketPath, 'GET', '/events?since=yesterday')).status, 400);
  });
});

describe('GET /events with a backend that refuses a filter', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      backends: {
        events: {
          subscribe(query: EventQuery): EventSubscription {
            throw new InvalidArgumentError(`invalid filter '${[...query.filters.keys()].join()}'`);
          },
        },
      },
    });
  });
  after(() => t.close());

  it('answers 400 before any stream starts', async () => {
    const res = await request(
      t.socketPath,
      'GET',
      `/events?filters=${encodeURIComponent('{"bogus":["x"]}')}`,
    );
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.body), { message: "invalid filter 'bogus'" });
  });
});

describe('server shutdown', () => {
  it('ends a live events stream and closes its subscription', async () => {
    const events = new FakeEventsBackend();
    const t = await startTestServer({ backends: { events } });
    try {
      const stream = await openStream(t.socketPath, '/events');
      await t.server.close();
      await stream.ended;
      assert.equal(events.subscriptions[0]?.closed, true);
    } finally {
      await t.close();
    }
  });
});
