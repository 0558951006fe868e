/**
 * Signal names as Docker accepts them (`docker kill -s`, `--stop-signal`, STOPSIGNAL): a
 * number, or a name in any case with or without the SIG prefix, including RTMIN+n and
 * RTMAX-n. Linux numbering (x86_64 and arm64 agree on every name here).
 */
import { InvalidArgumentError } from '../../errors/index.js';

const SIGRTMIN = 34;
const SIGRTMAX = 64;

const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
  UNUSED: 31,
  RTMIN: SIGRTMIN,
  RTMAX: SIGRTMAX,
};

export const SIGKILL = 9;
export const SIGTERM = 15;

/** The signal number for `raw`; InvalidArgumentError `invalid signal: x` as Docker 28 says. */
export function parseSignal(raw: string): number {
  const invalid = (): never => {
    throw new InvalidArgumentError(`invalid signal: ${raw}`);
  };
  if (/^[0-9]+$/.test(raw)) {
    const number = Number(raw);
    if (number === 0 || number > SIGRTMAX) invalid();
    return number;
  }
  const name = raw.toUpperCase().replace(/^SIG/, '');
  const known = SIGNALS[name];
  if (known !== undefined) return known;
  const realtime = /^RTM(IN|AX)([+-])([0-9]+)$/.exec(name);
  if (realtime) {
    const [, base, sign, offsetText] = realtime;
    const offset = Number(offsetText);
    // Docker's table has RTMIN+1…RTMIN+15 and RTMAX-14…RTMAX-1.
    if (base === 'IN' && sign === '+' && offset >= 1 && offset <= 15) return SIGRTMIN + offset;
    if (base === 'AX' && sign === '-' && offset >= 1 && offset <= 14) return SIGRTMAX - offset;
  }
  return invalid();
}

/** `SIGTERM` for 15, as Docker names a signal in events and messages. */
export function signalName(signal: number): string {
  for (const [name, number] of Object.entries(SIGNALS)) {
    if (number === signal && name !== 'IOT' && name !== 'CLD' && name !== 'POLL' && name !== 'UNUSED') {
      return `SIG${name}`;
    }
  }
  return String(signal);
}
