/**
 * Go's `time.ParseDuration` (HEALTHCHECK --interval and friends), returning nanoseconds and
 * failing with Go's messages, which Docker passes on unchanged.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { goQuote } from './go-text.js';

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const MAX_NS = 2n ** 63n - 1n;

export function parseGoDuration(text: string): number {
  const invalid = (): InvalidArgumentError =>
    new InvalidArgumentError(`time: invalid duration ${goQuote(text)}`);
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const whole = number[1]!;
    const fraction = number[2];
    if (whole === '' && (fraction === undefined || fraction === '')) throw invalid();
    s = s.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === '') throw new InvalidArgumentError(`time: missing unit in duration ${goQuote(text)}`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) {
      throw new InvalidArgumentError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`);
    }
    s = s.slice(unit.length);
    total += Number(whole || '0') * scale + (fraction ? Number('0.' + fraction) * scale : 0);
    if (BigInt(Math.trunc(total)) > MAX_NS) throw invalid();
  }
  const ns = Math.trunc(total);
  return negative ? -ns : ns;
}
