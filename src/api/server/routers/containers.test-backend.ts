/**
 * Test doubles for the containers and exec routers: backends that record every call and play
 * scripted sessions, and a raw client for hijacked connections (node:http cannot read a 101).
 * The real daemon implements these interfaces and is tested on its own.
 */
import net from 'node:net';
import { NotFoundError, ConflictError } from '../../../errors/index.js';
import type {
  ContainerCreateRequest,
  ContainerInspect,
  ContainerSummary,
  ContainerWaitResponse,
  ExecInspect,
} from '../../types/index.js';
import type {
  AttachOptions,
  AttachSession,
  AttachStreams,
  ContainersBackend,
  ExecBackend,
  LogLine,
  LogsOptions,
} from '../backends.js';

export type SessionScript = (streams: AttachStreams, signal: AbortSignal) => Promise<void>;

export interface FakeState {
  calls: unknown[][];
  /** Names that exist; anything else is `No such container: <name>`. */
  known: Set<string>;
  running: Set<string>;
  tty: boolean;
  logLines: LogLine[];
  /** When set, logs keep yielding these after `logLines`, until the signal aborts. */
  followLines?: AsyncIterable<LogLine>;
  logsError?: Error;
  logsSignal?: AbortSignal;
  session: SessionScript;
  waitResult?: Promise<ContainerWaitResponse>;
  waitSignal?: AbortSignal;
  sessionSignal?: AbortSignal;
}

export function newFakeState(): FakeState {
  return {
    calls: [],
    known: new Set(['web', 'abc123']),
    running: new Set(),
    tty: false,
    logLines: [],
    session: async () => undefined,
  };
}

const notFound = (name: string): NotFoundError => new NotFoundError(`No such container: ${name}`);

export function fakeContainersBackend(state: FakeState): ContainersBackend {
  const check = (name: string): void => {
    if (!state.known.has(name)) throw notFound(name);
  };
  const session = (): AttachSession => ({
    tty: state.tty,
    run: (streams, signal) => {
      state.sessionSignal = signal;
      return state.session(streams, signal);
    },
  });
  return {
    create: async (request: ContainerCreateRequest, options) => {
      state.calls.push(['create', request, options]);
      if (request.Image === 'missing') throw new NotFoundError('No such image: missing:latest');
      return { Id: 'c0ffee', Warnings: [] };
    },
    inspect: async (name, options) => {
      state.calls.push(['inspect', name, options]);
      check(name);
      return {
        Id: 'abc123',
        Name: '/web',
        Config: { Tty: state.tty, OpenStdin: false, AttachStdin: false, Image: 'busybox' },
        State: { Status: 'created', Running: false },
        HostConfig: { AutoRemove: false },
      } as unknown as ContainerInspect;
    },
    list: async (options) => {
      state.calls.push(['list', { ...options, filters: [...options.filters] }]);
      return [
        { Id: 'abc123', Names: ['/web'], HostConfig: { NetworkMode: 'bridge', Annotations: { a: 'b' } } },
      ] as unknown as ContainerSummary[];
    },
    start: async (name, options) => {
      state.calls.push(['start', name, options]);
      check(name);
      if (state.running.has(name)) return false;
      state.running.add(name);
      return true;
    },
    stop: async (name, options) => {
      state.calls.push(['stop', name, options]);
      check(name);
      return state.running.delete(name);
    },
    restart: async (name, options) => {
      state.calls.push(['restart', name, options]);
      check(name);
    },
    kill: async (name, signal) => {
      state.calls.push(['kill', name, signal]);
      check(name);
      if (!state.running.has(name)) throw new ConflictError('container abc123 is not running');
    },
    wait: async (name, condition, signal) => {
      state.calls.push(['wait', name, condition]);
      check(name);
      state.waitSignal = signal;
      return { result: state.waitResult ?? Promise.resolve({ StatusCode: 0, Error: null }) };
    },
    remove: async (name, options) => {
      state.calls.push(['remove', name, options]);
      check(name);
    },
    rename: async (name, newName) => {
      state.calls.push(['rename', name, newName]);
      check(name);
    },
    update: async (name, hostConfig) => {
      state.calls.push(['update', name, hostConfig]);
      check(name);
      return [];
    },
    resize: async (name, size) => {
      state.calls.push(['resize', name, size]);
      check(name);
    },
    prune: async (filters) => {
      state.calls.push(['prune', [...filters]]);
      return { ContainersDeleted: ['abc123'], SpaceReclaimed: 12 };
    },
    attach: async (name, options: AttachOptions) => {
      state.calls.push(['attach', name, options]);
      check(name);
      return session();
    },
    logs: async (name, options: LogsOptions, signal) => {
      state.calls.push(['logs', name, options]);
      check(name);
      state.logsSignal = signal;
      const { logLines, followLines, logsError } = state;
      return {
        tty: state.tty,
        lines: (async function* () {
          yield* logLines;
          if (logsError) throw logsError;
          if (followLines) yield* followLines;
        })(),
      };
    },
  };
}

export function fakeExecBackend(state: FakeState): ExecBackend {
  return {
    create: async (container, request) => {
      state.calls.push(['exec-create', container, request]);
      if (!state.known.has(container)) throw notFound(container);
      return { Id: 'e1' };
    },
    start: async (execId, options) => {
      state.calls.push(['exec-start', execId, options]);
      if (execId !== 'e1') throw new NotFoundError(`No such exec instance: ${execId}`);
      if (options.detach) return undefined;
      return {
        tty: options.tty,
        run: (streams, signal) => {
          state.sessionSignal = signal;
          return state.session(streams, signal);
        },
      };
    },
    inspect: async (execId) => {
      state.calls.push(['exec-inspect', execId]);
      if (execId !== 'e1') throw new NotFoundError(`No such exec instance: ${execId}`);
      return { ID: 'e1', Running: false, ExitCode: 3, Pid: 0, ContainerID: 'abc123' } as ExecInspect;
    },
    resize: async (execId, size) => {
      state.calls.push(['exec-resize', execId, size]);
    },
  };
}

export interface RawExchange {
  head: string;
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/**
 * Sends `requestText` on a fresh half-open-capable connection; `afterHead` runs once the
 * response head is in (to send stdin, half-close…). Resolves when the server closes its side.
 */
export function rawExchange(
  socketPath: string,
  requestText: string,
  afterHead: (socket: net.Socket) => void = () => undefined,
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
      const lines = (head ?? '').split('\r\n');
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      resolve({ head: head ?? '', status: Number((lines[0] ?? '').split(' ')[1]), headers, body: buffer });
    });
    socket.on('error', reject);
    socket.write(requestText);
  });
}

/** A request head for rawExchange; `upgrade` adds the headers the docker CLI sends. */
export function requestHead(
  method: string,
  path: string,
  options: { upgrade?: boolean; body?: string; contentType?: string } = {},
): string {
  let text = `${method} ${path} HTTP/1.1\r\nHost: api.moby.localhost\r\n`;
  if (options.upgrade ?? true) text += 'Connection: Upgrade\r\nUpgrade: tcp\r\n';
  if (options.body !== undefined) {
    text += `Content-Type: ${options.contentType ?? 'application/json'}\r\nContent-Length: ${Buffer.byteLength(options.body)}\r\n`;
  }
  return text + '\r\n' + (options.body ?? '');
}

/** Resolves after `ms`. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
