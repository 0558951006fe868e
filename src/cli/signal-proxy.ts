/**
 * sig-proxy: while the CLI is attached to a container without a TTY, the signals it receives
 * are sent on to the container (`POST /containers/{id}/kill?signal=INT`), as docker's
 * ForwardAllSignals does. With a TTY the terminal is raw, so Ctrl-C travels as a byte instead.
 * SIGCHLD, SIGPIPE, SIGURG and SIGWINCH are never forwarded (docker skips them too); only
 * signals Node can listen to are covered.
 */

import type { SignalSource } from './context.js';

const FORWARDED: readonly NodeJS.Signals[] = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGALRM',
  'SIGTSTP',
  'SIGCONT',
];

/** Starts forwarding; returns the function that stops it. */
export function forwardSignals(
  source: SignalSource | undefined,
  kill: (signal: string) => Promise<unknown>,
): () => void {
  if (!source) return () => undefined;
  const listeners = FORWARDED.map((sig) => {
    const listener = (): void => {
      // docker sends the name without "SIG"; a container already gone is not an error here.
      kill(sig.slice(3)).catch(() => undefined);
    };
    source.on(sig, listener);
    return [sig, listener] as const;
  });
  return () => {
    for (const [sig, listener] of listeners) source.removeListener(sig, listener);
  };
}
