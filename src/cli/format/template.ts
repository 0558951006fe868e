/**
 * Public face of the template engine: parse once, execute against data.
 *
 * `parseTemplate` throws TemplateSyntaxError; `execute` throws TemplateExecError carrying the
 * output produced before the failure (`partial`), which callers print as docker does.
 */

import type { Tree } from './ast.js';
import { TemplateExecError } from './errors.js';
import { Evaluator, HeaderContext } from './evaluator.js';
import { BASIC_FUNCTIONS, HEADER_FUNCTIONS, type FunctionTable } from './functions.js';
import { parse } from './parser.js';

export interface ParseOptions {
  /** Template name used in messages: docker uses "" for --format and "version" for version. */
  name?: string;
  functions?: FunctionTable;
}

export class Template {
  constructor(
    readonly tree: Tree,
    private readonly functions: FunctionTable,
  ) {}

  /** Renders `data`; on failure the error's `partial` holds what was rendered before it. */
  execute(data: unknown, opts: { rootTypeName?: string; missingKeyError?: boolean } = {}): string {
    const out: string[] = [];
    try {
      new Evaluator(this.tree, { functions: this.functions, ...opts }, out).run(data);
    } catch (err) {
      if (err instanceof TemplateExecError) err.partial = out.join('');
      throw err;
    }
    return out.join('');
  }

  /** Renders the template as a table header: each field becomes its column title. */
  executeHeader(titleOf: (field: string) => string): string {
    const out: string[] = [];
    new Evaluator(this.tree, { functions: HEADER_FUNCTIONS }, out).run(new HeaderContext(titleOf));
    return out.join('');
  }
}

export function parseTemplate(src: string, opts: ParseOptions = {}): Template {
  const functions = opts.functions ?? BASIC_FUNCTIONS;
  const tree = parse(src, opts.name ?? '', new Set(functions.keys()));
  return new Template(tree, functions);
}
