/**
 * Times as Docker stores and prints container timestamps: Go's RFC 3339 with nanoseconds
 * (`2026-11-29T16:50:01.123456789Z`, trailing zeros of the fraction dropped, no fraction when
 * it is zero) and the zero time `0001-01-01T00:00:00Z` for "never". JavaScript's Date has
 * only milliseconds and maps years 0–99 to 19xx, so parsing is done here by hand.
 */
import { ZERO_TIME } from './container-record.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Nanoseconds since the Unix epoch for an RFC 3339 time; undefined when it is not one. */
export function parseGoTime(text: string): bigint | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let seconds = BigInt(Math.floor(date.getTime() / 1000));
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const offset = BigInt(Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
    seconds -= sign * offset;
  }
  return seconds * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
}

/** True for Go's zero time (and for anything that does not parse, which Docker never writes). */
export function isZeroTime(text: string): boolean {
  if (text === ZERO_TIME) return true;
  const nanos = parseGoTime(text);
  return nanos === undefined || nanos === ZERO_NANOS;
}

const ZERO_NANOS = parseGoTime(ZERO_TIME) as bigint;

/** Milliseconds since the epoch (for durations); the zero time gives a very negative number. */
export function goTimeMs(text: string): number {
  const nanos = parseGoTime(text);
  return nanos === undefined ? Number.NaN : Number(nanos / 1_000_000n);
}

/** Unix seconds, as ps shows `Created` (Go's Time.Unix floors). */
export function goTimeUnixSeconds(text: string): number {
  const nanos = parseGoTime(text);
  if (nanos === undefined) return 0;
  const seconds = nanos / 1_000_000_000n;
  return Number(nanos < 0n && nanos % 1_000_000_000n !== 0n ? seconds - 1n : seconds);
}

/** Formats nanoseconds since the epoch as Go's time.RFC3339Nano in UTC. */
export function formatGoTime(nanos: bigint): string {
  let seconds = nanos / 1_000_000_000n;
  let fraction = nanos % 1_000_000_000n;
  if (fraction < 0n) {
    fraction += 1_000_000_000n;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  const year = date.getUTCFullYear();
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const base =
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const digits = fraction.toString().padStart(9, '0').replace(/0+$/, '');
  return digits === '' ? `${base}Z` : `${base}.${digits}Z`;
}

/**
 * The current time as Go would stamp it. Node's wall clock is milliseconds; the high-resolution
 * clock adds the microseconds (performance.timeOrigin + now() is real time, not invented digits).
 */
export function nowGoTime(): string {
  const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  return formatGoTime(micros * 1000n);
}
