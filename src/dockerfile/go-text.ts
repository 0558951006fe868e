/**
 * The few Go standard-library text rules that Docker's messages and parsing depend on, so that
 * our output matches dockerd's byte for byte: `%q` quoting, `unicode.IsSpace`, `filepath.Clean`.
 */

/** Go's `unicode.IsSpace`: differs from JS `\s` (Go has U+0085, JS has U+FEFF). */
export function isGoSpace(ch: string): boolean {
  switch (ch) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case '\u0085':
    case '\u00a0':
    case '\u1680':
    case '\u2028':
    case '\u2029':
    case '\u202f':
    case '\u205f':
    case '\u3000':
      return true;
    default:
      return ch >= '\u2000' && ch <= '\u200a';
  }
}

/** Go's `strings.TrimSpace`. */
export function goTrimSpace(s: string): string {
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && isGoSpace(chars[start]!)) start++;
  while (end > start && isGoSpace(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's `strconv.Quote` (what `%q` and `%#v` print for a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const simple = SIMPLE_ESCAPES[ch];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if ((code >= 0x80 && code < 0xa0) || code === 0xad || (code >= 0xd800 && code < 0xe000))
      out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Go's `%q` of a string slice: `["a" "b"]`. */
export function goQuoteList(items: readonly string[]): string {
  return '[' + items.map(goQuote).join(' ') + ']';
}

/** Go's `path.Clean` (`filepath.Clean` on Linux): no `.`/`..`/`//`, no trailing slash. */
export function goCleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Go's `path.Join`: empty elements are ignored, the result is cleaned. */
export function goJoinPath(...elements: string[]): string {
  const parts = elements.filter((e) => e !== '');
  return parts.length === 0 ? '' : goCleanPath(parts.join('/'));
}

/** Go's string order: by UTF-8 bytes, which is code point order (not JS's UTF-16 order). */
export function compareGoStrings(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const diff = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return x.length - y.length;
}

/**
 * The object with its keys in the order Go's encoding/json writes map keys (sorted), so
 * a config serialised with JSON.stringify has Docker's bytes and therefore Docker's digest.
 */
export function withGoKeyOrder<T>(record: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of Object.keys(record).sort(compareGoStrings)) sorted[key] = record[key]!;
  return sorted;
}
