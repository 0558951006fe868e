/**
 * Writes rows through a list `--format` as docker's formatter.Context does: everything is
 * rendered before anything is printed, so a template that fails on some row prints nothing,
 * and both parse and execution failures read `template parsing error: …` (exit 1).
 * Rows are objects whose keys are in sorted order, as docker's `{{json .}}` of a row (a map
 * of the formatter's methods) prints them.
 */

import { EXIT_FAILURE, StatusError } from './cli-error.js';
import type { Output } from './context.js';
import {
  markHtmlEscaped,
  renderList,
  TemplateExecError,
  TemplateSyntaxError,
  type ListFormatOptions,
} from './format/index.js';

export const FORMAT_HELP =
  "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template";

export const INSPECT_FORMAT_HELP =
  "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template";

export function templateError(err: unknown): unknown {
  if (err instanceof TemplateSyntaxError || err instanceof TemplateExecError) {
    return new StatusError(`template parsing error: ${err.message}`, EXIT_FAILURE);
  }
  return err;
}

export function writeList(out: Output, format: string, rows: unknown[], opts: ListFormatOptions): void {
  let text: string;
  try {
    // docker's rows marshal themselves (json.Marshal), so `{{json .}}` escapes <, > and &.
    for (const row of rows) if (typeof row === 'object' && row !== null) markHtmlEscaped(row);
    text = renderList(format, rows, opts);
  } catch (err) {
    throw templateError(err);
  }
  out.write(text);
}
