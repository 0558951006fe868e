import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RouteDefinition } from '../handler-context.js';
import { startTestServer, type TestServer } from '../testing.js';
import { createStdWriter, StdcopyDemuxer, StdStream } from './stdcopy.js';

/** Like attach: echo stdin upper-cased; on stdin EOF say "bye" and close (the process exited). */
const echoRoute: RouteDefinition = {
  method: 'POST',
  path: '/containers/{id}/attach',
  hijack: true,
  handler: async (ctx) => {
    const conn = ctx.hijack({ multiplexed: ctx.query.get('mux') === '1' });
    if (ctx.query.get('mux') === '1') {
      const out = createStdWriter(conn, StdStream.stdout);
      const err = createStdWriter(conn, StdStream.stderr);
      out.write('to stdout');
      err.write('to stderr');
    }
    await new Promise<void>((resolve) => {
      conn.on('data', (chunk: Buffer) => conn.write(chunk.toString().toUpperCase()));
      conn.on('end', () => {
        conn.end('bye', () => resolve());
      });
      conn.on('close', () => resolve());
    });
  },
};

/** Like exec start: a JSON body, then the upgraded stream. */
const execRoute: RouteDefinition = {
  method: 'POST',
  path: '/exec/{id}/start',
  hijack: true,
  handler: async (ctx) => {
    const body = await ctx.readJson<{ Tty: boolean }>();
    const conn = ctx.hijack();
    conn.write(`tty=${String(body?.Tty)};`);
    conn.on('data', (chunk: Buffer) => conn.write(chunk));
    conn.on('end', () => conn.end());
  },
};

const failingRoute: RouteDefinition = {
  method: 'POST',
  path: '/exec/{id}/fail',
  hijack: true,
  handler: () => {
    throw new Error('No such exec instance: x');
  },
};

interface RawExchange {
  head: string;
  body: Buffer;
}

/** Sends a raw request, then `afterHead(socket)` once the response head is in; collects the rest. */
function rawExchange(
  socketPath: string,
  requestText: string,
  afterHead: (socket: net.Socket) => void,
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path: socketPath, allowHalfOpen: true });
    let buffer = Buffer.alloc(0);
    let head: string | undefined;
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (head === undefined) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = buffer.subarray(0, end).toString();
        buffer = buffer.subarray(end + 4);
        afterHead(socket);
      }
    });
    socket.on('end', () => {
      socket.end();
      resolve({ head: head ?? '', body: buffer });
    });
    socket.on('error', reject);
    socket.write(requestText);
  });
}

describe('hijack', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ routes: [echoRoute, execRoute, failingRoute] });
  });
  after(() => t.close());

  it('upgrades, carries bytes both ways and keeps writing after the client half-closes', async () => {
    const { head, body } = await rawExchange(
      t.socketPath,
      'POST /v1.47/containers/abc/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: api.moby.localhost\r\n' +
        'Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
      (socket) => {
        socket.write('hello');
        setTimeout(() => socket.end(), 50);
      },
    );
    const lines = head.split('\r\n');
    assert.equal(lines[0], 'HTTP/1.1 101 UPGRADED');
    assert.ok(lines.includes('Content-Type: application/vnd.docker.raw-stream'));
    assert.ok(lines.includes('Connection: Upgrade'));
    assert.ok(lines.includes('Upgrade: tcp'));
    assert.ok(lines.includes('Api-Version: 1.47'));
    assert.equal(body.toString(), 'HELLObye');
  });

  it('announces the multiplexed type and frames output', async () => {
    const { head, body } = await rawExchange(
      t.socketPath,
      'POST /containers/abc/attach?mux=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
      (socket) => setTimeout(() => socket.end(), 50),
    );
    assert.match(head, /Content-Type: application\/vnd\.docker\.multiplexed-stream/);
    const frames = new StdcopyDemuxer().push(body.subarray(0, body.length - 'bye'.length));
    assert.deepEqual(
      frames.map((f) => [f.stream, Buffer.from(f.payload).toString()]),
      [
        [1, 'to stdout'],
        [2, 'to stderr'],
      ],
    );
  });

  it('reads a JSON body before upgrading and passes the rest on as stdin', async () => {
    const json = '{"Detach":false,"Tty":true}';
    const { head, body } = await rawExchange(
      t.socketPath,
      `POST /v1.47/exec/e1/start HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}early`,
      (socket) => {
        socket.write('-late');
        setTimeout(() => socket.end(), 50);
      },
    );
    assert.match(head, /^HTTP\/1\.1 101 UPGRADED/);
    assert.equal(body.toString(), 'tty=true;early-late');
  });

  it('takes over a plain request too, answering 200', async () => {
    const { head, body } = await rawExchange(
      t.socketPath,
      'POST /containers/abc/attach?stream=1 HTTP/1.1\r\nHost: x\r\n\r\n',
      (socket) => {
        socket.write('plain');
        setTimeout(() => socket.end(), 50);
      },
    );
    assert.match(head, /^HTTP\/1\.1 200 OK/);
    assert.match(head, /Content-Type: application\/vnd\.docker\.raw-stream/);
    assert.equal(body.toString(), 'PLAINbye');
  });

  it('answers a JSON error when the handler fails before hijacking', async () => {
    const { head, body } = await rawExchange(
      t.socketPath,
      'POST /exec/x/fail HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
      () => undefined,
    );
    assert.match(head, /^HTTP\/1\.1 500/);
    assert.match(head, /Content-Type: application\/json\r?\n?/);
    assert.match(body.toString(), /No such exec instance: x/);
  });

  it('gives a JSON 404 to an upgrade request for an unknown path', async () => {
    const { head, body } = await rawExchange(
      t.socketPath,
      'POST /nope HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
      () => undefined,
    );
    assert.match(head, /^HTTP\/1\.1 404/);
    assert.match(body.toString(), /page not found/);
  });

  it('survives a client that vanishes mid-stream', async () => {
    await new Promise<void>((resolve) => {
      const socket = net.connect(t.socketPath, () => {
        socket.write(
          'POST /containers/abc/attach HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
        );
        socket.once('data', () => {
          // Unix sockets cannot RST; send stdin and vanish so the echo hits a dead peer.
          socket.write('x');
          socket.destroy();
          resolve();
        });
      });
    });
    const { head } = await rawExchange(
      t.socketPath,
      'POST /containers/abc/attach HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
      (socket) => socket.end(),
    );
    assert.match(head, /101 UPGRADED/);
  });
});
