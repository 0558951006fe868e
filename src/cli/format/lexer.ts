/**
 * Tokenizer for the Go text/template subset that `--format` users write.
 *
 * Why hand-written: no maintained npm package implements Go's text/template faithfully (the
 * ones that exist are unmaintained, incomplete, or Handlebars-like with different truthiness
 * and whitespace rules), and users paste templates written for the docker CLI. So lading
 * carries a small tokenizer + parser + evaluator of its own, scoped to what people use.
 *
 * The lexer produces a flat token list. Text outside actions becomes one `text` token; each
 * action is `leftDelim … rightDelim` with the trim markers (`{{- `, ` -}}`) already applied to
 * the neighbouring text, as Go does, so the parser never sees them.
 */

import { TemplateSyntaxError } from './errors.js';

export type TokenKind =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'field' // .A.B  (value is ".A.B"; a lone "." is kind 'dot')
  | 'dot'
  | 'variable' // $ or $x, possibly with fields: $x.A.B
  | 'identifier' // function name or keyword
  | 'string'
  | 'number'
  | 'bool'
  | 'nil'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare' // :=
  | 'assign' // =
  | 'comma'
  | 'comment';

export interface Token {
  kind: TokenKind;
  /** Source text, or for strings the decoded value. */
  value: string;
  /** Byte offset in the template, for error positions. */
  pos: number;
}

const LEFT = '{{';
const RIGHT = '}}';
const TRIM_SPACE = /[ \t\r\n]/;

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && TRIM_SPACE.test(ch);
}

function isIdentChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_]/.test(ch);
}

/** Line number (1-based) of a byte offset, for Go-style `template: name:LINE:` messages. */
export function lineOf(src: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < src.length; i++) if (src[i] === '\n') line++;
  return line;
}

