/**
 * WWW-Authenticate parsing (RFC 7235): one header may carry several challenges, each a
 * scheme followed by comma-separated `name=value` parameters whose values may be quoted
 * strings with backslash escapes. Registries send `Bearer realm=…,service=…,scope=…` or
 * `Basic realm=…`; anything else is kept but unused.
 */

export interface AuthChallenge {
  /** Lower-cased scheme: 'bearer', 'basic', … */
  scheme: string;
  /** Parameter names lower-cased. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /[ \t]/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  skipSeparators(): void {
    while (this.pos < this.text.length && /[ \t,]/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  token(): string {
    const start = this.pos;
    while (this.pos < this.text.length && TOKEN_CHAR.test(this.text[this.pos] ?? '')) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** An unquoted value: RFC 7235 says token, but servers send URLs bare; take up to , or space. */
  bare(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !/[ \t,]/.test(this.text[this.pos] ?? '')) this.pos++;
    return this.text.slice(start, this.pos);
  }

  quoted(): string {
    this.pos++; // opening quote
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === '"') return out;
      if (c === '\\' && this.pos < this.text.length) out += this.text[this.pos++];
      else out += c;
    }
    return out; // unterminated: take what there is, as lenient clients do
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }
}

export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  const challenges: AuthChallenge[] = [];
  for (const value of values) {
    const s = new Scanner(value);
    let current: AuthChallenge | undefined;
    while (s.pos < value.length) {
      s.skipSeparators();
      const word = s.token();
      if (word === '') {
        s.pos++; // stray character: skip it rather than loop forever
        continue;
      }
      s.skipSpace();
      if (s.peek() === '=' && current !== undefined) {
        s.pos++;
        s.skipSpace();
        const param = s.peek() === '"' ? s.quoted() : s.bare();
        current.params[word.toLowerCase()] = param;
        continue;
      }
      // A token not followed by '=' starts a new challenge (token68 forms are ignored).
      current = { scheme: word.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}
