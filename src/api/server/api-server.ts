/**
 * The Engine API server: node:http on a unix socket (the normal case) and node:https on TCP
 * (TLS only; refusing plain TCP is the caller's policy). It owns the connection lifecycle —
 * keep-alive, upgrades, hijacking, shutdown — and hands each request to the router with the
 * version negotiated and the common headers set, so handlers only deal with their resource.
 */
import { chmod, chown, lstat, unlink } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import { ConflictError, InvalidArgumentError, messageOf } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import type { Backends } from './backends.js';
import { parseJsonBody, readRequestBody, readUpgradeBody } from './body.js';
import { commonHeaders } from './common-headers.js';
import type { HijackOptions, RequestContext, RouteDefinition } from './handler-context.js';
import { sendError, sendJson } from './respond.js';
import { Router } from './router.js';
import { allRoutes } from './routers/index.js';
import { hijackConnection } from './stream/hijack.js';
import { negotiateApiVersion, stripVersionPrefix } from './version-negotiation.js';

export interface ApiServerOptions {
  backends: Backends;
  logger: Logger;
  /** Product and version for the `Server` header, e.g. `lading/0.1.0`. */
  serverName: string;
  /** Overrides the route table (tests, or a daemon serving a subset); defaults to allRoutes(backends). */
  routes?: RouteDefinition[];
}

export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  /** When given, clients must present a certificate signed by it (dockerd's --tlsverify). */
  ca?: string | Buffer;
}

export interface ApiServer {
  /** Listens on a unix socket, replacing a stale one, then sets its mode and root:gid ownership. */
  listenUnix(path: string, opts: { mode: number; gid?: number }): Promise<void>;
  listenTcp(host: string, port: number, tls: TlsOptions): Promise<void>;
  /** Stops accepting, ends streams, drops every connection and removes the unix sockets. */
  close(): Promise<void>;
}

/** How long close() lets streaming handlers finish their last write before cutting sockets. */
const SHUTDOWN_GRACE_MS = 1000;

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  socket: Socket;
  upgraded: boolean;
  /** Upgrade only: bytes read past the head; the body is taken from it, the rest is stdin. */
  state: { head: Buffer };
}

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const mark = url.indexOf('?');
  if (mark < 0) return { path: url, query: new URLSearchParams() };
  return { path: url.slice(0, mark), query: new URLSearchParams(url.slice(mark + 1)) };
}

