import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { StdcopyDemuxer } from '../stream/stdcopy.js';
import { startTestServer, waitFor, type TestServer } from '../testing.js';
import { containersRoutes } from './containers.js';
import {
  delay,
  fakeContainersBackend,
  newFakeState,
  rawExchange,
  requestHead,
  type FakeState,
} from './containers.test-backend.js';
import type { ContainerWaitResponse } from '../../types/index.js';
import type { LogLine } from '../backends.js';

/** [stream, text] pairs of a multiplexed body. */
function frames(body: Buffer): [number, string][] {
  const demuxer = new StdcopyDemuxer();
  const out = demuxer.push(body).map((f): [number, string] => [f.stream, Buffer.from(f.payload).toString()]);
  assert.equal(demuxer.bufferedBytes, 0, 'no truncated frame');
  return out;
}

/** Opens a streaming GET/POST and resolves once the status and headers are in. */
function openStream(
  socketPath: string,
  method: string,
  path: string,
): Promise<{ res: http.IncomingMessage; req: http.ClientRequest; body: () => Promise<Buffer> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const ended = new Promise<Buffer>((done) => res.on('end', () => done(Buffer.concat(chunks))));
      resolve({ res, req, body: () => ended });
    });
    req.on('error', reject);
    req.end();
  });
}

function line(stream: 'stdout' | 'stderr', text: string, second: number, attrs?: string): LogLine {
  return {
    stream,
    line: Buffer.from(text),
    time: `2026-11-29T10:00:0${second}.000000001Z`,
    ...(attrs === undefined ? {} : { attrs }),
  };
}

