/**
 * docker's inspect printer, shared by `inspect` and `image inspect`: the raw JSON the daemon
 * sent, gathered into one array and re-indented with four spaces (or compacted for
 * `--format json`) without being decoded, or a Go template run once per object. Objects that
 * could not be fetched are reported after the output, one error per line, exit 1; a template
 * that does not parse fails first with exit 64.
 */

import { EXIT_BAD_FORMAT, EXIT_FAILURE, StatusError } from './cli-error.js';
import type { Output } from './context.js';
import {
  markAsMap,
  parseTemplate,
  TemplateExecError,
  TemplateSyntaxError,
  type Template,
} from './format/index.js';
import { compactJson, indentJson } from './json-indent.js';

/** Keys whose values are Go maps in the daemon's model (missing keys read as empty). */
const MAP_KEYS = new Set([
  'Labels',
  'Data',
  'ExposedPorts',
  'Volumes',
  'Options',
  'DriverOpts',
  'Ports',
  'Networks',
]);

function markMaps(v: unknown): unknown {
  if (Array.isArray(v)) {
    v.forEach(markMaps);
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (MAP_KEYS.has(k) && typeof child === 'object' && child !== null && !Array.isArray(child))
        markAsMap(child);
      markMaps(child);
    }
  }
  return v;
}

type Printer = { kind: 'indented' } | { kind: 'json' } | { kind: 'template'; template: Template };

export function inspectPrinter(format: string): Printer {
  if (format === '') return { kind: 'indented' };
  if (format === 'json') return { kind: 'json' };
  try {
    return { kind: 'template', template: parseTemplate(format) };
  } catch (err) {
    if (err instanceof TemplateSyntaxError) {
      throw new StatusError(`template parsing error: ${err.message}`, EXIT_BAD_FORMAT);
    }
    throw err;
  }
}

/** Fetches each reference's raw JSON with `getRaw`, prints them, then reports failures. */
export async function inspectAll(
  out: Output,
  refs: readonly string[],
  format: string,
  getRaw: (ref: string) => Promise<string>,
): Promise<void> {
  const printer = inspectPrinter(format);
  const errors: string[] = [];
  const raws: string[] = [];
  let text = '';
  for (const ref of refs) {
    let raw: string;
    try {
      raw = await getRaw(ref);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
      continue;
    }
    if (printer.kind !== 'template') {
      raws.push(raw);
      continue;
    }
    try {
      text += `${printer.template.execute(markMaps(JSON.parse(raw)), { missingKeyError: true })}\n`;
    } catch (err) {
      if (!(err instanceof TemplateExecError)) throw err;
      errors.push(`template parsing error: ${err.message}`);
    }
  }
  if (printer.kind === 'template') {
    out.write(text === '' ? '\n' : text);
  } else if (raws.length === 0) {
    out.write('[]\n');
  } else {
    const all = `[${raws.join(',')}]`;
    out.write(`${printer.kind === 'json' ? compactJson(all) : indentJson(all, '', '    ')}\n`);
  }
  if (errors.length > 0) throw new StatusError(errors.join('\n'), EXIT_FAILURE);
}
