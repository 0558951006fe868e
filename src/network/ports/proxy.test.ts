import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { startProxyBinding, type RunningProxy } from './proxy-listen.js';
import { udpProxy } from './proxy-udp.js';

const closers: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** A free port on 127.0.0.1 (bound, read, released). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function tcpProxyTo(containerPort: number): Promise<{ proxy: RunningProxy; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      const proxy = await startProxyBinding({
        proto: 'tcp',
        hostIp: '127.0.0.1',
        hostPort: port,
        containerIp: '127.0.0.1',
        containerPort,
      });
      closers.push(() => proxy.close());
      return { proxy, port };
    } catch (err) {
      if (attempt > 5) throw err;
    }
  }
}

function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return once(socket, 'end').then(() => Buffer.concat(chunks));
}

describe('TCP userland proxy', () => {
  it('carries bytes both ways and passes a half-close on', async () => {
    // The backend answers only after the client has shut down its sending side.
    const backend = createServer({ allowHalfOpen: true }, (socket) => {
      const received = readAll(socket);
      void received.then((data) => socket.end(`got ${data.length} bytes: ${data.toString().slice(0, 5)}`));
    });
    const { port } = await tcpProxyTo(await listen(backend));
    const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const reply = readAll(client);
    client.write('hello ');
    client.end('world');
    assert.equal((await reply).toString(), 'got 11 bytes: hello');
  });

  it('applies backpressure: a client that stops reading stops the backend', async () => {
    const total = 512 * 1024 * 1024;
    let written = 0;
    let backendSocket: Socket | undefined;
    const backend = createServer((socket) => {
      backendSocket = socket;
      const chunk = Buffer.alloc(1024 * 1024, 1);
      const pump = (): void => {
        while (written < total) {
          written += chunk.length;
          if (!socket.write(chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
      socket.on('error', () => {});
    });
    const { port } = await tcpProxyTo(await listen(backend));
    const client = connect({ port, host: '127.0.0.1' });
    client.pause();
    await once(client, 'connect');
    // Let the pipes fill, then check that the backend is stuck well short of the total.
    let before = -1;
    while (before !== written) {
      before = written;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(written < 64 * 1024 * 1024, `backend wrote ${written} bytes to a client that reads nothing`);
    // Reading again drains it all through.
    let read = 0;
    client.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read >= 8 * 1024 * 1024) client.destroy();
    });
    client.resume();
    await once(client, 'close');
    assert.ok(read >= 8 * 1024 * 1024);
    backendSocket?.destroy();
  });

  it('closes the client when the container refuses the connection', async () => {
    const { port } = await tcpProxyTo(await freePort());
    const client = connect({ port, host: '127.0.0.1' });
    client.on('error', () => {});
    await once(client, 'close');
    assert.equal(client.bytesRead, 0);
  });

  it("fails to listen on a port in use with docker-proxy's wording", async () => {
    const holder = createServer();
    const port = await listen(holder);
    await assert.rejects(
      startProxyBinding({
        proto: 'tcp',
        hostIp: '127.0.0.1',
        hostPort: port,
        containerIp: '127.0.0.1',
        containerPort: 1,
      }),
      { message: `listen tcp4 127.0.0.1:${port}: bind: address already in use` },
    );
  });
});

async function udpBound(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  closers.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket;
}

describe('UDP userland proxy', () => {
  it('keeps a flow per client, answers each client, and ends idle flows', async () => {
    const backend = await udpBound();
    backend.on('message', (data, from) =>
      backend.send(`echo ${data.toString()} from ${from.port}`, from.port, from.address),
    );
    const listener = createSocket('udp4');
    listener.bind(0, '127.0.0.1');
    await once(listener, 'listening');
    const proxy = udpProxy(listener, { host: '127.0.0.1', port: backend.address().port }, 300);
    closers.push(() => proxy.close());
    const proxyPort = listener.address().port;

    const ask = async (client: UdpSocket, text: string): Promise<string> => {
      client.send(text, proxyPort, '127.0.0.1');
      const [reply] = (await once(client, 'message')) as [Buffer];
      return reply.toString();
    };
    const a = await udpBound();
    const b = await udpBound();
    const first = await ask(a, 'one');
    const second = await ask(a, 'two');
    const third = await ask(b, 'three');
    assert.match(first, /^echo one from \d+$/);
    // The same client keeps its flow (same source port at the backend); another client gets its own.
    assert.equal(second.split(' from ')[1], first.split(' from ')[1]);
    assert.notEqual(third.split(' from ')[1], first.split(' from ')[1]);
    assert.equal(proxy.flowCount(), 2);
    while (proxy.flowCount() > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(await ask(a, 'again'), /^echo again from \d+$/);
  });

  it('fails to bind a port in use with the udp4 wording', async () => {
    const holder = await udpBound();
    const port = holder.address().port;
    await assert.rejects(
      startProxyBinding({
        proto: 'udp',
        hostIp: '127.0.0.1',
        hostPort: port,
        containerIp: '127.0.0.1',
        containerPort: 1,
      }),
      { message: `listen udp4 127.0.0.1:${port}: bind: address already in use` },
    );
  });
});
