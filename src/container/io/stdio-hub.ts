/**
 * The per-container (or per-exec) stdio hub. The daemon hands it the process's streams at
 * each start; it copies every output chunk to the log driver and to each attached client
 * that asked for that stream, and feeds the clients' stdin into the process.
 *
 * Semantics follow moby's daemon/internal/stream/attach.go:
 * - A client's stdin ends: with StdinOnce and no TTY the process's stdin is closed (and the
 *   attach goes on until the output ends); otherwise that attach ends, as dockerd closes
 *   the attach's output then.
 * - Detach keys are watched only with a TTY, as in dockerd; a match ends that attach and
 *   leaves the container running.
 * - An attach also ends when the process's output has ended and been written to it, or when
 *   the client goes away (its signal aborts or its output stream closes or fails).
 *
 * Slow clients: dockerd lets a client that does not read block the container's output for
 * ever. Here a client whose queue passes `clientHighWater` pauses the process's output (so
 * nothing is lost and memory stays bounded) for at most `slowClientTimeoutMs`; a client still
 * not draining then is cut off (its attach ends with 'too-slow') and output resumes for the
 * others. The log driver also pauses output while its disk queue is full, without a limit.
 */
import type { Readable, Writable } from 'node:stream';
import type { LogSink } from '../logs/json-file-writer.js';
import type { LogStreamName } from '../logs/line-splitter.js';
import { DEFAULT_DETACH_KEYS } from './detach-keys.js';
import { EscapeMatcher } from './escape-matcher.js';

export interface ProcessStdio {
  /** The process's stdout, or with a TTY the terminal's output (logged as stdout). */
  stdout?: Readable;
  /** The process's stderr; absent with a TTY. */
  stderr?: Readable;
  /** The process's stdin; absent unless OpenStdin. */
  stdin?: Writable;
}

export interface StdioHubOptions {
  tty: boolean;
  /** Config.StdinOnce (exec: always true, as dockerd's exec closes stdin at the client's EOF). */
  stdinOnce: boolean;
  /** Bytes queued in a client's stream before output is paused for it (default 256 KiB). */
  clientHighWater?: number;
  /** How long one client may hold output up before it is cut off (default 10 s). */
  slowClientTimeoutMs?: number;
}

/** Why an attach ended. */
export type AttachEnd = 'exited' | 'detached' | 'client-gone' | 'stdin-ended' | 'too-slow';

export interface AttachClient {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

export interface AttachClientOptions {
  /** Parsed detach keys (parseDetachKeys); default ctrl-p,ctrl-q. Used only with a TTY. */
  detachKeys?: Uint8Array;
  /** Aborts when the client went away. */
  signal?: AbortSignal;
}

export interface AttachHandle {
  /** Resolves once the attach is over, with the reason. Never rejects. */
  readonly done: Promise<AttachEnd>;
  /** Ends the attach now (as if detached); the container is not affected. */
  detach(): void;
}

const DEFAULT_HIGH_WATER = 256 * 1024;
const DEFAULT_SLOW_TIMEOUT_MS = 10_000;

class Attachment {
  finished = false;
  resolve!: (reason: AttachEnd) => void;
  readonly done = new Promise<AttachEnd>((resolve) => (this.resolve = resolve));
  readonly matcher: EscapeMatcher | undefined;
  readonly cleanups: (() => void)[] = [];
  stdinWired = false;
  slowTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly client: AttachClient,
    readonly options: AttachClientOptions,
    tty: boolean,
  ) {
    this.matcher = tty ? new EscapeMatcher(options.detachKeys ?? DEFAULT_DETACH_KEYS) : undefined;
  }

  target(stream: LogStreamName): Writable | undefined {
    return stream === 'stdout' ? this.client.stdout : this.client.stderr;
  }
}

export class StdioHub {
  private readonly attachments = new Set<Attachment>();
  private current: { process: ProcessStdio; log?: LogSink; stdinEnded: boolean } | undefined;
  /** Who is holding the output up (a slow client, the log); output flows when empty. */
  private readonly blockers = new Set<object>();
  private readonly highWater: number;
  private readonly slowTimeoutMs: number;

  constructor(private readonly options: StdioHubOptions) {
    this.highWater = options.clientHighWater ?? DEFAULT_HIGH_WATER;
    this.slowTimeoutMs = options.slowClientTimeoutMs ?? DEFAULT_SLOW_TIMEOUT_MS;
  }

  get tty(): boolean {
    return this.options.tty;
  }

  /** True between run() and the end of the process's output. */
  get running(): boolean {
    return this.current !== undefined;
  }

  get attachedCount(): number {
    return this.attachments.size;
  }

  /**
   * Adds a client. Before a process runs (`docker run` attaches first) it waits for the next
   * run(); its stdin is read only while a process with a stdin runs.
   */
  attach(client: AttachClient, options: AttachClientOptions = {}): AttachHandle {
    const attachment = new Attachment(client, options, this.options.tty);
    this.attachments.add(attachment);
    const gone = (): void => this.finish(attachment, 'client-gone');
    if (options.signal) {
      if (options.signal.aborted) queueMicrotask(gone);
      else {
        options.signal.addEventListener('abort', gone, { once: true });
        attachment.cleanups.push(() => options.signal?.removeEventListener('abort', gone));
      }
    }
    for (const target of new Set([client.stdout, client.stderr])) {
      if (!target) continue;
      target.on('close', gone);
      target.on('error', gone);
      attachment.cleanups.push(() => {
        target.off('close', gone);
        target.off('error', gone);
      });
    }
    if (this.current) this.wireStdin(attachment);
    return { done: attachment.done, detach: () => this.finish(attachment, 'detached') };
  }

