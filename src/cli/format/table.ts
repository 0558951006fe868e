/**
 * `--format` handling for list output, as the docker CLI's formatter does it: `table` prefixes
 * a header row and aligns columns; `json` means `{{json .}}`; literal `\t` and `\n` in the
 * format are turned into real tabs and newlines (users cannot easily type a tab in a shell).
 */

import { TabWriter } from './tabwriter.js';
import { parseTemplate, type Template } from './template.js';

export const TABLE_PREFIX = 'table';
export const JSON_FORMAT = '{{json .}}';

/** docker's table writer settings: minwidth 10, tabwidth 1, padding 3, spaces. */
export const TABLE_WRITER = { minWidth: 10, tabWidth: 1, padding: 3, padChar: ' ', flags: 0 } as const;

export function isTableFormat(format: string): boolean {
  return format.startsWith(TABLE_PREFIX);
}

/** The template text to execute for a `--format` value. */
export function templateText(format: string): string {
  if (format === 'json') return JSON_FORMAT;
  let out = isTableFormat(format) ? format.slice(TABLE_PREFIX.length) : format;
  out = out.replace(/^ +| +$/g, '');
  return out.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}

/**
 * Column title for a field when the command has none of its own: words of the Go field name,
 * upper-cased (`ID` → `ID`, `CreatedAt` → `CREATED AT`, `ImageID` → `IMAGE ID`).
 */
export function defaultHeaderTitle(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toUpperCase();
}

export interface ListFormatOptions {
  /** Used for "", "table" and when the user gave no format. */
  defaultFormat: string;
  /** Column titles for fields whose docker header differs from the default naming. */
  headers?: Record<string, string>;
  rootTypeName?: string;
}

/** Parses a list `--format` once; throws TemplateSyntaxError for a bad one. */
export function compileListFormat(
  format: string,
  opts: ListFormatOptions,
): { template: Template; table: boolean } {
  const chosen = format === '' || format === TABLE_PREFIX ? opts.defaultFormat : format;
  return { template: parseTemplate(templateText(chosen)), table: isTableFormat(chosen) };
}

/** Renders rows: one template execution per row, a header and alignment for tables. */
export function renderList(format: string, rows: unknown[], opts: ListFormatOptions): string {
  const { template, table } = compileListFormat(format, opts);
  const body = rows.map(
    (row) => `${template.execute(row, opts.rootTypeName ? { rootTypeName: opts.rootTypeName } : {})}\n`,
  );
  if (!table) return body.join('');
  let out = '';
  const tw = new TabWriter((s) => (out += s), TABLE_WRITER);
  const titleOf = (field: string): string => opts.headers?.[field] ?? defaultHeaderTitle(field);
  tw.write(`${template.executeHeader(titleOf)}\n`);
  for (const line of body) tw.write(line);
  tw.flush();
  return out;
}
