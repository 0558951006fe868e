/**
 * Moves bytes across a hijacked connection as the docker CLI's hijackedIOStreamer does:
 * stdin → socket (watching for the detach keys on a TTY), and socket → stdout/stderr (raw on
 * a TTY, demultiplexed otherwise). When stdin ends the socket is half-closed so the process
 * sees EOF while its output keeps coming. The session is over when the output ends (the
 * process exited or the daemon closed) or when the user detached.
 */

import type { HijackedConnection } from './engine-client.js';
import type { Input, Output } from './context.js';
import { EscapeWatcher } from './detach-keys.js';
import { FrameDemuxer } from './stdcopy.js';

export interface StreamOptions {
  tty: boolean;
  /** Absent when stdin is not attached. */
  stdin?: Input | undefined;
  /** Absent when that stream is not attached. */
  stdout?: Output | undefined;
  stderr?: Output | undefined;
  /** The detach sequence's bytes; watched on a TTY only, as the daemon watches otherwise. */
  detachKeys?: Buffer | undefined;
}

export type StreamEnd = 'done' | 'detached';

/** Writes bytes to an Output: a real stream takes the Buffer, a test's takes text. */
export function writeBytes(out: Output, chunk: Buffer): void {
  (out.write as (data: Buffer | string) => unknown)(chunk);
}

export function streamHijacked(conn: HijackedConnection, opts: StreamOptions): Promise<StreamEnd> {
  const { socket } = conn;
  return new Promise<StreamEnd>((resolve, reject) => {
    let settled = false;
    const stdin = opts.stdin;
    const cleanup = (): void => {
      if (stdin) {
        stdin.removeListener('data', onInput);
        stdin.removeListener('end', onInputEnd);
        stdin.removeListener('error', onInputEnd);
        stdin.pause();
      }
      socket.removeListener('data', onOutput);
    };
    const finish = (end: StreamEnd, err?: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      // Bytes already written (keys typed before a detach) still go out; then it is closed.
      if (socket.writable) socket.end(() => socket.destroy());
      else socket.destroy();
      if (err !== undefined) reject(err);
      else resolve(end);
    };

    const demux = opts.tty
      ? undefined
      : new FrameDemuxer(
          (b) => opts.stdout && writeBytes(opts.stdout, b),
          (b) => opts.stderr && writeBytes(opts.stderr, b),
        );
    const onOutput = (chunk: Buffer): void => {
      try {
        if (demux) demux.push(chunk);
        else if (opts.stdout) writeBytes(opts.stdout, chunk);
      } catch (err) {
        finish('done', err);
      }
    };
    socket.on('data', onOutput);
    socket.once('end', () => finish('done'));
    socket.once('close', () => finish('done'));
    // The upgrade hands the socket over paused, and a process that exited without output may
    // have ended the connection before these listeners existed: read on, or finish now.
    if (socket.destroyed) queueMicrotask(() => finish('done'));
    else socket.resume();
    socket.once('error', (err: NodeJS.ErrnoException) => {
      // The daemon hanging up after the process exited is the normal end of a session.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') finish('done');
      else finish('done', err);
    });

    const watcher = opts.tty && opts.detachKeys ? new EscapeWatcher(opts.detachKeys) : undefined;
    const onInput = (data: Buffer | string): void => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      if (!watcher) {
        socket.write(chunk);
        return;
      }
      const { forward, detached } = watcher.feed(chunk);
      if (forward.length > 0) socket.write(forward);
      if (detached) finish('detached');
    };
    const onInputEnd = (): void => {
      if (!settled && socket.writable) socket.end();
    };
    if (stdin) {
      stdin.on('data', onInput);
      stdin.once('end', onInputEnd);
      stdin.once('error', onInputEnd);
      stdin.resume();
    }
  });
}
