/**
 * Executes a parsed template against JSON-shaped data with Go's rules: `.` rebinding in range
 * and with, variables scoped to their control structure, `$` as the root, pipelines passing the
 * previous value as the last argument, and errors worded as Go words them.
 *
 * Output goes to a caller-owned array so that, as in Go, whatever was produced before an error
 * is still there (docker prints it before the error).
 */

import type { Arg, Command, ControlNode, Node, Pipeline, Tree } from './ast.js';
import { TemplateExecError } from './errors.js';
import type { FunctionTable } from './functions.js';
import { lineOf } from './lexer.js';
import { goTypeName, isGoMap, isPlainObject, isTrue, printValue } from './values.js';

/**
 * Stands for the row while rendering a table header: every field resolves to its column title.
 */
export class HeaderContext {
  constructor(readonly titleOf: (field: string) => string) {}
}

export interface ExecOptions {
  functions: FunctionTable;
  /** Go type name of the root value, for "can't evaluate field X in type T". */
  rootTypeName?: string;
  /**
   * The data is decoded JSON run with `missingkey=error`, as docker's inspect falls back to:
   * a missing key reads `map has no entry for key "X"`.
   */
  missingKeyError?: boolean;
}

class BreakSignal {}
class ContinueSignal {}

/** Thrown inside evaluation, turned into a TemplateExecError with position by the caller. */
class ExecFailure extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly at: string,
  ) {
    super(message);
  }
}

export class Evaluator {
  private readonly vars: [string, unknown][] = [];

  constructor(
    private readonly tree: Tree,
    private readonly opts: ExecOptions,
    private readonly out: string[],
  ) {}

  run(data: unknown): void {
    this.vars.push(['$', data]);
    try {
      this.walk(this.tree.root, data);
    } catch (err) {
      if (err instanceof ExecFailure) {
        const src = this.tree.source;
        const before = src.slice(0, err.pos);
        const nl = before.lastIndexOf('\n');
        const col = nl === -1 ? err.pos : err.pos - nl - 1;
        const name = this.tree.name;
        throw new TemplateExecError(
          `template: ${name}:${lineOf(src, err.pos)}:${col}: executing "${name}" at <${err.at}>: ${err.message}`,
        );
      }
      throw err;
    }
  }

  private walk(nodes: Node[], dot: unknown): void {
    for (const node of nodes) this.walkNode(node, dot);
  }

