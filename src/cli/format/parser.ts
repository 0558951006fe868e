/**
 * Parser: tokens → tree, with Go's parse-time checks (unknown functions, undefined variables,
 * unbalanced {{end}}) so a bad `--format` fails before any request is made, as in docker.
 *
 * Not supported (said plainly if used): define, template, block, and field access on a
 * parenthesised expression `(…).Field`.
 */

import type { Arg, Command, Node, Pipeline, Tree } from './ast.js';
import { TemplateSyntaxError } from './errors.js';
import { lineOf, tokenize, type Token } from './lexer.js';

type Terminator =
  { kind: 'end' } | { kind: 'else' } | { kind: 'elseChain'; keyword: 'if' | 'with' } | { kind: 'eof' };

const UNSUPPORTED = new Set(['define', 'template', 'block']);

class Parser {
  private i = 0;
  private readonly scopes: string[][] = [['$']];
  private rangeDepth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly name: string,
    private readonly src: string,
    private readonly functions: ReadonlySet<string>,
  ) {}

  fail(pos: number, msg: string): never {
    throw new TemplateSyntaxError(`template: ${this.name}:${lineOf(this.src, pos)}: ${msg}`);
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) this.fail(this.src.length, 'unexpected EOF');
    return t;
  }

  expectRight(context: string): void {
    const t = this.next();
    if (t.kind !== 'rightDelim') this.fail(t.pos, `unexpected "${t.value}" in ${context}`);
  }

  parseTemplate(): Node[] {
    const { nodes, term, pos } = this.parseList();
    if (term.kind === 'end') this.fail(pos, 'unexpected {{end}}');
    if (term.kind !== 'eof') this.fail(pos, 'unexpected {{else}}');
    return nodes;
  }

  /** Parses nodes until {{end}}, {{else…}} or the end of input. */
  parseList(): { nodes: Node[]; term: Terminator; pos: number } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) return { nodes, term: { kind: 'eof' }, pos: this.src.length };
      if (t.kind === 'text') {
        this.i++;
        nodes.push({ kind: 'text', text: t.value, pos: t.pos });
        continue;
      }
      // leftDelim
      this.i++;
      const head = this.peek();
      if (head?.kind === 'identifier') {
        switch (head.value) {
          case 'end':
            this.i++;
            this.expectRight('end');
            return { nodes, term: { kind: 'end' }, pos: head.pos };
          case 'else': {
            this.i++;
            const after = this.peek();
            if (after?.kind === 'identifier' && (after.value === 'if' || after.value === 'with')) {
              this.i++;
              return { nodes, term: { kind: 'elseChain', keyword: after.value }, pos: head.pos };
            }
            this.expectRight('else');
            return { nodes, term: { kind: 'else' }, pos: head.pos };
          }
          case 'if':
          case 'with':
          case 'range':
            this.i++;
            nodes.push(this.parseControl(head.value, head.pos));
            continue;
          case 'break':
          case 'continue':
            this.i++;
            if (this.rangeDepth === 0) this.fail(head.pos, `{{${head.value}}} outside {{range}}`);
            this.expectRight(head.value);
            nodes.push({ kind: head.value, pos: head.pos });
            continue;
          default:
            if (UNSUPPORTED.has(head.value))
              this.fail(head.pos, `{{${head.value}}} is not supported by lading`);
        }
      }
      const pipe = this.parsePipeline('command', false);
      nodes.push({ kind: 'action', pipe, pos: pipe.pos });
    }
  }

  parseControl(keyword: 'if' | 'with' | 'range', pos: number): Node {
    this.scopes.push([]);
    const pipe = this.parsePipeline(keyword, keyword === 'range');
    if (keyword === 'range') this.rangeDepth++;
    const body = this.parseList();
    if (keyword === 'range') this.rangeDepth--;
    let elseList: Node[] | null = null;
    if (body.term.kind === 'eof') this.fail(this.src.length, 'unexpected EOF');
    if (body.term.kind === 'else') {
      const rest = this.parseList();
      if (rest.term.kind !== 'end')
        this.fail(rest.pos, rest.term.kind === 'eof' ? 'unexpected EOF' : 'expected end; found {{else}}');
      elseList = rest.nodes;
    } else if (body.term.kind === 'elseChain') {
      // {{else if x}} is sugar for {{else}}{{if x}}…{{end}}{{end}} sharing the final {{end}}.
      elseList = [this.parseControl(body.term.keyword, body.pos)];
    }
    this.scopes.pop();
    return { kind: keyword, pipe, list: body.nodes, elseList, pos };
  }

  parsePipeline(
    context: string,
    allowTwoVars: boolean,
    closer: 'rightDelim' | 'rightParen' = 'rightDelim',
  ): Pipeline {
    const start = this.peek();
    const pipe: Pipeline = { vars: [], isAssign: false, cmds: [], pos: start?.pos ?? this.src.length };
    // Declarations: $x := …, $x = …, and in range $i, $e := …
    const t0 = this.peek();
    if (t0?.kind === 'variable' && !t0.value.includes('.')) {
      const t1 = this.peek(1);
      if (t1?.kind === 'declare' || t1?.kind === 'assign') {
        this.i += 2;
        pipe.vars.push(t0.value);
        pipe.isAssign = t1.kind === 'assign';
      } else if (t1?.kind === 'comma' && allowTwoVars) {
        const t2 = this.peek(2);
        const t3 = this.peek(3);
        if (t2?.kind === 'variable' && (t3?.kind === 'declare' || t3?.kind === 'assign')) {
          this.i += 4;
          pipe.vars.push(t0.value, t2.value);
          pipe.isAssign = t3.kind === 'assign';
        }
      }
    }
    for (const v of pipe.vars) {
      if (pipe.isAssign) this.checkVariable(v, pipe.pos);
    }
    for (;;) {
      const t = this.peek();
      if (!t) this.fail(this.src.length, closer === 'rightParen' ? 'unclosed left paren' : 'unclosed action');
      if (t.kind === closer) {
        this.i++;
        break;
      }
      if (t.kind === 'rightDelim' || t.kind === 'rightParen')
        this.fail(t.pos, `unexpected "${t.value}" in ${context}`);
      pipe.cmds.push(this.parseCommand(context, closer));
      const after = this.peek();
      if (after?.kind === 'pipe') {
        this.i++;
        const following = this.peek();
        if (!following || following.kind === closer) this.fail(after.pos, 'missing command after pipe');
      }
    }
    if (!pipe.isAssign) this.declare(pipe.vars);
    if (pipe.cmds.length === 0) this.fail(pipe.pos, `missing value for ${context}`);
    for (let k = 1; k < pipe.cmds.length; k++) {
      const first = pipe.cmds[k]?.args[0];
      if (first && first.kind !== 'identifier' && first.kind !== 'field' && first.kind !== 'variable') {
        this.fail(first.pos, `non executable command in pipeline stage ${k + 1}`);
      }
    }
    return pipe;
  }

  parseCommand(context: string, closer: 'rightDelim' | 'rightParen'): Command {
    const args: Arg[] = [];
    const startPos = this.peek()?.pos ?? this.src.length;
    for (;;) {
      const t = this.peek();
      if (!t || t.kind === closer || t.kind === 'pipe' || t.kind === 'rightDelim' || t.kind === 'rightParen')
        break;
      args.push(this.parseOperand(context));
    }
    if (args.length === 0) this.fail(startPos, 'missing value for command');
    const first = args[0] as Arg;
    if (
      args.length > 1 &&
      first.kind !== 'identifier' &&
      first.kind !== 'field' &&
      first.kind !== 'variable'
    ) {
      this.fail(first.pos, `can't give argument to non-function ${first.src}`);
    }
    const last = args[args.length - 1] as Arg;
    const src = this.src.slice(first.pos, last.pos + last.src.length);
    return { args, pos: first.pos, src };
  }

  parseOperand(context: string): Arg {
    const t = this.next();
    const base = { pos: t.pos, src: t.value };
    switch (t.kind) {
      case 'field':
        return { kind: 'field', names: t.value.slice(1).split('.'), ...base };
      case 'dot':
        return { kind: 'dot', ...base };
      case 'variable': {
        const [name, ...fields] = t.value.split('.');
        this.checkVariable(name as string, t.pos);
        return { kind: 'variable', name: name as string, fields, ...base };
      }
      case 'identifier':
        if (!this.functions.has(t.value)) this.fail(t.pos, `function "${t.value}" not defined`);
        return { kind: 'identifier', name: t.value, ...base };
      case 'string':
        return { kind: 'string', value: t.value, pos: t.pos, src: JSON.stringify(t.value) };
      case 'number': {
        const n = Number(t.value.replace(/_/g, ''));
        if (t.value === '' || Number.isNaN(n)) this.fail(t.pos, `bad number syntax: "${t.value}"`);
        return { kind: 'number', value: n, ...base };
      }
      case 'bool':
        return { kind: 'bool', value: t.value === 'true', ...base };
      case 'nil':
        return { kind: 'nil', ...base };
      case 'leftParen': {
        const pipe = this.parsePipeline('parenthesized pipeline', false, 'rightParen');
        const end = this.tokens[this.i - 1] as Token;
        const src = this.src.slice(t.pos, end.pos + 1);
        return { kind: 'pipeline', pipe, pos: t.pos, src };
      }
      default:
        return this.fail(t.pos, `unexpected "${t.value}" in ${context}`);
    }
  }

  declare(names: string[]): void {
    this.scopes[this.scopes.length - 1]?.push(...names);
  }

  checkVariable(name: string, pos: number): void {
    if (!this.scopes.some((s) => s.includes(name))) this.fail(pos, `undefined variable "${name}"`);
  }
}

/** Parses `src`; `functions` are the names callable in it (checked at parse time, as Go does). */
export function parse(src: string, name: string, functions: ReadonlySet<string>): Tree {
  const parser = new Parser(tokenize(src, name), name, src, functions);
  return { name, source: src, root: parser.parseTemplate() };
}
