/**
 * First pass over a Dockerfile (buildkit's parser.Parse): parser directives, comments, blank
 * lines, line continuations with the escape token, here-documents, and each logical line
 * split into keyword, flags and arguments. Keywords are not checked here; unknown ones get
 * no arguments and are refused by the second pass (parse-instruction.ts), as in buildkit.
 */
import {
  splitHealthcheck,
  splitMaybeJson,
  splitMaybeJsonToList,
  splitNameOrNameValue,
  splitNameValue,
  splitString,
  splitWhitespace,
  type SplitArguments,
} from './argument-splitters.js';
import { atLines, DockerfileError } from './errors.js';
import { isGoSpace } from './go-text.js';
import { findHeredocs } from './heredoc.js';
import {
  checkEscapeToken,
  continuationPattern,
  DEFAULT_ESCAPE_TOKEN,
  DirectiveScanner,
  type ParserDirective,
} from './parser-directives.js';
import { splitCommand } from './split-command.js';
import type { SyntaxNode } from './syntax-node.js';

export interface SyntaxTree {
  escapeToken: string;
  directives: ParserDirective[];
  nodes: SyntaxNode[];
  /** buildkit's parser warnings (empty continuation lines). */
  warnings: string[];
}

type ArgumentSplitter = (rest: string, escapeToken: string) => SplitArguments;

const SPLITTERS: Record<string, ArgumentSplitter> = {
  add: splitMaybeJsonToList,
  arg: splitNameOrNameValue,
  cmd: splitMaybeJson,
  copy: splitMaybeJsonToList,
  entrypoint: splitMaybeJson,
  env: (rest, escape) => splitNameValue(rest, 'ENV', escape),
  expose: splitWhitespace,
  from: splitWhitespace,
  healthcheck: splitHealthcheck,
  label: (rest, escape) => splitNameValue(rest, 'LABEL', escape),
  maintainer: splitString,
  run: splitMaybeJson,
  shell: splitMaybeJson,
  stopsignal: splitString,
  user: splitString,
  volume: splitMaybeJsonToList,
  workdir: splitString,
};

const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);

/** One line's node, before line numbers are known. */
function nodeFromLine(line: string, escapeToken: string): SyntaxNode {
  const { keyword, flags, rest } = splitCommand(line, escapeToken);
  const lower = keyword.toLowerCase();
  const base = { keyword, flags, original: line, startLine: 0, endLine: 0, heredocs: [] };
  if (lower === 'onbuild') {
    if (rest === '') return { ...base, args: [], json: false };
    const child = nodeFromLine(rest, escapeToken);
    return { ...base, args: [child.keyword, ...child.args], json: false, child };
  }
  const splitter = SPLITTERS[lower];
  // Unknown keywords keep no arguments; the instruction pass names them.
  const { args, json } = splitter ? splitter(rest, escapeToken) : { args: [], json: false };
  return { ...base, args, json };
}

function canContainHeredoc(node: SyntaxNode): boolean {
  const target = node.keyword.toLowerCase() === 'onbuild' && node.child ? node.child : node;
  return HEREDOC_KEYWORDS.has(target.keyword.toLowerCase()) && !target.json;
}

/** Lines with their endings, as Go's line scanner hands them out. */
function rawLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function trimNewline(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

function trimLeadingSpace(line: string): string {
  const chars = [...line];
  let start = 0;
  while (start < chars.length && isGoSpace(chars[start]!)) start++;
  return chars.slice(start).join('');
}

function isComment(line: string): boolean {
  return trimLeadingSpace(line).startsWith('#');
}

export function parseSyntax(text: string): SyntaxTree {
  const lines = rawLines(text);
  const directives: ParserDirective[] = [];
  const warnings: string[] = [];
  const nodes: SyntaxNode[] = [];
  const scanner = new DirectiveScanner();
  let escapeToken = DEFAULT_ESCAPE_TOKEN;
  let continuation = continuationPattern(escapeToken);
  let currentLine = 0;
  let index = 0;

  /** The line without its ending and comment; notes a directive on the way. */
  const processLine = (raw: string, stripLeft: boolean): string => {
    let token = trimNewline(raw);
    if (stripLeft) token = trimLeadingSpace(token);
    try {
      const directive = scanner.scan(token);
      if (directive) {
        if (directive.name === 'escape') {
          escapeToken = checkEscapeToken(directive.value);
          continuation = continuationPattern(escapeToken);
        }
        directives.push(directive);
      }
    } catch (err) {
      throw atLines(err, currentLine + 1, currentLine + 1);
    }
    return isComment(token) ? '' : token;
  };

  /** Removes a trailing continuation token; false when the logical line goes on. */
  const trimContinuation = (line: string): [string, boolean] => {
    if (continuation.test(line)) return [line.replace(continuation, '$1'), false];
    return [line, true];
  };

  while (index < lines.length) {
    let raw = lines[index++]!;
    if (currentLine === 0) raw = raw.replace(/^\uFEFF/, '');
    let processed = processLine(raw, true);
    currentLine++;
    const startLine = currentLine;
    let endOfLine: boolean;
    [processed, endOfLine] = trimContinuation(processed);
    if (endOfLine && processed.length === 0) continue;

    let line = processed;
    let emptyContinuation = false;
    while (!endOfLine && index < lines.length) {
      const next = lines[index++]!;
      let part = processLine(next, false);
      currentLine++;
      // Comments and blank lines inside a continuation are skipped, as in buildkit.
      if (isComment(next)) continue;
      if (trimLeadingSpace(trimNewline(part)).length === 0) {
        emptyContinuation = true;
        continue;
      }
      [part, endOfLine] = trimContinuation(part);
      line += part;
    }
    if (emptyContinuation) warnings.push(`Empty continuation line found in: ${line}`);

    let node: SyntaxNode;
    try {
      node = nodeFromLine(line, escapeToken);
    } catch (err) {
      throw atLines(err, startLine, currentLine);
    }

    if (canContainHeredoc(node) && line.includes('<<')) {
      let heredocs;
      try {
        heredocs = findHeredocs(line);
      } catch (err) {
        throw atLines(err, startLine, currentLine);
      }
      for (const heredoc of heredocs) {
        let terminated = false;
        let content = heredoc.content;
        while (index < lines.length) {
          const body = lines[index++]!;
          currentLine++;
          let candidate = trimNewline(body);
          if (heredoc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === heredoc.name) {
            terminated = true;
            break;
          }
          content += body;
        }
        if (!terminated) throw new DockerfileError('unterminated heredoc', startLine, currentLine);
        node.heredocs.push({ ...heredoc, content });
      }
    }

    node.startLine = startLine;
    node.endLine = currentLine;
    if (node.child) {
      node.child.startLine = startLine;
      node.child.endLine = currentLine;
    }
    nodes.push(node);
  }

  if (nodes.length === 0) throw new DockerfileError('file with no instructions', Math.max(currentLine, 1));
  return { escapeToken, directives, nodes, warnings };
}
