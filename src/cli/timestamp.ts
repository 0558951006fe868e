/**
 * `--since` / `--until` values as the docker client converts them before sending: a Go
 * duration ("10m", "1h30m") counts back from now; RFC 3339 dates and times (with or without
 * zone, with or without seconds/fractions) become `seconds.nanoseconds`; a Unix timestamp
 * ("1700000000" or "1700000000.5") is passed through unchanged.
 */

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in milliseconds; undefined when `value` is not a duration. */
export function parseGoDuration(value: string): number | undefined {
  if (value === '0') return 0;
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(value);
  if (!m) return undefined;
  let total = 0;
  for (const part of (m[2] as string).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (DURATION_UNITS[part[2] as string] as number);
  }
  return m[1] === '-' ? -total : total;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|z|[+-]\d{2}:\d{2})?$/;

export class TimestampError extends Error {
  override readonly name = 'TimestampError';
}

/** Converts a --since/--until value to what the Engine API expects. */
export function getTimestamp(value: string, now: Date = new Date()): string {
  const duration = parseGoDuration(value);
  if (value !== '0' && duration !== undefined) {
    return String(Math.floor((now.getTime() - duration) / 1000));
  }
  const m = DATE_TIME.exec(value);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
    const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
    let ms: number;
    if (zone === undefined) {
      ms = new Date(...fields).getTime(); // local time, as docker parses zone-less values
    } else {
      ms = Date.UTC(...fields);
      if (zone !== 'Z' && zone !== 'z') {
        const sign = zone.startsWith('-') ? -1 : 1;
        const [zh, zm] = zone.slice(1).split(':').map(Number) as [number, number];
        ms -= sign * (zh * 60 + zm) * 60_000;
      }
    }
    const check = new Date(Date.UTC(...fields));
    if (Number.isNaN(ms) || check.getUTCMonth() !== fields[1] || check.getUTCDate() !== fields[2]) {
      throw new TimestampError(`parsing time "${value}": day or month out of range`);
    }
    const seconds = Math.floor(ms / 1000);
    return `${seconds}.${frac.padEnd(9, '0')}`;
  }
  if (value.includes('-')) throw new TimestampError(`parsing time "${value}": cannot parse as RFC 3339`);
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  throw new TimestampError(`failed to parse value as time or duration: "${value}"`);
}