describe('containers streaming routes', () => {
  let server: TestServer;
  const state: FakeState = newFakeState();

  before(async () => {
    server = await startTestServer({ routes: containersRoutes(fakeContainersBackend(state)) });
  });
  after(() => server.close());
  beforeEach(() => {
    const fresh = newFakeState();
    Object.assign(state, fresh);
    // Object.assign leaves keys the fresh state lacks; drop the previous test's leftovers.
    for (const key of [
      'followLines',
      'logsError',
      'waitResult',
      'waitSignal',
      'sessionSignal',
      'logsSignal',
    ] as const) {
      delete state[key];
    }
  });

  describe('wait', () => {
    it('sends 200 and headers at once, the body when the container exits', async () => {
      let exit!: (r: ContainerWaitResponse) => void;
      state.waitResult = new Promise((resolve) => (exit = resolve));
      const { res, body } = await openStream(
        server.socketPath,
        'POST',
        '/v1.47/containers/web/wait?condition=next-exit',
      );
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.deepEqual(state.calls.at(-1), ['wait', 'web', 'next-exit']);
      exit({ StatusCode: 3, Error: null });
      assert.equal((await body()).toString(), '{"StatusCode":3}\n');
    });

    it('reports a wait error in the body', async () => {
      state.waitResult = Promise.resolve({ StatusCode: 0, Error: { Message: 'removal failed' } });
      const { body } = await openStream(
        server.socketPath,
        'POST',
        '/v1.47/containers/web/wait?condition=removed',
      );
      assert.deepEqual(JSON.parse((await body()).toString()), {
        Error: { Message: 'removal failed' },
        StatusCode: 0,
      });
      const failing = Promise.reject(new Error('containerd went away'));
      // Handled by the router once it asks; keep node from calling it unhandled before that.
      failing.catch(() => undefined);
      state.waitResult = failing;
      const failed = await openStream(server.socketPath, 'POST', '/v1.47/containers/web/wait');
      assert.deepEqual(JSON.parse((await failed.body()).toString()), {
        Error: { Message: 'containerd went away' },
        StatusCode: -1,
      });
      // API < 1.34 could only say "removal failed" by sending no body at all.
      state.waitResult = Promise.resolve({ StatusCode: 0, Error: { Message: 'removal failed' } });
      const legacy = await openStream(
        server.socketPath,
        'POST',
        '/v1.33/containers/web/wait?condition=removed',
      );
      assert.equal(legacy.res.statusCode, 200);
      assert.equal((await legacy.body()).length, 0);
    });

    it('refuses an unknown condition and a missing container before any header', async () => {
      const bad = await openStream(server.socketPath, 'POST', '/v1.47/containers/web/wait?condition=exited');
      assert.equal(bad.res.statusCode, 400);
      assert.equal(JSON.parse((await bad.body()).toString()).message, 'invalid condition: "exited"');
      const missing = await openStream(server.socketPath, 'POST', '/v1.47/containers/ghost/wait');
      assert.equal(missing.res.statusCode, 404);
      assert.equal((await missing.body()).toString(), '{"message":"No such container: ghost"}\n');
    });

    it('stops waiting when the client hangs up', async () => {
      state.waitResult = new Promise(() => undefined);
      const { req } = await openStream(server.socketPath, 'POST', '/v1.47/containers/web/wait');
      assert.equal(state.waitSignal?.aborted, false);
      req.destroy();
      await waitFor(() => state.waitSignal?.aborted === true);
    });

    it('ignores the condition before API 1.30 and answers only at the end', async () => {
      let exit!: (r: ContainerWaitResponse) => void;
      state.waitResult = new Promise((resolve) => (exit = resolve));
      let answered = false;
      const pending = openStream(
        server.socketPath,
        'POST',
        '/v1.29/containers/web/wait?condition=bogus',
      ).then((r) => ((answered = true), r));
      await waitFor(() => state.calls.length > 0);
      assert.deepEqual(state.calls.at(-1), ['wait', 'web', 'not-running']);
      await delay(50);
      assert.equal(answered, false, 'no headers before the result on API < 1.30');
      exit({ StatusCode: 1, Error: null });
      const { body } = await pending;
      assert.equal((await body()).toString(), '{"StatusCode":1}\n');
    });
  });

  describe('logs', () => {
    it('needs stdout or stderr', async () => {
      const res = await openStream(server.socketPath, 'GET', '/v1.47/containers/web/logs');
      assert.equal(res.res.statusCode, 400);
      assert.equal(
        JSON.parse((await res.body()).toString()).message,
        'Bad parameters: you must choose at least one stream',
      );
      const missing = await openStream(server.socketPath, 'GET', '/v1.47/containers/ghost/logs?stdout=1');
      assert.equal(missing.res.statusCode, 404);
    });

    it('frames each line on its stream with timestamps and details, without a TTY', async () => {
      state.logLines = [
        line('stdout', 'out\n', 1, 'a=1'),
        line('stderr', 'err\n', 2),
        line('stdout', 'no-nl', 3),
      ];
      const { res, body } = await openStream(
        server.socketPath,
        'GET',
        '/v1.47/containers/web/logs?stdout=1&stderr=1&timestamps=1&details=1&tail=5&since=1700000000.5&until=0',
      );
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
      assert.deepEqual(frames(await body()), [
        [1, '2026-11-29T10:00:01.000000001Z a=1 out\n'],
        [2, '2026-11-29T10:00:02.000000001Z  err\n'],
        [1, '2026-11-29T10:00:03.000000001Z  no-nl'],
      ]);
      assert.deepEqual(state.calls.at(-1), [
        'logs',
        'web',
        {
          stdout: true,
          stderr: true,
          follow: false,
          tail: '5',
          since: 1700000000.5,
          until: 0,
          timestamps: true,
          details: true,
        },
      ]);
    });

    it('shows only the streams asked for; raw bytes with a TTY; raw-stream type before 1.42', async () => {
      state.logLines = [line('stdout', 'a\n', 1), line('stderr', 'b\n', 2)];
      const onlyErr = await openStream(
        server.socketPath,
        'GET',
        '/v1.47/containers/web/logs?stderr=1&tail=all',
      );
      assert.deepEqual(frames(await onlyErr.body()), [[2, 'b\n']]);
      assert.equal((state.calls.at(-1)?.[2] as { tail: string }).tail, 'all');

      const old = await openStream(server.socketPath, 'GET', '/v1.41/containers/web/logs?stdout=1&tail=x');
      assert.equal(old.res.headers['content-type'], 'application/vnd.docker.raw-stream');
      assert.deepEqual(frames(await old.body()), [[1, 'a\n']], 'still framed: the client knows Tty');
      assert.equal((state.calls.at(-1)?.[2] as { tail: string }).tail, 'all');

      state.tty = true;
      const tty = await openStream(
        server.socketPath,
        'GET',
        '/v1.47/containers/web/logs?stdout=1&stderr=1&timestamps=1',
      );
      assert.equal(tty.res.headers['content-type'], 'application/vnd.docker.raw-stream');
      assert.equal(
        (await tty.body()).toString(),
        '2026-11-29T10:00:01.000000001Z a\n2026-11-29T10:00:02.000000001Z b\n',
      );
    });

    it('refuses a bad since before streaming', async () => {
      const res = await openStream(
        server.socketPath,
        'GET',
        '/v1.47/containers/web/logs?stdout=1&since=yesterday',
      );
      assert.equal(res.res.statusCode, 400);
    });

    it('follow: headers at once, lines as they come, and the signal aborts on hang-up', async () => {
      const queue: LogLine[] = [];
      let wake: (() => void) | undefined;
      const push = (l: LogLine): void => {
        queue.push(l);
        wake?.();
      };
      state.followLines = (async function* () {
        for (;;) {
          while (queue.length > 0) yield queue.shift() as LogLine;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      })();
      const { res, req } = await openStream(
        server.socketPath,
        'GET',
        '/v1.47/containers/web/logs?stdout=1&follow=1',
      );
      assert.equal(res.statusCode, 200);
      const received: Buffer[] = [];
      res.on('data', (c: Buffer) => received.push(c));
      push(line('stdout', 'live\n', 4));
      await waitFor(() => Buffer.concat(received).length >= 8 + 5);
      assert.deepEqual(frames(Buffer.concat(received)), [[1, 'live\n']]);
      assert.equal((state.calls.at(-1)?.[2] as { follow: boolean }).follow, true);
      req.destroy();
      await waitFor(() => state.logsSignal?.aborted === true);
    });

    it('writes a failure after the start as a system-error frame', async () => {
      state.logLines = [line('stdout', 'first\n', 1)];
      state.logsError = new Error('log file corrupt');
      const { res, body } = await openStream(server.socketPath, 'GET', '/v1.47/containers/web/logs?stdout=1');
      assert.equal(res.statusCode, 200);
      assert.deepEqual(frames(await body()), [
        [1, 'first\n'],
        [3, 'Error grabbing logs: log file corrupt\n'],
      ]);
    });
  });

  describe('attach', () => {
    it('upgrades, frames output without a TTY, keeps writing after stdin EOF, closes when run ends', async () => {
      state.session = async (streams) => {
        const input: Buffer[] = [];
        for await (const chunk of streams.stdin ?? []) input.push(chunk as Buffer);
        // stdin has ended (the client half-closed); output must still reach the client.
        streams.stdout?.write(`got ${Buffer.concat(input).toString()}`);
        streams.stderr?.write('done');
      };
      const exchange = await rawExchange(
        server.socketPath,
        requestHead(
          'POST',
          '/v1.47/containers/web/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-x',
        ),
        (socket) => {
          socket.write('hello ');
          setTimeout(() => socket.end('world'), 20);
        },
      );
      assert.equal(exchange.head.split('\r\n')[0], 'HTTP/1.1 101 UPGRADED');
      assert.equal(exchange.headers.get('content-type'), 'application/vnd.docker.multiplexed-stream');
      assert.equal(exchange.headers.get('upgrade'), 'tcp');
      assert.deepEqual(frames(exchange.body), [
        [1, 'got hello world'],
        [2, 'done'],
      ]);
      assert.deepEqual(state.calls.at(-1), [
        'attach',
        'web',
        { stdin: true, stdout: true, stderr: true, stream: true, logs: false, detachKeys: 'ctrl-x' },
      ]);
    });

    it('passes raw bytes both ways with a TTY', async () => {
      state.tty = true;
      state.session = async (streams) => {
        for await (const chunk of streams.stdin ?? []) streams.stdout?.write(String(chunk).toUpperCase());
        streams.stderr?.write('!');
      };
      const exchange = await rawExchange(
        server.socketPath,
        requestHead('POST', '/v1.47/containers/web/attach?stream=1&stdin=1&stdout=1&stderr=1'),
        (socket) => {
          socket.write('abc');
          setTimeout(() => socket.end(), 20);
        },
      );
      assert.equal(exchange.headers.get('content-type'), 'application/vnd.docker.raw-stream');
      assert.equal(exchange.body.toString(), 'ABC!');
    });

    it('gives no stdin when not asked for, and ends when the session ends even if the client stays', async () => {
      let sawStdin: boolean | undefined;
      state.session = async (streams) => {
        sawStdin = streams.stdin !== undefined;
        assert.equal(streams.stderr, undefined);
        streams.stdout?.write('bye');
      };
      const exchange = await rawExchange(
        server.socketPath,
        requestHead('POST', '/v1.47/containers/web/attach?stream=1&stdout=1'),
      );
      assert.equal(sawStdin, false);
      assert.deepEqual(frames(exchange.body), [[1, 'bye']]);
    });

    it('sends every byte of a large output before closing', async () => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      state.session = async (streams) => {
        for (let i = 0; i < 32; i++) {
          await new Promise<void>((resolve, reject) =>
            streams.stdout?.write(chunk, (err) => (err ? reject(err) : resolve())),
          );
        }
        streams.stdout?.write('end');
      };
      const exchange = await rawExchange(
        server.socketPath,
        requestHead('POST', '/v1.47/containers/web/attach?stream=1&stdout=1'),
      );
      const payload = Buffer.concat(
        new StdcopyDemuxer().push(exchange.body).map((f) => Buffer.from(f.payload)),
      );
      assert.equal(payload.length, 32 * chunk.length + 3);
      assert.equal(payload.subarray(-3).toString(), 'end');
    });

    it('after a detach (stdin dropped) discards further input and closes when the session ends', async () => {
      state.session = async (streams) => {
        for await (const chunk of streams.stdin ?? []) {
          if (String(chunk).includes('\x10\x11')) break; // ctrl-p ctrl-q; breaking destroys stdin
        }
        await new Promise((r) => setTimeout(r, 30));
        streams.stdout?.write('detached');
      };
      const exchange = await rawExchange(
        server.socketPath,
        requestHead('POST', '/v1.47/containers/web/attach?stream=1&stdin=1&stdout=1'),
        (socket) => {
          socket.write('typing\x10\x11');
          setTimeout(() => socket.write('more after detach'), 10);
        },
      );
      assert.deepEqual(frames(exchange.body), [[1, 'detached']]);
    });

    it('answers 200 with the raw-stream type when the client does not ask to upgrade', async () => {
      state.session = async (streams) => void streams.stdout?.write('x');
      const exchange = await rawExchange(
        server.socketPath,
        requestHead('POST', '/v1.47/containers/web/attach?stream=1&stdout=1', { upgrade: false }),
      );
      assert.equal(exchange.status, 200);
      assert.equal(exchange.headers.get('content-type'), 'application/vnd.docker.raw-stream');
      assert.deepEqual(frames(exchange.body), [[1, 'x']]);
    });

    it('writes a failure after the hijack on stdout as moby does (raw text with a TTY)', async () => {
      state.session = async (streams) => {
        streams.stdout?.write('partial');
        throw new Error('fifo vanished');
      };
      const framed = await rawExchange(
        server.socketPath,
        requestHead('POST', '/v1.47/containers/web/attach?stream=1&stdout=1'),
      );
      assert.deepEqual(frames(framed.body), [
        [1, 'partial'],
        [1, 'Error attaching: fifo vanished\n'],
      ]);
      state.tty = true;
      const raw = await rawExchange(
        server.socketPath,
        requestHead('POST', '/v1.47/containers/web/attach?stream=1&stdout=1'),
      );
      assert.equal(raw.body.toString(), 'partialError attaching: fifo vanished\n');
    });

    it('answers a JSON 404 before hijacking', async () => {
      const exchange = await rawExchange(
        server.socketPath,
        requestHead('POST', '/v1.47/containers/ghost/attach?stream=1'),
      );
      assert.equal(exchange.status, 404);
      assert.equal(exchange.headers.get('content-type'), 'application/json');
      assert.equal(exchange.body.toString(), '{"message":"No such container: ghost"}\n');
    });

    it('aborts the session’s signal when the client goes away', async () => {
      // A vanished client first looks like a half-close (EOF on stdin); it shows as gone when
      // output can no longer be written, which is what aborts the signal.
      state.session = (streams, signal) =>
        new Promise<void>((resolve) => {
          const tick = setInterval(() => streams.stdout?.write('tick'), 10);
          signal.addEventListener(
            'abort',
            () => {
              clearInterval(tick);
              resolve();
            },
            { once: true },
          );
        });
      // The exchange never ends normally: the client destroys its socket.
      void rawExchange(
        server.socketPath,
        requestHead('POST', '/v1.47/containers/web/attach?stream=1&stdin=1&stdout=1'),
        (socket) => setTimeout(() => socket.destroy(), 20),
      ).catch(() => undefined);
      await waitFor(() => state.sessionSignal?.aborted === true);
    });
  });
});
