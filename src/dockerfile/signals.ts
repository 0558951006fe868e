/**
 * STOPSIGNAL's check (moby/sys/signal.ParseSignal on Linux): a non-zero number, or a name
 * with or without `SIG`, any case. The value is stored as written.
 */
import { InvalidArgumentError } from '../errors/index.js';

const NAMES = new Set([
  'ABRT',
  'ALRM',
  'BUS',
  'CHLD',
  'CLD',
  'CONT',
  'FPE',
  'HUP',
  'ILL',
  'INT',
  'IO',
  'IOT',
  'KILL',
  'PIPE',
  'POLL',
  'PROF',
  'PWR',
  'QUIT',
  'SEGV',
  'STKFLT',
  'STOP',
  'SYS',
  'TERM',
  'TRAP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'USR1',
  'USR2',
  'VTALRM',
  'WINCH',
  'XCPU',
  'XFSZ',
  'RTMIN',
  'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${i + 1}`),
]);

/** Throws `invalid signal: X` unless Docker would accept the signal. */
export function checkSignal(raw: string): void {
  if (/^[+-]?\d+$/.test(raw)) {
    const n = Number(raw);
    // Go's Atoi: a number that does not fit an int falls through to the name lookup and fails.
    if (n !== 0 && Number.isSafeInteger(n)) return;
    throw new InvalidArgumentError(`invalid signal: ${raw}`);
  }
  const name = raw.toUpperCase().replace(/^SIG/, '');
  if (!NAMES.has(name)) throw new InvalidArgumentError(`invalid signal: ${raw}`);
}
