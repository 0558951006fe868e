/**
 * The per-keyword rules that split an instruction's argument text (buildkit's line parsers).
 * They only split; quotes inside words are kept and removed later by the word expander,
 * except in JSON arrays, which are decoded here.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { goQuote, isGoSpace } from './go-text.js';

export interface SplitArguments {
  args: string[];
  json: boolean;
}

/** Go's `[\t\v\f\r ]+`, the separator buildkit uses between words and after the keyword. */
export const WHITESPACE_RUN = /[\t\v\f\r ]+/;

/** Splits at the first whitespace run only (Go's `Split(s, 2)`). */
export function splitOnce(s: string): string[] {
  const match = WHITESPACE_RUN.exec(s);
  if (!match) return [s];
  return [s.slice(0, match.index), s.slice(match.index + match[0].length)];
}

export const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/**
 * Words separated by whitespace outside quotes. Quote characters and escapes stay in the
 * word (the expander removes them); an escape token at the very end is dropped.
 */
export function splitWords(rest: string, escapeToken: string): string[] {
  const chars = [...rest];
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOk = false;
  let word = '';
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = chars[pos] ?? '';
    const atEnd = pos === chars.length;
    if (phase === 'spaces') {
      if (atEnd) break;
      if (isGoSpace(ch)) continue;
      phase = 'word';
    }
    if (atEnd) {
      if (blankOk || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isGoSpace(ch)) {
        phase = 'spaces';
        if (blankOk || word.length > 0) words.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        // Outside quotes an escape keeps itself and the next character, even a quote.
        word += ch;
        pos++;
        ch = chars[pos]!;
      }
      word += ch;
      continue;
    }
    // inside quotes
    if (ch === quote) phase = 'word';
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      pos++;
      word += ch;
      ch = chars[pos]!;
    }
    word += ch;
  }
  return words;
}

/** Decodes a JSON array of strings; undefined when the text is not a JSON array at all. */
function parseJsonArray(rest: string): string[] | undefined {
  const chars = [...rest];
  let start = 0;
  while (start < chars.length && isGoSpace(chars[start]!)) start++;
  const trimmed = chars.slice(start).join('');
  if (!trimmed.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  if (!parsed.every((item): item is string => typeof item === 'string')) {
    throw new InvalidArgumentError(NOT_STRING_ARRAY);
  }
  return parsed;
}

/** CMD, ENTRYPOINT, RUN, SHELL: a JSON array (exec form) or the whole text (shell form). */
export function splitMaybeJson(rest: string): SplitArguments {
  if (rest === '') return { args: [], json: false };
  const array = parseJsonArray(rest);
  if (array) return { args: array, json: true };
  // `[` that is not valid JSON is shell form, as in Docker.
  return { args: [rest], json: false };
}

/** FROM, EXPOSE: words split on whitespace, quotes not special. */
export function splitWhitespace(rest: string): SplitArguments {
  if (rest === '') return { args: [], json: false };
  return { args: rest.split(WHITESPACE_RUN), json: false };
}

/** COPY, ADD, VOLUME: a JSON array or whitespace-separated words. */
export function splitMaybeJsonToList(rest: string): SplitArguments {
  const array = parseJsonArray(rest);
  if (array) return { args: array, json: true };
  return splitWhitespace(rest);
}

/** USER, WORKDIR, STOPSIGNAL, MAINTAINER: the whole text as one argument. */
export function splitString(rest: string): SplitArguments {
  return { args: rest === '' ? [] : [rest], json: false };
}

/** ARG: words, each `name` or `name=value`. */
export function splitNameOrNameValue(rest: string, escapeToken: string): SplitArguments {
  return { args: splitWords(rest, escapeToken), json: false };
}

/**
 * ENV and LABEL: `name=value …` pairs, or the legacy `name value` (everything after the
 * first whitespace is the value). Produces `name, value, separator` triples.
 */
export function splitNameValue(rest: string, keyword: 'ENV' | 'LABEL', escapeToken: string): SplitArguments {
  const words = splitWords(rest, escapeToken);
  if (words.length === 0) return { args: [], json: false };
  if (!words[0]!.includes('=')) {
    const parts = splitOnce(rest);
    if (parts.length < 2) throw new InvalidArgumentError(`${keyword} must have two arguments`);
    return { args: [parts[0]!, parts[1]!, ''], json: false };
  }
  const args: string[] = [];
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq < 0) {
      throw new InvalidArgumentError(
        `Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`,
      );
    }
    args.push(word.slice(0, eq), word.slice(eq + 1), '=');
  }
  return { args, json: false };
}

/** HEALTHCHECK: a type word (`CMD`, `NONE`) and then CMD's arguments. */
export function splitHealthcheck(rest: string): SplitArguments {
  const chars = [...rest];
  let sep = 0;
  while (sep < chars.length && !isGoSpace(chars[sep]!)) sep++;
  let next = sep;
  while (next < chars.length && isGoSpace(chars[next]!)) next++;
  if (sep === 0) return { args: [], json: false };
  const command = splitMaybeJson(chars.slice(next).join(''));
  return { args: [chars.slice(0, sep).join(''), ...command.args], json: command.json };
}
