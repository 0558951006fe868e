/**
 * Here-document words in RUN, COPY and ADD lines (`<<EOF`, `<<-EOF`, `3<<"EOF"`). The
 * terminator may be quoted; a quoted terminator means the content is not expanded later.
 * Detection always uses `\` as the escape, as buildkit does.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { expandWords } from './shell-lexer.js';
import type { Heredoc } from './syntax-node.js';

const HEREDOC_WORD = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const NO_ENV: ReadonlyMap<string, string> = new Map();

function countQuotes(s: string): number {
  return [...s].filter((ch) => ch === '"' || ch === "'").length;
}

/** The heredoc a single word opens, if it is one. */
export function parseHeredocWord(word: string): Heredoc | undefined {
  const match = HEREDOC_WORD.exec(word);
  if (!match) return undefined;
  const rest = match[3]!;
  if (rest === '') return undefined;
  const words = expandWords(rest, NO_ENV, '\\', { skipUnsetEnv: true });
  if (words.length !== 1) return undefined;
  const rawWords = expandWords(rest, NO_ENV, '\\', { skipUnsetEnv: true, rawQuotes: true });
  if (rawWords.length !== words.length) {
    throw new InvalidArgumentError(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  }
  const name = words[0]!;
  return {
    name,
    fileDescriptor: Number(match[1] || '0'),
    // Quotes removed by the lexer mean part of the word was quoted: no expansion.
    expand: countQuotes(name) === countQuotes(rawWords[0]!),
    chomp: match[2] === '-',
    content: '',
  };
}

/** Every heredoc opened on an instruction line, in order. */
export function findHeredocs(line: string): Heredoc[] {
  let words: string[];
  try {
    words = expandWords(line, NO_ENV, '\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true });
  } catch {
    // buildkit ignores a line its lexer cannot read here: it simply has no heredocs.
    return [];
  }
  const heredocs: Heredoc[] = [];
  for (const word of words) {
    const heredoc = parseHeredocWord(word);
    if (heredoc) heredocs.push(heredoc);
  }
  return heredocs;
}

/** `<<-` content: leading tabs removed from every line. */
export function chompHeredocContent(content: string): string {
  return content.replace(/^\t+/gm, '');
}
