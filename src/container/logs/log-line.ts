/**
 * One decoded log entry as the API wants it. It has the shape of `LogLine` in
 * api/server/backends.ts (container/ may not import api/server, so the type is repeated here;
 * TypeScript checks the two stay compatible where the daemon passes one for the other).
 */
import { parseGoTime } from '../model/go-time.js';
import { formatRfc3339NanoFixed } from './log-time.js';

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** The bytes as logged, with their trailing newline if the line had one. */
  line: Buffer;
  /** RFC 3339 with exactly nine fraction digits. */
  time: string;
  /** `--details`: the entry's attributes as `k=v,k=v` (sorted, query-escaped); '' when none. */
  attrs?: string;
}

/** A decoded entry plus its time as a number, for since/until filtering. */
export interface DecodedEntry extends LogLine {
  timeNs: bigint;
}

/** Go's url.QueryEscape: unreserved bytes kept, space as '+', the rest %XX. */
export function goQueryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Docker's rendering of an entry's attrs for `details=1`: sorted by key, `k=v` joined by ','. */
export function formatAttrs(attrs: Record<string, string> | undefined): string {
  if (!attrs) return '';
  return Object.keys(attrs)
    .sort()
    .map((key) => `${goQueryEscape(key)}=${goQueryEscape(String(attrs[key]))}`)
    .join(',');
}

interface RawEntry {
  log?: unknown;
  stream?: unknown;
  time?: unknown;
  attrs?: unknown;
}

/** Decodes one line of a json-file log; undefined for a line that is not an entry. */
export function decodeEntry(text: Buffer | string): DecodedEntry | undefined {
  let raw: RawEntry;
  try {
    raw = JSON.parse(typeof text === 'string' ? text : text.toString('utf8')) as RawEntry;
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object') return undefined;
  const stream = raw.stream === 'stderr' ? 'stderr' : raw.stream === 'stdout' ? 'stdout' : undefined;
  if (!stream || typeof raw.time !== 'string') return undefined;
  const timeNs = parseGoTime(raw.time);
  if (timeNs === undefined) return undefined;
  const attrs =
    raw.attrs !== null && typeof raw.attrs === 'object' ? (raw.attrs as Record<string, string>) : undefined;
  return {
    stream,
    line: Buffer.from(typeof raw.log === 'string' ? raw.log : '', 'utf8'),
    time: formatRfc3339NanoFixed(timeNs),
    attrs: formatAttrs(attrs),
    timeNs,
  };
}
