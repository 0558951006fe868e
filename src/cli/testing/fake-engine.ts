/**
 * A tiny Engine API server on a temporary unix socket, for the CLI's tests: each test states
 * the routes it needs and sees the requests that arrived. Only for tests; nothing else imports it.
 */

import http from 'node:http';
import type { Duplex } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { testBase } from '../../../test/support/test-base.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body's bytes as received. */
  raw: Buffer;
  /** How many pieces the body arrived in (more than one for a streamed upload). */
  chunks: number;
}

export type Handler = (req: RecordedRequest, res: http.ServerResponse) => void;

/**
 * A hijacking route (attach, exec start): called with the request (its body read) and the raw
 * socket, after the fake has answered `101 UPGRADED` with `contentType`.
 */
export interface UpgradeRoute {
  contentType?: string;
  handle(req: RecordedRequest, socket: Duplex): void;
}

export interface FakeEngine {
  socketPath: string;
  host: string;
  requests: RecordedRequest[];
  /** Routes keyed "METHOD /path" (path without query; versioned paths as sent). */
  routes: Map<string, Handler>;
  /** Hijacking routes keyed "METHOD /path" (unversioned). */
  upgrades: Map<string, UpgradeRoute>;
  /** Called for every piece of a request body as it arrives (before the handler runs). */
  onChunk?: (chunk: Buffer, req: http.IncomingMessage) => void;
  close(): Promise<void>;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, apiVersion = '1.47'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Api-Version': apiVersion,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** A /_ping answer advertising `apiVersion` (omit the header with null). */
export function pingHandler(apiVersion: string | null): Handler {
  return (req, res) => {
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', Ostype: 'linux' };
    if (apiVersion !== null) headers['Api-Version'] = apiVersion;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : 'OK');
  };
}

export async function startFakeEngine(routes: Record<string, Handler> = {}): Promise<FakeEngine> {
  // Under the test run's base when there is one, so the leak check covers it.
  const dir = mkdtempSync(join(testBase(), 'lading-cli-test-'));
  const socketPath = join(dir, 'engine.sock');
  const requests: RecordedRequest[] = [];
  const table = new Map<string, Handler>(Object.entries(routes));
  if (!table.has('HEAD /_ping')) table.set('HEAD /_ping', pingHandler('1.47'));
  if (!table.has('GET /_ping')) table.set('GET /_ping', pingHandler('1.47'));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      engine.onChunk?.(c, req);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw.toString('utf8'),
        raw,
        chunks: chunks.length,
      };
      requests.push(rec);
      const path = rec.url.split('?')[0] ?? '';
      const handler =
        table.get(`${rec.method} ${path}`) ?? table.get(`${rec.method} ${path.replace(/^\/v[\d.]+/, '')}`);
      if (handler) handler(rec, res);
      else sendJson(res, 404, { message: `page not found: ${path}` });
    });
  });
  const upgrades = new Map<string, UpgradeRoute>();
  // Hijacked sockets are no longer the server's: closeAllConnections() does not see them.
  const hijacked = new Set<Duplex>();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    hijacked.add(socket);
    socket.once('close', () => hijacked.delete(socket));
    const length = Number(req.headers['content-length'] ?? 0);
    let body = head;
    const ready = (): void => {
      socket.removeListener('data', more);
      const rest = body.subarray(length);
      const raw = body.subarray(0, length);
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw.toString('utf8'),
        raw,
        chunks: 1,
      };
      requests.push(rec);
      const path = (rec.url.split('?')[0] ?? '').replace(/^\/v[\d.]+/, '');
      const route = upgrades.get(`${rec.method} ${path}`);
      if (!route) {
        const text = JSON.stringify({ message: `page not found: ${path}` });
        socket.end(
          `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
        );
        return;
      }
      socket.write(
        `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${route.contentType ?? 'application/vnd.docker.multiplexed-stream'}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`,
      );
      if (rest.length > 0) socket.unshift(rest);
      route.handle(rec, socket);
    };
    const more = (chunk: Buffer): void => {
      body = Buffer.concat([body, chunk]);
      if (body.length >= length) ready();
    };
    if (body.length >= length) ready();
    else socket.on('data', more);
  });
  const engine: FakeEngine = {
    socketPath,
    host: `unix://${socketPath}`,
    requests,
    routes: table,
    upgrades,
    close: async () => {
      for (const socket of hijacked) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return engine;
}

/** A progress-stream answer (one JSON object a line), as load, import and pull send. */
export function sendJsonLines(res: http.ServerResponse, messages: unknown[]): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': '1.47' });
  for (const m of messages) res.write(`${JSON.stringify(m)}\r\n`);
  res.end();
}

/** The parsed query of a recorded request. */
export function queryOf(req: RecordedRequest | undefined): URLSearchParams {
  return new URL(`http://x${req?.url ?? ''}`).searchParams;
}

/** Collects what a command writes; `isTTY` makes it pass for a terminal. */
export function memoryOutput(isTTY = false): { write(s: string): boolean; text(): string; isTTY: boolean } {
  let buf = '';
  return {
    write(s: string) {
      buf += s;
      return true;
    },
    text: () => buf,
    isTTY,
  };
}
