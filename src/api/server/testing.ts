/**
 * Test helpers for this folder's tests (not used by the daemon): a real API server on a unix
 * socket in a temp directory, fake backends, and a small HTTP client over that socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../log/index.js';
import type { EventMessage, InfoResponse, VersionResponse } from '../types/index.js';
import { createApiServer, type ApiServer } from './api-server.js';
import type { Backends, EventQuery, EventSubscription, EventsBackend, SystemBackend } from './backends.js';
import type { RouteDefinition } from './handler-context.js';

export interface TestServer {
  server: ApiServer;
  socketPath: string;
  dir: string;
  close(): Promise<void>;
}

export async function startTestServer(
  options: { backends?: Partial<Backends>; routes?: RouteDefinition[] } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(process.env.LADING_TEST_BASE ?? tmpdir(), 'lading-api-'));
  const socketPath = join(dir, 'api.sock');
  const backends: Backends = {
    system: options.backends?.system ?? fakeSystemBackend(),
    events: options.backends?.events ?? new FakeEventsBackend(),
  };
  const server = createApiServer({
    backends,
    logger: silentLogger(),
    serverName: 'lading/0.1.0',
    routes: options.routes,
  });
  await server.listenUnix(socketPath, { mode: 0o660 });
  return {
    server,
    socketPath,
    dir,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over the unix socket; a fresh connection each time so tests never share one. */
export function request(
  socketPath: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path, headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function fakeSystemBackend(): SystemBackend {
  return {
    version: async () =>
      ({
        Platform: { Name: 'lading' },
        Components: [{ Name: 'Engine', Version: '0.1.0' }],
        Version: '0.1.0',
        ApiVersion: '1.47',
        MinAPIVersion: '1.24',
        GitCommit: 'test',
        GoVersion: 'node',
        Os: 'linux',
        Arch: 'amd64',
        KernelVersion: '6.0',
        BuildTime: '',
      }) satisfies VersionResponse,
    info: async () => ({ ID: 'test', Name: 'test-host' }) as unknown as InfoResponse,
  };
}

/** Records subscriptions so tests can check queries, push live events and see closes. */
export class FakeEventsBackend implements EventsBackend {
  readonly stored: EventMessage[] = [];
  readonly subscriptions: { query: EventQuery; closed: boolean; listeners: ((e: EventMessage) => void)[] }[] =
    [];

  subscribe(query: EventQuery): EventSubscription {
    const record = { query, closed: false, listeners: [] as ((e: EventMessage) => void)[] };
    this.subscriptions.push(record);
    const since = query.sinceNano;
    const until = query.untilNano;
    const backlog =
      since === undefined
        ? []
        : this.stored.filter((e) => e.timeNano >= since && (until === undefined || e.timeNano <= until));
    return {
      backlog,
      onEvent: (listener) => record.listeners.push(listener),
      close: () => {
        record.closed = true;
      },
    };
  }

  emit(event: EventMessage): void {
    for (const s of this.subscriptions) if (!s.closed) for (const l of s.listeners) l(event);
  }
}

export function makeEvent(action: string, timeNano: number): EventMessage {
  return {
    Type: 'container',
    Action: action,
    Actor: { ID: 'abc', Attributes: { name: 'web' } },
    scope: 'local',
    time: Math.floor(timeNano / 1e9),
    timeNano,
  };
}

/** Resolves when `check` is true, polling; fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
