/**
 * Dockerfile word processing as buildkit's shell lexer does it: quotes, the escape token,
 * `$VAR`, `${VAR}`, `${VAR:-w}` `${VAR-w}` `${VAR:+w}` `${VAR+w}` `${VAR:?msg}` `${VAR?msg}`,
 * `${VAR#p}` `${VAR##p}` `${VAR%p}` `${VAR%%p}`, `${VAR/p/r}` `${VAR//p/r}`.
 *
 * It is not a shell: no command substitution, no globbing, and positional or special
 * parameters (`$1`, `$@`, `$$`…) are never set, so they expand to nothing.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { goQuote, isGoSpace } from './go-text.js';

/** The variables words are expanded with. A key with several values: the last one wins. */
export type ShellEnv = ReadonlyMap<string, string>;

export interface LexOptions {
  /** Keep quote characters in the output (used to detect quoted heredoc words). */
  rawQuotes?: boolean;
  /** Keep escape tokens in the output. */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written instead of expanding them to "". */
  skipUnsetEnv?: boolean;
}

/** An env list (`["K=v", "FLAG"]`) as the lexer sees it: an entry without `=` is set to "". */
export function envFromList(list: readonly string[] | null | undefined): ShellEnv {
  const env = new Map<string, string>();
  for (const entry of list ?? []) {
    const eq = entry.indexOf('=');
    if (eq < 0) env.set(entry, '');
    else env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

/** Expands one word, keeping whitespace (ENV, LABEL, WORKDIR, USER, VOLUME, STOPSIGNAL…). */
export function expandWord(
  word: string,
  env: ShellEnv,
  escapeToken = '\\',
  options: LexOptions = {},
): string {
  return new WordProcessor(word, env, escapeToken, options).run().result;
}

/** Expands and then splits into words on unquoted whitespace (EXPOSE, heredoc detection). */
export function expandWords(
  word: string,
  env: ShellEnv,
  escapeToken = '\\',
  options: LexOptions = {},
): string[] {
  return new WordProcessor(word, env, escapeToken, options).run().words;
}

const EOF = '';

class LexError extends Error {}

/** Collects split words the way buildkit does: spaces produced by `$VAR` also split. */
class WordCollector {
  private buf = '';
  private inWord = false;
  readonly words: string[] = [];

  addChar(ch: string): void {
    if (isGoSpace(ch)) {
      if (this.inWord && this.buf.length !== 0) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else {
      this.addRawChar(ch);
    }
  }

  addRawChar(ch: string): void {
    this.buf += ch;
    this.inWord = true;
  }

  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  addRawString(s: string): void {
    this.buf += s;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.buf.length > 0) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

class WordProcessor {
  private readonly chars: string[];
  private pos = 0;
  private rawEscapes: boolean;

  constructor(
    private readonly source: string,
    private readonly env: ShellEnv,
    private readonly escapeToken: string,
    private readonly options: LexOptions,
  ) {
    this.chars = [...source];
    this.rawEscapes = options.rawEscapes ?? false;
  }

  run(): { result: string; words: string[] } {
    try {
      return this.processStopOn(EOF, this.rawEscapes);
    } catch (err) {
      if (err instanceof LexError) {
        throw new InvalidArgumentError(`failed to process ${goQuote(this.source)}: ${err.message}`);
      }
      throw err;
    }
  }

  private peek(): string {
    return this.chars[this.pos] ?? EOF;
  }

  private next(): string {
    const ch = this.chars[this.pos] ?? EOF;
    if (ch !== EOF) this.pos++;
    return ch;
  }

  private processStopOn(stopChar: string, rawEscapes: boolean): { result: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let result = '';
      const words = new WordCollector();
      while (this.peek() !== EOF) {
        const ch = this.peek();
        if (stopChar !== EOF && ch === stopChar) {
          this.next();
          return { result, words: words.finish() };
        }
        const special = this.special(ch);
        if (special) {
          const text = special();
          result += text;
          if (ch === '$') words.addString(text);
          else words.addRawString(text);
          continue;
        }
        let plain = this.next();
        if (plain === this.escapeToken) {
          if (this.rawEscapes) {
            words.addRawChar(plain);
            result += plain;
          }
          // An escape token escapes the next character; at the very end it is dropped.
          plain = this.next();
          if (plain === EOF) break;
          words.addRawChar(plain);
        } else {
          words.addChar(plain);
        }
        result += plain;
      }
      if (stopChar !== EOF) {
        throw new LexError(`unexpected end of statement while looking for matching ${stopChar}`);
      }
      return { result, words: words.finish() };
    } finally {
      this.rawEscapes = saved;
    }
  }

  private special(ch: string): (() => string) | undefined {
    switch (ch) {
      case '$':
        return () => this.processDollar();
      case '<':
        return () => this.processPossibleHeredoc();
      case "'":
        return () => this.processSingleQuote();
      case '"':
        return () => this.processDoubleQuote();
      default:
        return undefined;
    }
  }

  private processSingleQuote(): string {
    // Everything up to the next ' is literal; a ' cannot be escaped inside.
    let result = '';
    const open = this.next();
    if (this.options.rawQuotes) result += open;
    for (;;) {
      const ch = this.next();
      if (ch === EOF)
        throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.options.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    // Literal except $ expansions; the escape token only escapes ", $ and itself.
    let result = '';
    const open = this.next();
    if (this.options.rawQuotes) result += open;
    for (;;) {
      const peeked = this.peek();
      if (peeked === EOF) {
        throw new LexError('unexpected end of statement while looking for matching double-quote');
      }
      if (peeked === '"') {
        const close = this.next();
        if (this.options.rawQuotes) result += close;
        return result;
      }
      if (peeked === '$') {
        result += this.processDollar();
        continue;
      }
      let ch = this.next();
      if (ch === this.escapeToken) {
        if (this.rawEscapes) result += ch;
        const after = this.peek();
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.escapeToken) ch = this.next();
      }
      result += ch;
    }
  }

  private processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let space = '';
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === '\r') space += this.next();
    return '<<' + space;
  }

  private lookup(name: string): string | undefined {
    return this.env.get(name);
  }

  private processDollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.lookup(name);
      if (value === undefined && this.options.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution');
    const name = this.processName();
    // Go prints a missing character (end of input) as U+FFFD in the modifier error.
    const ch = this.next() || '\uFFFD';
    switch (ch) {
      case '}': {
        const value = this.lookup(name);
        if (value === undefined && this.options.skipUnsetEnv) return '${' + name + '}';
        return value ?? '';
      }
      case ':':
      case '+':
      case '-':
      case '?':
      case '#':
      case '%':
        return this.processModifier(name, ch);
      case '/':
        return this.processReplace(name);
      default:
        throw new LexError(`unsupported modifier (${ch}) in substitution`);
    }
  }

  private processModifier(name: string, first: string): string {
    let ch = first;
    let modifier = first;
    let nullIsUnset = false;
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.next() || '\uFFFD';
      modifier += ch;
    }
    const trims = ch === '#' || ch === '%';
    if (nullIsUnset && trims) throw new LexError(`unsupported modifier (${modifier}) in substitution`);
    let word: string;
    try {
      word = this.processStopOn('}', trims).result;
    } catch (err) {
      if (err instanceof LexError && this.peek() === EOF) throw new LexError("syntax error: missing '}'");
      throw err;
    }
    const value = this.lookup(name);
    const set = value !== undefined;
    if (!set && this.options.skipUnsetEnv) return '${' + name + modifier + word + '}';
    const current = value ?? '';
    switch (ch) {
      case '-':
        return !set || (nullIsUnset && current === '') ? word : current;
      case '+':
        return !set || (nullIsUnset && current === '') ? '' : word;
      case '?':
        if (!set) throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
        if (nullIsUnset && current === '') {
          throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
        }
        return current;
      case '#':
      case '%': {
        // One #/% removes the shortest match, a doubled one the longest.
        const greedy = word.startsWith(ch);
        const pattern = greedy ? word.slice(1) : word;
        return ch === '%' ? trimSuffix(pattern, current, greedy) : trimPrefix(pattern, current, greedy);
      }
      default:
        throw new LexError(`unsupported modifier (${modifier}) in substitution`);
    }
  }

  private processReplace(name: string): string {
    const replaceAll = this.peek() === '/';
    if (replaceAll) this.next();
    let pattern: string;
    let replacement: string;
    try {
      pattern = this.processStopOn('/', true).result;
    } catch (err) {
      if (err instanceof LexError && this.peek() === EOF)
        throw new LexError("syntax error: missing '/' in ${}");
      throw err;
    }
    try {
      replacement = this.processStopOn('}', true).result;
    } catch (err) {
      if (err instanceof LexError && this.peek() === EOF) throw new LexError("syntax error: missing '}'");
      throw err;
    }
    const value = this.lookup(name);
    if (value === undefined && this.options.skipUnsetEnv)
      return '${' + name + '/' + pattern + '/' + replacement + '}';
    const re = patternToRegExp(pattern, true, false, replaceAll);
    const current = value ?? '';
    // Go splices the first match in literally, but ReplaceAll treats the replacement as a
    // template ($$ is $, $name and ${name} name groups, and there are none).
    const text = replaceAll ? expandGoTemplate(replacement) : replacement;
    return current.replace(re, () => text);
  }

  /** A variable name: letters, digits, `_`; or a run of digits; or one special parameter. */
  private processName(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name.length === 0 && /^\p{Nd}$/u.test(ch)) {
        while (this.peek() !== EOF && /^\p{Nd}$/u.test(this.peek())) name += this.next();
        return name;
      }
      if (name.length === 0 && '@*#?-$!0'.includes(ch)) return this.next();
      if (!/^[\p{L}\p{Nd}_]$/u.test(ch)) break;
      name += this.next();
    }
    return name;
  }
}

