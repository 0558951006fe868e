/**
 * The TCP half of the userland proxy (docker-proxy's job): accept on the host address, connect
 * to the container address, copy both ways.
 *
 * - Half-close: each direction ends on its own. A client's FIN is passed on as a FIN to the
 *   container (`allowHalfOpen` on both sockets), and the other direction keeps flowing until
 *   the container closes too, as docker-proxy's CloseRead/CloseWrite pair does.
 * - Backpressure: `pipe` pauses the reading side while the writing side's buffer is full, so
 *   a slow reader never makes the proxy buffer without bound.
 * - A container that refuses the connection gets the client's connection closed, nothing else.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxyTarget {
  host: string;
  port: number;
}

export interface TcpProxy {
  readonly server: Server;
  /** Stops accepting and cuts every open connection. */
  close(): Promise<void>;
}

function relay(client: Socket, target: TcpProxyTarget, open: Set<Socket>): void {
  const backend = connect({ host: target.host, port: target.port, allowHalfOpen: true });
  open.add(client);
  open.add(backend);
  client.setNoDelay(true);
  backend.setNoDelay(true);
  // Until the backend answers, bytes from the client wait in the kernel, not here.
  client.pause();
  let closed = 0;
  const onClose = (): void => {
    closed += 1;
    if (closed === 2) {
      open.delete(client);
      open.delete(backend);
    }
  };
  client.once('close', onClose);
  backend.once('close', onClose);
  const teardown = (): void => {
    client.destroy();
    backend.destroy();
  };
  client.on('error', teardown);
  backend.on('error', teardown);
  backend.once('connect', () => {
    backend.pipe(client);
    client.pipe(backend);
    client.resume();
  });
  // No teardown on 'end': with allowHalfOpen each socket closes itself once it has both
  // received and sent its FIN and flushed what it was writing.
}

/** A proxy on an already listening (or about to listen) server. */
export function tcpProxy(target: TcpProxyTarget): TcpProxy {
  const open = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) =>
    relay(client, target, open),
  );
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
      }),
  };
}
