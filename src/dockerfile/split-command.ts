/**
 * Splits a logical line into keyword, leading `--flags` and the rest (buildkit's
 * splitCommand/extractBuilderFlags). Flag words lose their quotes and escapes here; the
 * first word that does not start with `--`, or a bare `--`, ends the flags.
 */
import { goTrimSpace, isGoSpace } from './go-text.js';
import { splitOnce } from './argument-splitters.js';

export interface SplitCommand {
  keyword: string;
  flags: string[];
  rest: string;
}

export function splitCommand(line: string, escapeToken: string): SplitCommand {
  const parts = splitOnce(goTrimSpace(line));
  if (parts.length < 2) return { keyword: parts[0]!, flags: [], rest: '' };
  const { rest, flags } = extractFlags(parts[1]!, escapeToken);
  return { keyword: parts[0]!, flags, rest: goTrimSpace(rest) };
}

function extractFlags(line: string, escapeToken: string): { rest: string; flags: string[] } {
  const chars = [...line];
  const flags: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOk = false;
  const restFrom = (pos: number): string => chars.slice(pos).join('');

  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = chars[pos] ?? '';
    const atEnd = pos === chars.length;
    if (phase === 'spaces') {
      if (atEnd) break;
      if (isGoSpace(ch)) continue;
      if (ch !== '-' || chars[pos + 1] !== '-') return { rest: restFrom(pos), flags };
      phase = 'word';
    }
    if (atEnd) {
      if (word !== '--' && (blankOk || word.length > 0)) flags.push(word);
      break;
    }
    if (phase === 'word') {
      if (isGoSpace(ch)) {
        phase = 'spaces';
        if (word === '--') return { rest: restFrom(pos), flags };
        if (blankOk || word.length > 0) flags.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
        continue;
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        pos++;
        ch = chars[pos]!;
      }
      word += ch;
      continue;
    }
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === escapeToken) {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      pos++;
      ch = chars[pos]!;
    }
    word += ch;
  }
  return { rest: '', flags };
}
