/**
 * Taking over a connection for attach and exec: after the response head, both directions
 * carry raw bytes (or stdcopy frames) with no HTTP framing, as dockerd does.
 *
 * Two ways in:
 * - The client asked to upgrade (`Connection: Upgrade`, `Upgrade: tcp`, what the docker CLI,
 *   docker-py and dockerode send). node:http hands such requests to the server's 'upgrade'
 *   event with the socket already detached from its HTTP parser; we answer `101 UPGRADED`.
 * - A plain request (curl). dockerd hijacks anyway and answers `200 OK`. node:http gives no
 *   public way to detach its parser from a socket mid-request, so we do what its own upgrade
 *   path does (unconsume + drop its listeners). That relies on node internals; if they are
 *   missing we still answer, and stdin is just the request body.
 *
 * The socket is left half-open capable: when the client half-closes (stdin EOF) the returned
 * stream ends for reading but stays writable, so output can continue until the process exits.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { Logger } from '../../../log/index.js';

export const RAW_STREAM_CONTENT_TYPE = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM_CONTENT_TYPE = 'application/vnd.docker.multiplexed-stream';

export interface HijackParams {
  req: IncomingMessage;
  /** The response object node created (or api-server fabricated for upgrades); detached here. */
  res: ServerResponse;
  socket: Socket;
  /** True when the request came through the 'upgrade' event. */
  upgraded: boolean;
  /** Bytes node read past the request head on an upgrade (the start of stdin). */
  head?: Buffer;
  multiplexed?: boolean;
  /** Extra response headers (the server's common headers). */
  headers?: Record<string, string>;
  logger: Logger;
}

/** The response head, built by hand because the socket is ours once it is written. */
export function hijackResponseHead(
  upgraded: boolean,
  multiplexed: boolean,
  headers: Record<string, string> = {},
): string {
  const contentType = multiplexed ? MULTIPLEXED_STREAM_CONTENT_TYPE : RAW_STREAM_CONTENT_TYPE;
  let head = upgraded ? 'HTTP/1.1 101 UPGRADED\r\n' : 'HTTP/1.1 200 OK\r\n';
  head += `Content-Type: ${contentType}\r\n`;
  if (upgraded) head += 'Connection: Upgrade\r\nUpgrade: tcp\r\n';
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return head + '\r\n';
}

interface NodeParser {
  unconsume?: () => void;
  finish?: () => void;
}

interface SocketWithInternals {
  parser?: NodeParser | null;
  _handle?: { _consumed?: boolean } | null;
}

/** Names of the listeners node:http's server installs on a connection it is parsing. */
const SERVER_LISTENER_NAMES = new Set([
  'socketOnData',
  'bound socketOnData',
  'socketOnEnd',
  'bound socketOnEnd',
  'socketOnDrain',
  'bound socketOnDrain',
  'socketOnError',
  'socketOnTimeout',
]);

/** Stops node's HTTP parser from reading `socket`, as node does before emitting 'upgrade'. */
function detachHttpParser(socket: Socket): boolean {
  const internals = socket as unknown as SocketWithInternals;
  const parser = internals.parser;
  if (!parser || typeof parser.unconsume !== 'function') return false;
  for (const event of ['data', 'end', 'drain', 'error', 'timeout'] as const) {
    for (const listener of socket.listeners(event)) {
      if (SERVER_LISTENER_NAMES.has((listener as { name: string }).name)) {
        socket.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  if (internals._handle?._consumed) {
    internals._handle._consumed = false;
    parser.unconsume();
  }
  parser.finish?.();
  internals.parser = null;
  return true;
}

/** Takes over the connection and returns it as a raw duplex stream. */
export function hijackConnection(params: HijackParams): Duplex {
  const { req, res, socket, upgraded, logger } = params;
  const detached = upgraded || detachHttpParser(socket);
  // From here node must not write on this response: we own the socket.
  res.detachSocket(socket);
  socket.setTimeout(0);
  socket.setNoDelay?.(true);
  // A reset from the client mid-stream is normal (docker CLI killed); never let it crash us.
  socket.on('error', (err) => logger.debug('hijacked connection error', { error: err.message }));
  socket.write(hijackResponseHead(upgraded, params.multiplexed ?? false, params.headers));
  if (params.head && params.head.length > 0) socket.unshift(params.head);
  if (detached) {
    socket.resume();
    return socket;
  }
  logger.warn('could not detach the HTTP parser; hijacked stdin is limited to the request body');
  return Duplex.from({ readable: req, writable: socket });
}
