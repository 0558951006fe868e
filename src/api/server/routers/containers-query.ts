/**
 * Query and body parsing the containers and exec routes share, with dockerd's rules and
 * wording: integers as Go's strconv reads them, resize sizes as uint32, JSON bodies only with
 * a JSON Content-Type (moby's httputils.ReadJSON / CheckForJSON).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidArgumentError } from '../../../errors/index.js';
import { compareApiVersions } from '../../types/index.js';
import type { RequestContext } from '../handler-context.js';

/** True when the negotiated API version is at least `version`. */
export function apiAtLeast(apiVersion: string, version: string): boolean {
  return compareApiVersions(apiVersion, version) >= 0;
}

/** Go's %q for the ASCII a query value usually holds. */
function goQuote(value: string): string {
  return JSON.stringify(value);
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * `strconv.Atoi` on a 64-bit Go: an optional sign then decimal digits, nothing else. The
 * error reads as Go's (`strconv.Atoi: parsing "x": invalid syntax`).
 */
export function parseGoInt(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) {
    throw new InvalidArgumentError(`strconv.Atoi: parsing ${goQuote(value)}: invalid syntax`);
  }
  const big = BigInt(value);
  if (big > INT64_MAX || big < INT64_MIN) {
    throw new InvalidArgumentError(`strconv.Atoi: parsing ${goQuote(value)}: value out of range`);
  }
  return Number(big);
}

/** An integer query parameter, undefined when absent or empty (dockerd: "not given"). */
export function queryInteger(query: URLSearchParams, key: string): number | undefined {
  const value = query.get(key);
  if (value === null || value === '') return undefined;
  return parseGoInt(value);
}

const UINT32_MAX = 2 ** 32 - 1;

/**
 * A resize dimension (`h=`, `w=`) as dockerd's Uint32Value reads it: required, decimal, no
 * sign but a leading `-` is "out of range" rather than "invalid syntax".
 */
export function queryResizeDimension(query: URLSearchParams, key: 'h' | 'w'): number {
  const raw = query.get(key) ?? '';
  const what = key === 'h' ? 'height' : 'width';
  const fail = (reason: string): never => {
    throw new InvalidArgumentError(`invalid resize ${what} ${goQuote(raw)}: ${reason}`);
  };
  const negative = raw.startsWith('-');
  const digits = negative ? raw.slice(1) : raw;
  if (!/^\d+$/.test(digits)) return fail('invalid syntax');
  const value = Number(digits);
  if (value > UINT32_MAX || negative) return fail('value out of range');
  return value;
}

/** The media type of a Content-Type value, or undefined when it does not parse. */
function mediaTypeOf(contentType: string): string | undefined {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(type) ? type : undefined;
}

/**
 * dockerd's CheckForJSON: a body must come with `Content-Type: application/json` (parameters
 * such as charset allowed); an empty body needs no Content-Type at all.
 */
export function checkJsonContentType(headers: IncomingHttpHeaders, bodyLength: number): void {
  const contentType = headers['content-type'] ?? '';
  if (contentType === '' && bodyLength === 0) return;
  const type = mediaTypeOf(contentType);
  if (type === undefined) {
    const reason =
      contentType.trim() === '' ? 'mime: no media type' : 'mime: expected slash after first token';
    throw new InvalidArgumentError(`malformed Content-Type header (${contentType}): ${reason}`);
  }
  if (type !== 'application/json') {
    throw new InvalidArgumentError(
      `unsupported Content-Type header (${contentType}): must be 'application/json'`,
    );
  }
}

/** Parses JSON text as dockerd's decoders report it: `invalid JSON: …`. */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '') {
    throw new InvalidArgumentError('invalid JSON: got EOF while reading request body');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * dockerd's ReadJSON: the Content-Type is checked, an empty body is "nothing sent" (undefined),
 * anything else must be JSON.
 */
export async function readJsonRequest(ctx: RequestContext): Promise<unknown> {
  const body = await ctx.readBody();
  checkJsonContentType(ctx.req.headers, body.length);
  if (body.length === 0) return undefined;
  return parseJsonText(body.toString('utf8'));
}

/** The JSON type name Go's decoder uses in its errors. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value; // string, number, boolean
}
