/**
 * Query-string values as Docker clients send them: loose booleans, JSON `filters=`, and
 * `since`/`until` times in any form the docker CLI or a script might pass.
 */
import { InvalidArgumentError } from '../../errors/index.js';

/** Only these mean false (case-insensitive, trimmed); anything else, `1`/`true`/`True` included, is true. */
const FALSE_VALUES = new Set(['', '0', 'no', 'false', 'none']);

export function parseBoolean(value: string | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  return !FALSE_VALUES.has(value.trim().toLowerCase());
}

/** A boolean query parameter; absent is false. */
export function queryBoolean(query: URLSearchParams, key: string): boolean {
  return parseBoolean(query.get(key));
}

/**
 * Parses `filters=` into key → values. Current clients send `{"status":{"exited":true}}`;
 * old ones (API < 1.22) `{"status":["exited"]}`; both are accepted. Empty means no filters.
 */
export function parseFilters(raw: string | null | undefined): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  if (raw === null || raw === undefined || raw.trim() === '') return filters;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new InvalidArgumentError(`invalid filter: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null) return filters;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidArgumentError('invalid filter: expected a JSON object');
  }
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      filters.set(key, [...(value as string[])]);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // Docker keeps every key of the inner map whatever its boolean; so do we.
      filters.set(key, Object.keys(value));
    } else {
      throw new InvalidArgumentError(
        `invalid filter: value of '${key}' must be an object or a list of strings`,
      );
    }
  }
  return filters;
}

const NANOS_PER_SECOND = 1_000_000_000;
const NANOS_PER_MS = 1_000_000;

const DURATION_UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** A Go duration (`10m`, `1h30m`, `1.5s`, `-2h`) in nanoseconds, or undefined if it is not one. */
export function parseGoDuration(value: string): number | undefined {
  const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(value);
  if (!match) return undefined;
  let total = 0;
  for (const part of (match[2] as string).matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (DURATION_UNIT_NANOS[part[2] as string] as number);
  }
  return match[1] === '-' ? -total : total;
}

/** `seconds[.fraction]` → nanos; the fraction is digits of a second (`.5` is 500ms). */
function parseUnixSeconds(value: string): number | undefined {
  const match = /^(-?\d+)(?:\.(\d*))?$/.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  const fraction = (match[2] ?? '').slice(0, 9).padEnd(9, '0');
  const nanos = Number(fraction);
  return seconds * NANOS_PER_SECOND + (seconds < 0 ? -nanos : nanos);
}

/**
 * RFC 3339 and its shortened forms the docker CLI accepts (`2006-01-02`, `2006-01-02T15`,
 * `2006-01-02T15:04`, …); without a zone the time is local, as in Docker.
 */
function parseRfc3339(value: string): number | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?([Zz]|[+-]\d{2}:\d{2})?$/.exec(
      value,
    );
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  // Date would roll 2023-13-45 over into 2024; Go's parser refuses it, and so do we.
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return undefined;
  if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 59) return undefined;
  const parts = [
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
  ] as const;
  let ms: number;
  if (zone === undefined) {
    ms = new Date(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]).getTime();
  } else {
    ms = Date.UTC(...parts);
    if (zone !== 'Z' && zone !== 'z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
      ms -= sign * offsetMinutes * 60_000;
    }
  }
  if (Number.isNaN(ms)) return undefined;
  return ms * NANOS_PER_MS + Number((frac ?? '').padEnd(9, '0'));
}

/**
 * A `since`/`until` value as unix nanoseconds: unix seconds with an optional fraction
 * (`1700000000.123456789`, what the CLI sends), RFC 3339, or a Go duration meaning "that long
 * before `nowMs`" (`10m`). A JS number cannot hold today's nanos exactly: precision is about
 * 256 ns, well below anything events or logs are ordered by.
 */
export function parseTimestamp(value: string, nowMs: number = Date.now()): number {
  const text = value.trim();
  // "0" parses as a Go duration too, but Docker means the epoch by it.
  if (text !== '0') {
    const duration = parseGoDuration(text);
    if (duration !== undefined) return nowMs * NANOS_PER_MS - duration;
  }
  const nanos = parseUnixSeconds(text) ?? parseRfc3339(text);
  if (nanos === undefined) {
    throw new InvalidArgumentError(`failed to parse value as time or duration: "${value}"`);
  }
  return nanos;
}

/** A timestamp query parameter, or undefined when absent or empty. */
export function queryTimestamp(query: URLSearchParams, key: string, nowMs?: number): number | undefined {
  const value = query.get(key);
  if (value === null || value.trim() === '') return undefined;
  return parseTimestamp(value, nowMs);
}