/** A shell pattern (`*`, `?`, `\` escapes; no brackets) as a regular expression. */
function patternToRegExp(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  const chars = [...pattern];
  let out = anchored ? '^' : '';
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i]!;
    switch (tok) {
      // Go's `.` excludes only \n; JS's also excludes \r and U+2028/9, so spell it out.
      case '*':
        out += greedy ? '[^\\n]*' : '[^\\n]*?';
        continue;
      case '?':
        out += '[^\\n]';
        continue;
      case '\\': {
        const after = chars[i + 1];
        // `\}` and `\/` only escape the ${} syntax; they are not part of the pattern.
        if (after === '}' || after === '/') continue;
        i++;
        if (after !== '*' && after !== '?' && after !== '\\') {
          throw new LexError(
            `invalid pattern (${pattern}) in substitution: invalid escape '\\${after ?? '\uFFFD'}'`,
          );
        }
        out += '\\' + after;
        continue;
      }
      case '[':
      case ']':
      case '{':
      case '}':
      case '.':
      case '+':
      case '(':
      case ')':
      case '|':
      case '^':
      case '$':
        out += '\\' + tok;
        continue;
      default:
        out += tok;
    }
  }
  return new RegExp(out, global ? 'gu' : 'u');
}

/** Go's regexp template expansion with no capture groups. */
function expandGoTemplate(template: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      i++;
      continue;
    }
    const named = /^(?:\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+)/.exec(rest);
    if (named) {
      i += named[0].length;
      continue;
    }
    out += '$';
  }
  return out;
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const match = patternToRegExp(pattern, greedy, true).exec(value);
  return match ? value.slice(match.index + match[0].length) : value;
}

/** Reverses a pattern but keeps each escape before the character it escapes. */
function reversePattern(pattern: string): string {
  const chars = [...pattern];
  const out: string[] = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last;) {
    const tok = chars[i]!;
    const at = last - i;
    if (tok === '\\' && i !== last) {
      out[at - 1] = tok;
      out[at] = chars[i + 1]!;
      i += 2;
    } else {
      out[at] = tok;
      i++;
    }
  }
  return out.join('');
}

function reverseString(s: string): string {
  return [...s].reverse().join('');
}

/** Shortest/longest rightmost match, found as a leftmost match on the reversed strings. */
function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}
