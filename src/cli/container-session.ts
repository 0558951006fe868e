/**
 * What run, `start -a`, attach and exec share: the hijacked attach to a container, the wait
 * for its exit (opened before start so no exit is missed), terminal handling around a
 * session, and docker's mapping of start failures to exit statuses 126/127.
 */

import type http from 'node:http';
import { EXIT_FAILURE, StatusError } from './cli-error.js';
import type { CliContext, Output } from './context.js';
import { DEFAULT_DETACH_KEYS, DetachKeysError, detachKeyBytes } from './detach-keys.js';
import type { HijackedConnection } from './engine-client.js';
import { streamHijacked, type StreamEnd } from './hijacked-streams.js';
import { makeRaw, monitorTtySize } from './raw-terminal.js';
import type { ContainerWaitResponse } from '../api/types/containers.js';

/** The text of docker's EscapeError, which `attach` and `exec` print after a detach. */
export const DETACHED_MESSAGE = 'read escape sequence';

export interface AttachStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** The bytes of `--detach-keys` (or the default), with docker's error for a bad value. */
export function detachKeysOrFail(keys: string | undefined): Buffer {
  try {
    return detachKeyBytes(keys ?? DEFAULT_DETACH_KEYS);
  } catch (err) {
    if (err instanceof DetachKeysError) throw new StatusError(err.message, EXIT_FAILURE);
    throw err;
  }
}

/** `POST /containers/{id}/attach?stream=1&stdin=…` hijacked; query keys sorted as Go's. */
export function attachContainer(
  ctx: CliContext,
  id: string,
  streams: AttachStreams,
  detachKeys: string | undefined,
  logs = false,
): Promise<HijackedConnection> {
  const query: Record<string, string> = {};
  if (detachKeys) query['detachKeys'] = detachKeys;
  if (logs) query['logs'] = '1';
  if (streams.stderr) query['stderr'] = '1';
  if (streams.stdin) query['stdin'] = '1';
  if (streams.stdout) query['stdout'] = '1';
  query['stream'] = '1';
  return ctx.client().hijack('POST', `/containers/${id}/attach`, { query });
}

/**
 * Opens `POST /containers/{id}/wait?condition=…` and returns the promise of its status; the
 * daemon answers headers at once and the body when the container exits.
 */
export async function openWait(
  ctx: CliContext,
  id: string,
  condition: 'next-exit' | 'removed' | undefined,
): Promise<{ status: Promise<number> }> {
  const res: http.IncomingMessage = await ctx
    .client()
    .open('POST', `/containers/${id}/wait`, condition ? { query: { condition } } : {});
  const status = readWaitStatus(res);
  // Read later (or never, after a detach); a failure must not go unhandled meanwhile.
  status.catch(() => undefined);
  return { status };
}

async function readWaitStatus(res: http.IncomingMessage): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: ContainerWaitResponse;
  try {
    body = JSON.parse(text) as ContainerWaitResponse;
  } catch {
    throw new StatusError(`error waiting for container: ${text.trim() || 'unexpected EOF'}`, EXIT_FAILURE);
  }
  if (body.Error?.Message)
    throw new StatusError(`error waiting for container: ${body.Error.Message}`, EXIT_FAILURE);
  return body.StatusCode;
}

/**
 * docker run's exit status for a failed start: 127 when the command was not found, 126 when
 * it could not be executed, 125 otherwise.
 */
export function startFailureStatus(message: string): number {
  if (/executable file not found|no such file or directory|not found in \$PATH/.test(message)) return 127;
  if (/permission denied|cannot execute|is a directory/i.test(message)) return 126;
  return 125;
}

export interface SessionOptions {
  tty: boolean;
  streams: AttachStreams;
  detachKeys: Buffer;
  /** Sends the terminal size to the container or exec (with a TTY on a terminal stdout). */
  resize?: ((h: number, w: number) => Promise<unknown>) | undefined;
  /**
   * attach: first send a size one larger, then the real one, so that a program already
   * running sees a change and redraws (docker does the same).
   */
  nudgeSize?: boolean;
}

/**
 * Pumps an attached session to its end, with stdin raw while it lasts (TTY and stdin attached)
 * and the size followed. The terminal is restored whatever happens.
 */
export async function runSession(
  ctx: CliContext,
  conn: HijackedConnection,
  opts: SessionOptions,
): Promise<StreamEnd> {
  const restore = opts.tty && opts.streams.stdin ? makeRaw(ctx.stdin) : () => undefined;
  const stopResize =
    opts.tty && opts.resize
      ? monitorTtySize(ctx.stdout, opts.resize, opts.nudgeSize === true)
      : () => undefined;
  try {
    return await streamHijacked(conn, {
      tty: opts.tty,
      stdin: opts.streams.stdin ? ctx.stdin : undefined,
      stdout: opts.streams.stdout ? ctx.stdout : undefined,
      stderr: opts.streams.stderr ? (opts.tty ? ctx.stdout : ctx.stderr) : undefined,
      detachKeys: opts.detachKeys,
    });
  } finally {
    stopResize();
    restore();
  }
}

/** `the input device is not a TTY`: -t with stdin attached needs a terminal stdin. */
export function checkTty(ctx: CliContext, tty: boolean, stdinAttached: boolean): void {
  if (tty && stdinAttached && !ctx.stdin.isTTY) {
    throw new StatusError('the input device is not a TTY', EXIT_FAILURE);
  }
}

/** The resize call for a container's TTY. */
export function containerResizer(ctx: CliContext, id: string): (h: number, w: number) => Promise<unknown> {
  return (h, w) => ctx.client().request('POST', `/containers/${id}/resize`, { query: { h, w } });
}

/** Prints `out` lines for each name that succeeded, collects the failures (stop, kill, rm…). */
export async function forEachContainer(
  ctx: CliContext,
  names: readonly string[],
  action: (name: string) => Promise<unknown>,
  out: Output = ctx.stdout,
): Promise<string[]> {
  const errors: string[] = [];
  for (const name of names) {
    try {
      await action(name);
      out.write(`${name}\n`);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  return errors;
}
