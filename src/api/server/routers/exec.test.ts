import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { StdcopyDemuxer } from '../stream/stdcopy.js';
import { request, startTestServer, type TestServer } from '../testing.js';
import {
  fakeExecBackend,
  newFakeState,
  rawExchange,
  requestHead,
  type FakeState,
} from './containers.test-backend.js';
import { execRoutes } from './exec.js';

function frames(body: Buffer): [number, string][] {
  return new StdcopyDemuxer()
    .push(body)
    .map((f): [number, string] => [f.stream, Buffer.from(f.payload).toString()]);
}

describe('exec routes', () => {
  let server: TestServer;
  const state: FakeState = newFakeState();

  before(async () => {
    server = await startTestServer({ routes: execRoutes(fakeExecBackend(state)) });
  });
  after(() => server.close());
  beforeEach(() => {
    Object.assign(state, newFakeState());
    delete state.sessionSignal;
  });

  const post = (path: string, body?: unknown, contentType = 'application/json') =>
    request(server.socketPath, 'POST', path, {
      headers: body === undefined ? {} : { 'Content-Type': contentType },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('creates: 201 {Id}; ConsoleSize only from API 1.42', async () => {
    const res = await post('/v1.47/containers/web/exec', {
      Cmd: ['sh', '-c', 'echo'],
      AttachStdout: true,
      Tty: true,
      ConsoleSize: [24, 80],
    });
    assert.equal(res.status, 201);
    assert.equal(res.body, '{"Id":"e1"}\n');
    assert.deepEqual(state.calls.at(-1), [
      'exec-create',
      'web',
      { Cmd: ['sh', '-c', 'echo'], AttachStdout: true, Tty: true, ConsoleSize: [24, 80] },
    ]);
    await post('/v1.41/containers/web/exec', { Cmd: ['true'], ConsoleSize: [24, 80] });
    assert.deepEqual(state.calls.at(-1)?.[2], { Cmd: ['true'], ConsoleSize: null });
  });

  it('refuses a missing command, a non-JSON body and an unknown container', async () => {
    for (const body of [{}, { Cmd: [] }, undefined]) {
      const res = await post('/v1.47/containers/web/exec', body);
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(res.body).message, 'No exec command specified');
    }
    const typed = await post('/v1.47/containers/web/exec', { Cmd: 'ls' });
    assert.equal(typed.status, 400);
    const plain = await post('/v1.47/containers/web/exec', { Cmd: ['ls'] }, 'text/plain');
    assert.equal(plain.status, 400);
    assert.equal(
      JSON.parse(plain.body).message,
      "unsupported Content-Type header (text/plain): must be 'application/json'",
    );
    const missing = await post('/v1.47/containers/ghost/exec', { Cmd: ['ls'] });
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).message, 'No such container: ghost');
  });

  it('starts detached: 200 with an empty body', async () => {
    const res = await post('/v1.47/exec/e1/start', { Detach: true, Tty: false });
    assert.equal(res.status, 200);
    assert.equal(res.body, '');
    assert.deepEqual(state.calls.at(-1), [
      'exec-start',
      'e1',
      { detach: true, tty: false, consoleSize: null },
    ]);
    const typed = await post('/v1.47/exec/e1/start', { Detach: 'yes' });
    assert.equal(typed.status, 400);
    assert.equal(
      JSON.parse(typed.body).message,
      'invalid JSON: json: cannot unmarshal string into Go struct field ExecStartOptions.Detach of type bool',
    );
    const missing = await post('/v1.47/exec/nope/start', { Detach: true });
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).message, 'No such exec instance: nope');
  });

  it('hijacks without Detach: frames by the start request’s Tty, stdin after the body, half-close', async () => {
    state.session = async (streams) => {
      const input: Buffer[] = [];
      for await (const chunk of streams.stdin ?? []) input.push(chunk as Buffer);
      streams.stdout?.write(`in=${Buffer.concat(input).toString()}`);
      streams.stderr?.write('warn');
    };
    const body = JSON.stringify({ Detach: false, Tty: false, ConsoleSize: [10, 10] });
    const exchange = await rawExchange(
      server.socketPath,
      requestHead('POST', '/v1.47/exec/e1/start', { body }) + 'early-',
      (socket) => setTimeout(() => socket.end('late'), 20),
    );
    assert.equal(exchange.head.split('\r\n')[0], 'HTTP/1.1 101 UPGRADED');
    assert.equal(exchange.headers.get('content-type'), 'application/vnd.docker.multiplexed-stream');
    assert.deepEqual(frames(exchange.body), [
      [1, 'in=early-late'],
      [2, 'warn'],
    ]);
    // No console without a TTY.
    assert.deepEqual(state.calls.at(-1), [
      'exec-start',
      'e1',
      { detach: false, tty: false, consoleSize: null },
    ]);
  });

  it('with Tty: raw bytes and the console size; a late failure is written in the stream', async () => {
    state.session = async (streams) => {
      streams.stdout?.write('$ ');
      throw new Error('exec failed: no such file');
    };
    const exchange = await rawExchange(
      server.socketPath,
      requestHead('POST', '/v1.47/exec/e1/start', {
        body: JSON.stringify({ Tty: true, ConsoleSize: [24, 80] }),
      }),
    );
    assert.equal(exchange.headers.get('content-type'), 'application/vnd.docker.raw-stream');
    assert.equal(exchange.body.toString(), '$ exec failed: no such file\r\n');
    assert.deepEqual(state.calls.at(-1), [
      'exec-start',
      'e1',
      { detach: false, tty: true, consoleSize: [24, 80] },
    ]);

    state.session = async () => {
      throw new Error('container stopped');
    };
    const framed = await rawExchange(
      server.socketPath,
      requestHead('POST', '/v1.47/exec/e1/start', { body: '{}' }),
    );
    assert.deepEqual(frames(framed.body), [[1, 'container stopped\r\n']]);
  });

  it('hijacks a plain (non-upgrade) start too, answering 200 with the raw-stream type', async () => {
    state.session = async (streams) => void streams.stdout?.write('plain');
    const exchange = await rawExchange(
      server.socketPath,
      requestHead('POST', '/v1.47/exec/e1/start', { upgrade: false, body: '{"Tty":false}' }),
    );
    assert.equal(exchange.status, 200);
    assert.equal(exchange.headers.get('content-type'), 'application/vnd.docker.raw-stream');
    assert.deepEqual(frames(exchange.body), [[1, 'plain']]);
  });

  it('inspects and resizes', async () => {
    const res = await request(server.socketPath, 'GET', '/v1.47/exec/e1/json');
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).ExitCode, 3);
    assert.equal((await request(server.socketPath, 'GET', '/v1.47/exec/zz/json')).status, 404);
    assert.equal((await post('/v1.47/exec/e1/resize?h=24&w=80')).status, 200);
    assert.deepEqual(state.calls.at(-1), ['exec-resize', 'e1', { height: 24, width: 80 }]);
    const bad = await post('/v1.47/exec/e1/resize?h=24&w=wide');
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).message, 'invalid resize width "wide": invalid syntax');
  });
});
