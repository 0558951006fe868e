/**
 * Parser directives (`# escape=`, `# syntax=`, `# check=`): only in the comment lines at the
 * very top. The first line that is not such a directive (an instruction, a blank line, any
 * other comment) ends them. A directive may appear once.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { isGoSpace } from './go-text.js';

export type DirectiveName = 'syntax' | 'escape' | 'check';

export interface ParserDirective {
  name: DirectiveName;
  value: string;
  /** 1-based line of the directive. */
  line: number;
}

const DIRECTIVE_LINE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;
const KNOWN: readonly string[] = ['syntax', 'escape', 'check'];

export class DirectiveScanner {
  private line = 0;
  private done = false;
  private readonly seen = new Set<string>();

  /** The directive on this line, if directives are still allowed and it is one. */
  scan(text: string): ParserDirective | undefined {
    this.line++;
    if (this.done) return undefined;
    if (!text.startsWith('#')) {
      this.done = true;
      return undefined;
    }
    let start = 1;
    const chars = [...text];
    while (start < chars.length && isGoSpace(chars[start]!)) start++;
    const match = DIRECTIVE_LINE.exec(chars.slice(start).join(''));
    const name = match?.[1]?.toLowerCase();
    if (!match || name === undefined || !KNOWN.includes(name)) {
      this.done = true;
      return undefined;
    }
    if (this.seen.has(name)) throw new InvalidArgumentError(`only one ${name} parser directive can be used`);
    this.seen.add(name);
    return { name: name as DirectiveName, value: match[2]!, line: this.line };
  }
}

export const DEFAULT_ESCAPE_TOKEN = '\\';

export function checkEscapeToken(value: string): string {
  if (value !== '`' && value !== '\\') {
    throw new InvalidArgumentError(`invalid escape token '${value}' does not match \` or \\`);
  }
  return value;
}

/**
 * The line-continuation pattern for an escape token: the token last on the line (trailing
 * blanks allowed), unless the token itself is escaped by a character before it.
 */
export function continuationPattern(escapeToken: string): RegExp {
  const t = escapeToken === '\\' ? '\\\\' : '`';
  return new RegExp(`([^${t}])${t}[ \\t]*$|^${t}[ \\t]*$`);
}