  private walkNode(node: Node, dot: unknown): void {
    switch (node.kind) {
      case 'text':
        this.out.push(node.text);
        return;
      case 'action': {
        const v = this.evalPipeline(node.pipe, dot);
        if (node.pipe.vars.length === 0) this.out.push(printValue(v));
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(node.pipe, dot);
        if (isTrue(v)) this.walk(node.list, node.kind === 'with' ? v : dot);
        else if (node.elseList) this.walk(node.elseList, dot);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(node, dot);
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private walkRange(node: ControlNode, dot: unknown): void {
    const mark = this.vars.length;
    const value = this.evalCommands(node.pipe, dot);
    const entries = this.rangeEntries(value, node.pipe);
    for (const [key, elem] of entries) {
      this.vars.length = mark;
      if (node.pipe.vars.length === 1) this.setVar(node.pipe.vars[0] as string, elem, node.pipe.isAssign);
      if (node.pipe.vars.length === 2) {
        this.setVar(node.pipe.vars[0] as string, key, node.pipe.isAssign);
        this.setVar(node.pipe.vars[1] as string, elem, node.pipe.isAssign);
      }
      const inner = this.vars.length;
      try {
        this.walk(node.list, elem);
      } catch (err) {
        if (err instanceof BreakSignal) break;
        if (!(err instanceof ContinueSignal)) throw err;
      } finally {
        this.vars.length = inner;
      }
    }
    this.vars.length = mark;
    if (entries.length === 0 && node.elseList) this.walk(node.elseList, dot);
  }

  private rangeEntries(value: unknown, pipe: Pipeline): [unknown, unknown][] {
    if (value === null || value === undefined) return [];
    if (Array.isArray(value)) return value.map((v, i) => [i, v]);
    if (typeof value === 'number' && Number.isInteger(value)) {
      return Array.from({ length: Math.max(0, value) }, (_, i) => [i, i]);
    }
    // Go ranges over maps in key order. Objects not marked as maps are ranged the same way:
    // friendlier than Go's error, and what a user ranging over Labels means.
    if (isPlainObject(value)) {
      return Object.keys(value)
        .sort()
        .map((k) => [k, value[k]]);
    }
    const at = pipe.cmds[0]?.src ?? '';
    throw new ExecFailure(`range can't iterate over ${printValue(value)}`, pipe.pos, at);
  }

  private setVar(name: string, value: unknown, isAssign: boolean): void {
    if (isAssign) {
      for (let i = this.vars.length - 1; i >= 0; i--) {
        const entry = this.vars[i] as [string, unknown];
        if (entry[0] === name) {
          entry[1] = value;
          return;
        }
      }
    }
    this.vars.push([name, value]);
  }

  private getVar(name: string, pos: number, at: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const entry = this.vars[i] as [string, unknown];
      if (entry[0] === name) return entry[1];
    }
    throw new ExecFailure(`undefined variable: ${name}`, pos, at);
  }

  private evalPipeline(pipe: Pipeline, dot: unknown): unknown {
    const value = this.evalCommands(pipe, dot);
    for (const v of pipe.vars) this.setVar(v, value, pipe.isAssign);
    return value;
  }

  private evalCommands(pipe: Pipeline, dot: unknown): unknown {
    let value: unknown;
    pipe.cmds.forEach((cmd, i) => {
      value = this.evalCommand(cmd, dot, i > 0, value);
    });
    return value;
  }

  private evalCommand(cmd: Command, dot: unknown, hasFinal: boolean, final: unknown): unknown {
    const [first, ...rest] = cmd.args as [Arg, ...Arg[]];
    if (first.kind === 'identifier') {
      const args = rest.map((a) => this.evalArg(a, dot));
      if (hasFinal) args.push(final);
      return this.call(first.name, args, cmd);
    }
    if (rest.length > 0 || hasFinal) {
      if (first.kind === 'field' || first.kind === 'variable') {
        const last =
          first.kind === 'field'
            ? first.names[first.names.length - 1]
            : first.fields[first.fields.length - 1];
        throw new ExecFailure(`${last ?? first.src} is not a method but has arguments`, first.pos, first.src);
      }
      throw new ExecFailure(`can't give argument to non-function ${first.src}`, first.pos, first.src);
    }
    return this.evalArg(first, dot);
  }

  private call(name: string, args: unknown[], cmd: Command): unknown {
    const f = this.opts.functions.get(name);
    if (!f) throw new ExecFailure(`"${name}" is not a defined function`, cmd.pos, cmd.src);
    if (args.length < f.min || (f.max !== undefined && args.length > f.max)) {
      const want =
        f.max === undefined ? `at least ${f.min}` : f.min === f.max ? String(f.min) : `${f.min} to ${f.max}`;
      throw new ExecFailure(
        `wrong number of args for ${name}: want ${want} got ${args.length}`,
        cmd.pos,
        cmd.src,
      );
    }
    try {
      return f.call(...args);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new ExecFailure(`error calling ${name}: ${msg}`, cmd.pos, cmd.src);
    }
  }

  private evalArg(arg: Arg, dot: unknown): unknown {
    switch (arg.kind) {
      case 'dot':
        return dot instanceof HeaderContext ? '' : dot;
      case 'field':
        return this.fieldChain(dot, arg.names, arg, dot === this.vars[0]?.[1]);
      case 'variable': {
        const base = this.getVar(arg.name, arg.pos, arg.src);
        return arg.fields.length === 0 ? base : this.fieldChain(base, arg.fields, arg, arg.name === '$');
      }
      case 'string':
      case 'number':
      case 'bool':
        return arg.value;
      case 'nil':
        return null;
      case 'identifier':
        return this.call(arg.name, [], { args: [arg], pos: arg.pos, src: arg.src });
      case 'pipeline':
        return this.evalCommands(arg.pipe, dot);
    }
  }

  private fieldChain(receiver: unknown, names: string[], arg: Arg, fromRoot: boolean): unknown {
    if (receiver instanceof HeaderContext) return receiver.titleOf(names[names.length - 1] as string);
    let cur = receiver;
    names.forEach((name, i) => {
      cur = this.field(cur, name, arg, fromRoot && i === 0);
    });
    return cur;
  }

  private field(receiver: unknown, name: string, arg: Arg, isRoot: boolean): unknown {
    if (receiver === null || receiver === undefined) {
      throw new ExecFailure(`nil pointer evaluating interface {}.${name}`, arg.pos, arg.src);
    }
    if (isPlainObject(receiver)) {
      if (Object.prototype.hasOwnProperty.call(receiver, name)) return receiver[name];
      // Go yields the invalid value for a missing map key, which prints as <no value>.
      if (isGoMap(receiver)) return undefined;
      // Go field names and JSON keys differ in case (Scope/scope, APIVersion/ApiVersion).
      const lower = name.toLowerCase();
      const key = Object.keys(receiver).find((k) => k.toLowerCase() === lower);
      if (key !== undefined) return receiver[key];
      if (this.opts.missingKeyError) {
        throw new ExecFailure(`map has no entry for key "${name}"`, arg.pos, arg.src);
      }
    }
    const type = isRoot && this.opts.rootTypeName ? this.opts.rootTypeName : goTypeName(receiver);
    throw new ExecFailure(`can't evaluate field ${name} in type ${type}`, arg.pos, arg.src);
  }
}
