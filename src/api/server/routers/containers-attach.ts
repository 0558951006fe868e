/**
 * Hijacked attach: POST /containers/{id}/attach, and the session runner exec start shares.
 *
 * The backend checks the container and returns a session before anything is answered, so a
 * missing container is an ordinary 404. Then the connection is taken over (101 UPGRADED, or
 * 200 for a client that did not ask to upgrade, as dockerd does) and the session runs with
 * stdio made from it: stdcopy frames when there is no TTY, raw bytes with one.
 *
 * Lifetimes: the client's half-close (stdin EOF) only ends stdin; output keeps flowing. The
 * connection is closed once `run()` resolves and every byte written before that is sent. If
 * the client goes away the session's signal aborts. A failure of `run()` after the hijack can
 * no longer be a status: it is written in the stream (a system-error frame without a TTY).
 */
import type { Duplex, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { messageOf } from '../../../errors/index.js';
import type { AttachOptions, AttachSession, AttachStreams, ContainersBackend } from '../backends.js';
import type { RequestContext } from '../handler-context.js';
import { queryBoolean } from '../query.js';
import { createRawWriter, createStdinReader, discardInput } from '../stream/hijacked-stdio.js';
import { createStdWriter, encodeFrame, StdStream } from '../stream/stdcopy.js';
import { apiAtLeast } from './containers-query.js';

export interface HijackedSessionOptions {
  /** Decides the framing: raw bytes with a TTY, stdcopy frames without. */
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** The text written in the stream when `run()` fails after the hijack. */
  describeError(err: unknown): string;
}

/** Ends `writer` and waits until its last chunk is on the connection (or the connection is gone). */
async function finish(writer: Writable | undefined, signal: AbortSignal): Promise<void> {
  if (!writer) return;
  if (!writer.writableEnded) writer.end();
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.race([finished(writer).catch(() => undefined), aborted]);
}

function closeConnection(conn: Duplex): void {
  if (conn.destroyed) return;
  // Half-close our side, then drop the socket once the client has its last bytes.
  conn.end(() => conn.destroy());
}

/** Hijacks the request's connection and runs `session` on it until it is over. */
export async function runHijackedSession(
  ctx: RequestContext,
  session: AttachSession,
  options: HijackedSessionOptions,
): Promise<void> {
  const { tty } = options;
  // dockerd announces the multiplexed type only on an upgrade and from API 1.42; the framing
  // itself depends on the TTY alone (the client knows it from inspect or its exec config).
  const announceMultiplexed =
    !tty && ctx.req.headers.upgrade !== undefined && apiAtLeast(ctx.apiVersion, '1.42');
  const conn = ctx.hijack({ multiplexed: announceMultiplexed });
  const writerFor = (stream: StdStream): Writable =>
    tty ? createRawWriter(conn) : createStdWriter(conn, stream);
  const streams: AttachStreams = {
    stdout: options.stdout ? writerFor(StdStream.stdout) : undefined,
    stderr: options.stderr ? writerFor(StdStream.stderr) : undefined,
  };
  if (options.stdin) streams.stdin = createStdinReader(conn);
  else discardInput(conn);

  let failure: unknown;
  try {
    await session.run(streams, ctx.signal);
  } catch (err) {
    failure = err;
  }
  await finish(streams.stdout, ctx.signal);
  await finish(streams.stderr, ctx.signal);
  streams.stdin?.destroy();
  if (failure !== undefined) {
    ctx.logger.debug('hijacked session failed', { error: messageOf(failure) });
    if (!conn.destroyed && conn.writable) {
      const text = Buffer.from(options.describeError(failure));
      // On stdout, as moby writes it: the docker CLI prints it and then asks the exec's exit
      // code (127 for a missing command), where a system-error frame would make it exit 1.
      conn.write(tty ? text : encodeFrame(StdStream.stdout, text));
    }
  }
  closeConnection(conn);
}

export function parseAttachOptions(query: URLSearchParams): AttachOptions {
  return {
    stdin: queryBoolean(query, 'stdin'),
    stdout: queryBoolean(query, 'stdout'),
    stderr: queryBoolean(query, 'stderr'),
    stream: queryBoolean(query, 'stream'),
    logs: queryBoolean(query, 'logs'),
    detachKeys: query.get('detachKeys') ?? '',
  };
}

export async function attachContainer(backend: ContainersBackend, ctx: RequestContext): Promise<void> {
  const options = parseAttachOptions(ctx.query);
  const session = await backend.attach(ctx.params.name ?? '', options);
  await runHijackedSession(ctx, session, {
    tty: session.tty,
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stderr,
    // dockerd's wording (daemon/attach.go).
    describeError: (err) => `Error attaching: ${messageOf(err)}\n`,
  });
}