/** Removes a leftover socket file from a previous run; refuses anything else, or a live daemon. */
async function removeStaleSocket(path: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!stats.isSocket()) throw new ConflictError(`${path} exists and is not a socket; not removing it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.setTimeout(1000);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
    probe.once('timeout', () => {
      probe.destroy();
      resolve(false);
    });
  });
  if (live) throw new ConflictError(`another daemon is already listening on ${path}`);
  await unlink(path);
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  const { logger, serverName } = options;
  const router = new Router().addAll(options.routes ?? allRoutes(options.backends));
  const headers = commonHeaders(serverName);
  const servers: http.Server[] = [];
  const unixPaths: string[] = [];
  const sockets = new Set<Socket>();
  const inFlight = new Set<Promise<void>>();
  const shutdown = new AbortController();
  let closing: Promise<void> | undefined;

  async function dispatch(call: Call): Promise<void> {
    const { req, res } = call;
    const method = req.method ?? 'GET';
    const { path: rawPath, query } = splitUrl(req.url ?? '/');
    const { path, requested } = stripVersionPrefix(rawPath);
    const log = logger.with({ method, path: rawPath });
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    // Writes to a connection the client dropped surface as 'error'; they are expected.
    res.on('error', (err) => log.debug('response error', { error: err.message }));
    req.on('error', (err) => log.debug('request error', { error: err.message }));

    const match = router.match(method, path);
    if (match.kind === 'not-found') {
      sendJson(res, 404, { message: 'page not found' });
      return;
    }

    const abort = new AbortController();
    const onGone = (): void => abort.abort();
    res.once('close', onGone);
    shutdown.signal.addEventListener('abort', onGone, { once: true });
    let hijacked = false;
    const readBody = (limit?: number): Promise<Buffer> =>
      call.upgraded ? readUpgradeBody(req, call.socket, call.state, limit) : readRequestBody(req, limit);
    // dockerd logs every call at debug level; with the time taken, which it does not.
    const started = performance.now();
    log.debug(`Calling ${method} ${rawPath}`);
    try {
      const apiVersion = negotiateApiVersion(requested);
      const ctx: RequestContext = {
        req,
        res,
        params: match.params,
        query,
        apiVersion,
        logger: log,
        signal: abort.signal,
        readBody,
        readJson: async <T>() => parseJsonBody<T>(await readBody()),
        hijack: (hijackOptions?: HijackOptions) => {
          if (!match.route.hijack)
            throw new Error(`route ${match.route.method} ${match.route.path} may not hijack`);
          if (hijacked) throw new Error('connection already hijacked');
          hijacked = true;
          // The socket outlives the response: abort the handler's signal when it closes.
          call.socket.once('close', onGone);
          return hijackConnection({
            req,
            res,
            socket: call.socket,
            upgraded: call.upgraded,
            head: call.state.head,
            multiplexed: hijackOptions?.multiplexed ?? false,
            headers,
            logger: log,
          });
        },
      };
      await match.route.handler(ctx);
      // A handler that forgot to answer must not leave the client waiting forever.
      if (!hijacked && !res.writableEnded && !res.destroyed) res.end();
    } catch (err) {
      if (hijacked) {
        log.error('hijacked handler failed', { error: messageOf(err) });
        call.socket.destroy();
      } else {
        sendError(res, err, log);
      }
    } finally {
      shutdown.signal.removeEventListener('abort', onGone);
      log.debug('call handled', { ms: (performance.now() - started).toFixed(1) });
    }
  }

  function track(call: Call): void {
    const done = dispatch(call).catch((err: unknown) => {
      // dispatch catches handler errors itself; this is a bug in the server code path.
      logger.error('request dispatch failed', { error: messageOf(err) });
      call.socket.destroy();
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    track({ req, res, socket: req.socket, upgraded: false, state: { head: Buffer.alloc(0) } });
  }

  /**
   * Requests with `Connection: Upgrade` arrive here with the socket already taken from the
   * HTTP parser. Most are attach/exec, but any route can be asked that way, so a response
   * object is made for the socket and the request goes through the same dispatch; the
   * connection cannot be reused afterwards.
   */
  function onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', (err) => logger.debug('upgrade connection error', { error: err.message }));
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once('finish', () => {
      res.detachSocket(socket);
      socket.end();
    });
    track({ req, res, socket, upgraded: true, state: { head } });
  }

  function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    logger.debug('client error', { error: err.message, code: err.code });
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  }

  function setup<S extends http.Server>(server: S): S {
    // No overall request deadline: `docker load`/`build` uploads may take longer than node's
    // 5-minute default. Slow headers are still cut off.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 30_000;
    server.on('request', onRequest);
    server.on('upgrade', onUpgrade);
    server.on('clientError', onClientError);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    servers.push(server);
    return server;
  }

  function listen(server: http.Server, ...args: [string] | [number, string]): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.once('error', onError);
      const onListening = (): void => {
        server.off('error', onError);
        server.on('error', (err) => logger.error('API server error', { error: err.message }));
        resolve();
      };
      if (args.length === 1) server.listen(args[0], onListening);
      else server.listen(args[0], args[1], onListening);
    });
  }

  return {
    async listenUnix(path, opts) {
      if (closing) throw new ConflictError('API server is closed');
      await removeStaleSocket(path);
      const server = setup(http.createServer());
      await listen(server, path);
      unixPaths.push(path);
      // Between listen and chmod the socket has umask permissions; the caller keeps the
      // parent directory private (/run/lading is 0700) so nobody can use that window.
      await chmod(path, opts.mode);
      if (opts.gid !== undefined) await chown(path, 0, opts.gid);
      logger.info('API listen on ' + path);
    },

    async listenTcp(host, port, tls) {
      if (closing) throw new ConflictError('API server is closed');
      if (!tls || !tls.key || !tls.cert)
        throw new InvalidArgumentError('TCP listening requires TLS key and cert');
      const server = setup(
        https.createServer({
          key: tls.key,
          cert: tls.cert,
          ca: tls.ca,
          requestCert: tls.ca !== undefined,
          rejectUnauthorized: tls.ca !== undefined,
        }),
      );
      await listen(server, port, host);
      logger.info(`API listen on ${host}:${port}`);
    },

    close() {
      closing ??= (async () => {
        const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
        // Streaming handlers (events, logs -f) end their responses on this signal.
        shutdown.abort();
        for (const server of servers) server.closeIdleConnections();
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref()),
        ]);
        await new Promise((resolve) => setImmediate(resolve));
        for (const socket of sockets) socket.destroy();
        await Promise.all(closed);
        for (const path of unixPaths) {
          try {
            if ((await lstat(path)).isSocket()) await unlink(path);
          } catch {
            // Already gone: node unlinks the socket when the server closes.
          }
        }
      })();
      return closing;
    },
  };
}
