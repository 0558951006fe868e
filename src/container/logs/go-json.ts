/**
 * JSON string encoding byte-for-byte as the Go code behind Docker's json-file driver does it,
 * so a log file written by lading reads the same to any tool that parses Docker's.
 *
 * Two flavours exist in moby: the `log` field goes through jsonlog's hand-written encoder
 * (only `\n` and `\r` get short escapes; every other control byte is `\u00XX`), while the
 * `attrs` object is `encoding/json.Marshal` output (short escapes also for `\t`, `\b`, `\f`).
 * Both escape `<`, `>`, `&` (Go's HTML-safe default) and U+2028/U+2029, keep valid UTF-8
 * as is, and replace each byte of invalid UTF-8 with `\ufffd`, as Go's utf8.DecodeRune sees it.
 */

export type GoJsonFlavour = 'jsonlog' | 'encoding-json';

const HEX = '0123456789abcdef';

/** Bytes of one UTF-8 sequence starting at `i` (1–4), or 0 when Go would call it invalid. */
export function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (at: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[at];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // E0 needs A0.. (no overlongs), ED stops at 9F (no UTF-16 surrogates).
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

function shortEscape(b: number, flavour: GoJsonFlavour): string | undefined {
  switch (b) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
  }
  if (flavour === 'encoding-json') {
    if (b === 0x09) return '\\t';
    if (b === 0x08) return '\\b';
    if (b === 0x0c) return '\\f';
  }
  return undefined;
}

/** `bytes` as a quoted JSON string, the way Go writes it (see the file comment). */
export function goJsonQuote(bytes: Uint8Array, flavour: GoJsonFlavour = 'jsonlog'): Buffer {
  const out: Buffer[] = [Buffer.from('"')];
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = 0;
  const flush = (end: number): void => {
    if (start < end) out.push(source.subarray(start, end));
  };
  for (let i = 0; i < source.length;) {
    const b = source[i]!;
    if (b < 0x80) {
      if (b >= 0x20 && b !== 0x5c && b !== 0x22 && b !== 0x3c && b !== 0x3e && b !== 0x26) {
        i++;
        continue;
      }
      flush(i);
      out.push(Buffer.from(shortEscape(b, flavour) ?? `\\u00${HEX[b >> 4]}${HEX[b & 0xf]}`));
      i++;
      start = i;
      continue;
    }
    const size = utf8SequenceLength(source, i);
    if (size === 0) {
      flush(i);
      out.push(Buffer.from('\\ufffd'));
      i++;
      start = i;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) break JavaScript string literals; Go escapes them.
    if (
      size === 3 &&
      b === 0xe2 &&
      source[i + 1] === 0x80 &&
      (source[i + 2] === 0xa8 || source[i + 2] === 0xa9)
    ) {
      flush(i);
      out.push(Buffer.from(source[i + 2] === 0xa8 ? '\\u2028' : '\\u2029'));
      i += 3;
      start = i;
      continue;
    }
    i += size;
  }
  flush(source.length);
  out.push(Buffer.from('"'));
  return Buffer.concat(out);
}

/**
 * `json.Marshal(map[string]string)`: keys sorted by their bytes, no spaces. Used for the
 * `attrs` object that `labels`/`env` log options add to every entry.
 */
export function goJsonStringMap(map: Record<string, string>): Buffer {
  const keys = Object.keys(map).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const parts: Buffer[] = [Buffer.from('{')];
  keys.forEach((key, index) => {
    if (index > 0) parts.push(Buffer.from(','));
    parts.push(goJsonQuote(Buffer.from(key), 'encoding-json'), Buffer.from(':'));
    parts.push(goJsonQuote(Buffer.from(map[key]!), 'encoding-json'));
  });
  parts.push(Buffer.from('}'));
  return Buffer.concat(parts);
}
