/**
 * Terminal handling for `run -t`, `start -ai`, `attach` and `exec -it`: raw mode on stdin
 * when it is a terminal (keys go to the container as typed, Ctrl-C included), restored
 * afterwards; and the container's TTY kept the size of ours (now, and on every SIGWINCH).
 */

import type { Input, Output } from './context.js';

type RawCapable = Input & { setRawMode?: (raw: boolean) => unknown; isRaw?: boolean };

/** Puts a terminal stdin in raw mode; returns the function that restores it. */
export function makeRaw(stdin: Input): () => void {
  const tty = stdin as RawCapable;
  if (!tty.isTTY || typeof tty.setRawMode !== 'function') return () => undefined;
  const was = tty.isRaw === true;
  tty.setRawMode(true);
  return () => {
    tty.setRawMode?.(was);
  };
}

type SizedOutput = Output & {
  rows?: number;
  columns?: number;
  on?: (event: 'resize', fn: () => void) => unknown;
  removeListener?: (event: 'resize', fn: () => void) => unknown;
};

/** [height, width] of a terminal stdout, or undefined when it is not one. */
export function terminalSize(out: Output): [number, number] | undefined {
  const o = out as SizedOutput;
  if (!o.isTTY || !o.rows || !o.columns) return undefined;
  return [o.rows, o.columns];
}

/**
 * Sends the terminal's size through `resize` now and whenever it changes; returns the
 * function that stops watching. Failures are ignored (docker retries a few times, then
 * warns; a container that already exited has nothing to resize).
 */
export function monitorTtySize(
  out: Output,
  resize: (h: number, w: number) => Promise<unknown>,
  nudge = false,
): () => void {
  const o = out as SizedOutput;
  const send = (): void => {
    const size = terminalSize(out);
    if (size) resize(size[0], size[1]).catch(() => undefined);
  };
  const first = terminalSize(out);
  if (nudge && first) {
    // In order: the larger size must reach the container before the real one.
    resize(first[0] + 1, first[1] + 1)
      .catch(() => undefined)
      .finally(send);
  } else {
    send();
  }
  if (typeof o.on !== 'function') return () => undefined;
  o.on('resize', send);
  return () => o.removeListener?.('resize', send);
}
