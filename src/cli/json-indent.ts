/**
 * Go's json.Indent and json.Compact: re-lay raw JSON without decoding it, so inspect output
 * keeps the daemon's key order, number spelling and string escapes (`\u003c` stays as sent)
 * byte for byte, as docker's inspect does.
 */

/** json.Indent(dst, src, prefix, indent); no trailing newline. */
export function indentJson(src: string, prefix: string, indent: string): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  let inString = false;
  const newline = (): string => `\n${prefix}${indent.repeat(depth)}`;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += src[++i] ?? '';
      } else if (c === '"') {
        inString = false;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (needIndent && c !== ']' && c !== '}') {
      needIndent = false;
      depth++;
      out += newline();
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[':
        needIndent = true;
        out += c;
        break;
      case ',':
        out += c + newline();
        break;
      case ':':
        out += ': ';
        break;
      case '}':
      case ']':
        if (needIndent) {
          needIndent = false; // empty: "{}" / "[]"
        } else {
          depth--;
          out += newline();
        }
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** json.Compact: drops insignificant whitespace. */
export function compactJson(src: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') out += src[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '"') inString = true;
    out += c;
  }
  return out;
}