  /**
   * Wires a started process. Resolves when its output has ended, been given to the log
   * (flushed to disk) and been written to every attached client, whose attaches then end
   * with 'exited'. The caller closes the log sink afterwards.
   */
  async run(process: ProcessStdio, log?: LogSink): Promise<void> {
    if (this.current) throw new Error('stdio hub: a process is already wired');
    const current = { process, log, stdinEnded: false };
    this.current = current;
    for (const attachment of this.attachments) this.wireStdin(attachment);

    const sources: [LogStreamName, Readable][] = [];
    if (process.stdout) sources.push(['stdout', process.stdout]);
    if (process.stderr && !this.options.tty) sources.push(['stderr', process.stderr]);
    this.sources = sources.map(([, source]) => source);
    await Promise.all(sources.map(([name, source]) => this.pump(name, source, log)));
    if (log) await log.flush();
    this.sources = [];
    this.blockers.clear();
    this.current = undefined;
    await Promise.all([...this.attachments].map((attachment) => this.finishAfterFlush(attachment)));
  }

  /** Ends every attach (the daemon gave up starting the process, or the container is going away). */
  endAll(reason: AttachEnd = 'exited'): void {
    for (const attachment of [...this.attachments]) this.finish(attachment, reason);
  }

  private sources: Readable[] = [];

  private pump(name: LogStreamName, source: Readable, log: LogSink | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const onData = (chunk: Buffer | string): void => {
        const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        if (log && !log.write(name, data)) {
          const token = {};
          this.block(token);
          void log.drained().then(() => this.unblock(token));
        }
        for (const attachment of this.attachments) this.deliver(attachment, name, data);
      };
      const end = (): void => {
        source.off('data', onData);
        source.off('end', end);
        source.off('error', end);
        source.off('close', end);
        log?.endStream(name);
        resolve();
      };
      source.on('data', onData);
      source.on('end', end);
      source.on('error', end);
      source.on('close', end);
      if (this.blockers.size > 0) source.pause();
    });
  }

  private deliver(attachment: Attachment, name: LogStreamName, data: Buffer): void {
    const target = attachment.target(name);
    if (!target || attachment.finished || target.destroyed) return;
    target.write(data);
    if (target.writableLength <= this.highWater || attachment.slowTimer) return;
    // Hold the output until this client drains, for a while.
    this.block(attachment);
    const onDrain = (): void => {
      clearTimeout(attachment.slowTimer);
      attachment.slowTimer = undefined;
      target.off('drain', onDrain);
      this.unblock(attachment);
    };
    target.on('drain', onDrain);
    attachment.slowTimer = setTimeout(() => {
      target.off('drain', onDrain);
      attachment.slowTimer = undefined;
      this.finish(attachment, 'too-slow');
    }, this.slowTimeoutMs);
    attachment.cleanups.push(() => {
      target.off('drain', onDrain);
      clearTimeout(attachment.slowTimer);
    });
  }

  private block(token: object): void {
    const wasFlowing = this.blockers.size === 0;
    this.blockers.add(token);
    if (wasFlowing) for (const source of this.sources) source.pause();
  }

  private unblock(token: object): void {
    if (!this.blockers.delete(token) || this.blockers.size > 0) return;
    for (const source of this.sources) source.resume();
  }

  private wireStdin(attachment: Attachment): void {
    const stdin = attachment.client.stdin;
    const current = this.current;
    const processStdin = current?.process.stdin;
    if (!stdin || !current || !processStdin || attachment.stdinWired || attachment.finished) return;
    attachment.stdinWired = true;
    const forward = (bytes: Buffer): void => {
      if (bytes.length === 0 || current.stdinEnded || processStdin.destroyed) return;
      if (!processStdin.write(bytes)) {
        stdin.pause();
        processStdin.once('drain', () => stdin.resume());
      }
    };
    const onData = (chunk: Buffer | string): void => {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (!attachment.matcher) return forward(data);
      const { pass, detached } = attachment.matcher.push(data);
      forward(pass);
      if (detached) this.finish(attachment, 'detached');
    };
    const onEnd = (): void => {
      if (attachment.matcher) forward(attachment.matcher.flush());
      if (this.options.stdinOnce && !this.options.tty) {
        if (!current.stdinEnded) {
          current.stdinEnded = true;
          processStdin.end();
        }
        return;
      }
      this.finish(attachment, 'stdin-ended');
    };
    const onError = (): void => this.finish(attachment, 'client-gone');
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    // A process stdin that fails (the process exited) must not take the daemon down.
    const onProcessStdinError = (): void => undefined;
    processStdin.on('error', onProcessStdinError);
    attachment.cleanups.push(() => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      processStdin.off('error', onProcessStdinError);
      stdin.pause();
    });
  }

  /** The output has ended: wait (bounded) until the client's streams took it, then end. */
  private async finishAfterFlush(attachment: Attachment): Promise<void> {
    const targets = [...new Set([attachment.client.stdout, attachment.client.stderr])].filter(
      (t): t is Writable => t !== undefined && !t.destroyed && t.writableLength > 0,
    );
    await Promise.all(
      targets.map(
        (target) =>
          new Promise<void>((resolve) => {
            const done = (): void => {
              clearTimeout(timer);
              target.off('drain', done);
              target.off('close', done);
              resolve();
            };
            const timer = setTimeout(done, this.slowTimeoutMs);
            target.on('drain', done);
            target.on('close', done);
          }),
      ),
    );
    this.finish(attachment, 'exited');
  }

  private finish(attachment: Attachment, reason: AttachEnd): void {
    if (attachment.finished) return;
    attachment.finished = true;
    this.attachments.delete(attachment);
    for (const cleanup of attachment.cleanups.splice(0)) cleanup();
    this.unblock(attachment);
    attachment.resolve(reason);
  }
}
