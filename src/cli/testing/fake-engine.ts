/**
 * A tiny Engine API server on a temporary unix socket, for the CLI's tests: each test states
 * the routes it needs and sees the requests that arrived. Only for tests; nothing else imports it.
 */

import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: RecordedRequest, res: http.ServerResponse) => void;

export interface FakeEngine {
  socketPath: string;
  host: string;
  requests: RecordedRequest[];
  /** Routes keyed "METHOD /path" (path without query; versioned paths as sent). */
  routes: Map<string, Handler>;
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
  const dir = mkdtempSync(join(process.env['LADING_TEST_BASE'] ?? tmpdir(), 'lading-cli-test-'));
  const socketPath = join(dir, 'engine.sock');
  const requests: RecordedRequest[] = [];
  const table = new Map<string, Handler>(Object.entries(routes));
  if (!table.has('HEAD /_ping')) table.set('HEAD /_ping', pingHandler('1.47'));
  if (!table.has('GET /_ping')) table.set('GET /_ping', pingHandler('1.47'));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      const path = rec.url.split('?')[0] ?? '';
      const handler =
        table.get(`${rec.method} ${path}`) ?? table.get(`${rec.method} ${path.replace(/^\/v[\d.]+/, '')}`);
      if (handler) handler(rec, res);
      else sendJson(res, 404, { message: `page not found: ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    host: `unix://${socketPath}`,
    requests,
    routes: table,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects what a command writes. */
export function memoryOutput(): { write(s: string): boolean; text(): string } {
  let buf = '';
  return {
    write(s: string) {
      buf += s;
      return true;
    },
    text: () => buf,
  };
}