export function tokenize(src: string, name: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let trimNextText = false;

  const fail = (pos: number, msg: string): never => {
    throw new TemplateSyntaxError(`template: ${name}:${lineOf(src, pos)}: ${msg}`);
  };

  while (i < src.length) {
    const open = src.indexOf(LEFT, i);
    let text = open === -1 ? src.slice(i) : src.slice(i, open);
    // "{{- " trims trailing white space of the text before; the "-" must be followed by space.
    const trimLeft = open !== -1 && src[open + 2] === '-' && isSpace(src[open + 3]);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    trimNextText = false;
    if (text.length > 0) tokens.push({ kind: 'text', value: text, pos: i });
    if (open === -1) break;

    let p = open + 2 + (trimLeft ? 2 : 0);
    // Comments: {{/* ... */}} possibly with trim markers.
    let q = p;
    while (isSpace(src[q])) q++;
    if (src.startsWith('/*', q)) {
      const end = src.indexOf('*/', q + 2);
      if (end === -1) fail(open, 'unclosed comment');
      let r = end + 2;
      while (isSpace(src[r])) r++;
      let trimRight = false;
      if (src[r] === '-' && src.startsWith(RIGHT, r + 1) && isSpace(src[r - 1])) {
        trimRight = true;
        r++;
      }
      if (!src.startsWith(RIGHT, r)) fail(open, 'comment ends before closing delimiter');
      i = r + 2;
      trimNextText = trimRight;
      continue;
    }

    tokens.push({ kind: 'leftDelim', value: LEFT, pos: open });
    let closed = false;
    while (p < src.length) {
      const ch = src[p] as string;
      // " -}}" closes with a right trim.
      if (ch === '-' && src.startsWith(RIGHT, p + 1) && isSpace(src[p - 1])) {
        tokens.push({ kind: 'rightDelim', value: RIGHT, pos: p });
        i = p + 3;
        trimNextText = true;
        closed = true;
        break;
      }
      if (src.startsWith(RIGHT, p)) {
        tokens.push({ kind: 'rightDelim', value: RIGHT, pos: p });
        i = p + 2;
        closed = true;
        break;
      }
      if (ch === '\n' || ch === '\r') {
        // Go allows newlines inside actions since 1.16; treat as space.
        p++;
        continue;
      }
      if (isSpace(ch)) {
        p++;
        continue;
      }
      const start = p;
      if (ch === '|') {
        tokens.push({ kind: 'pipe', value: '|', pos: p++ });
      } else if (ch === '(') {
        tokens.push({ kind: 'leftParen', value: '(', pos: p++ });
      } else if (ch === ')') {
        tokens.push({ kind: 'rightParen', value: ')', pos: p++ });
      } else if (ch === ',') {
        tokens.push({ kind: 'comma', value: ',', pos: p++ });
      } else if (ch === ':' && src[p + 1] === '=') {
        tokens.push({ kind: 'declare', value: ':=', pos: p });
        p += 2;
      } else if (ch === '=') {
        tokens.push({ kind: 'assign', value: '=', pos: p++ });
      } else if (ch === '"') {
        p++;
        let out = '';
        while (p < src.length && src[p] !== '"') {
          if (src[p] === '\n') fail(start, 'unterminated quoted string');
          if (src[p] === '\\') {
            const esc = src[p + 1];
            const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
            if (esc !== undefined && esc in map) {
              out += map[esc];
              p += 2;
              continue;
            }
            if (esc === 'x' || esc === 'u') {
              const len = esc === 'x' ? 2 : 4;
              const hex = src.slice(p + 2, p + 2 + len);
              if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) fail(start, 'invalid syntax');
              out += String.fromCodePoint(parseInt(hex, 16));
              p += 2 + len;
              continue;
            }
            fail(start, 'invalid syntax');
          }
          out += src[p];
          p++;
        }
        if (p >= src.length) fail(start, 'unterminated quoted string');
        p++;
        tokens.push({ kind: 'string', value: out, pos: start });
      } else if (ch === '`') {
        const end = src.indexOf('`', p + 1);
        if (end === -1) fail(start, 'unterminated raw quoted string');
        tokens.push({ kind: 'string', value: src.slice(p + 1, end), pos: start });
        p = end + 1;
      } else if (ch === '.' && !/[0-9]/.test(src[p + 1] ?? '')) {
        p++;
        while (isIdentChar(src[p]) || (src[p] === '.' && isIdentChar(src[p + 1]))) p++;
        const v = src.slice(start, p);
        tokens.push({ kind: v === '.' ? 'dot' : 'field', value: v, pos: start });
      } else if (ch === '$') {
        p++;
        while (isIdentChar(src[p]) || (src[p] === '.' && isIdentChar(src[p + 1]))) p++;
        tokens.push({ kind: 'variable', value: src.slice(start, p), pos: start });
      } else if (/[0-9+\-.]/.test(ch)) {
        p++;
        while (/[0-9a-fA-FxXoObB_.eEpP+-]/.test(src[p] ?? '') && !src.startsWith(RIGHT, p)) {
          // Stop a "-" that begins a " -}}" trim marker or a sign not after an exponent.
          if ((src[p] === '+' || src[p] === '-') && !/[eEpP]/.test(src[p - 1] ?? '')) break;
          p++;
        }
        tokens.push({ kind: 'number', value: src.slice(start, p), pos: start });
      } else if (/[A-Za-z_]/.test(ch)) {
        while (isIdentChar(src[p])) p++;
        const word = src.slice(start, p);
        if (word === 'true' || word === 'false') tokens.push({ kind: 'bool', value: word, pos: start });
        else if (word === 'nil') tokens.push({ kind: 'nil', value: word, pos: start });
        else tokens.push({ kind: 'identifier', value: word, pos: start });
        // A field chain directly after an identifier or ')' is not supported by Go either.
      } else {
        fail(start, `unexpected "${ch}" in command`);
      }
    }
    if (!closed) fail(open, 'unclosed action');
  }
  return tokens;
}
