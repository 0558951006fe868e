/**
 * docker's yes/no confirmation: writes `<message> [y/N] ` and reads one line; only `y` or `Y`
 * (surrounding spaces ignored) means yes. End of input means no, so a piped-in empty stdin
 * never hangs or proceeds. An interrupt while waiting ends the prompt with a newline.
 */

import { SignalExit } from './cli-error.js';
import type { Input, Output } from './context.js';

/** Reads up to the first newline (or the end of input); undefined if the input is at its end. */
export function readLine(input: Input, signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    // A stream can end while nobody listens (the last chunk was taken by an earlier read).
    if ((input as { readableEnded?: boolean }).readableEnded === true) {
      resolve(undefined);
      return;
    }
    let text = '';
    let settled = false;
    const finish = (value: string | undefined, err?: unknown): void => {
      if (settled) return;
      settled = true;
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', onError);
      signal?.removeEventListener('abort', onAbort);
      input.pause();
      if (err !== undefined) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      // What follows the line belongs to the next read (login reads a user, then a password).
      const rest = text.slice(nl + 1);
      finish(text.slice(0, nl).replace(/\r$/, ''));
      if (rest !== '') input.unshift(Buffer.from(rest, 'utf8'));
    };
    const onEnd = (): void => finish(text === '' ? undefined : text);
    const onError = (err: unknown): void => finish(undefined, err);
    const onAbort = (): void =>
      finish(undefined, new SignalExit((signal?.reason as NodeJS.Signals | undefined) ?? 'SIGINT'));
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    input.resume();
  });
}

/** prompt.Confirm: true only for a "y" answer. */
export async function confirm(
  input: Input,
  out: Output,
  message: string,
  signal?: AbortSignal,
): Promise<boolean> {
  out.write(`${message} [y/N] `);
  try {
    const answer = await readLine(input, signal);
    return (answer ?? '').trim().toLowerCase() === 'y';
  } catch (err) {
    if (err instanceof SignalExit) out.write('\n');
    throw err;
  }
}
