/**
 * docker's key=value file reader, used by --env-file and --label-file (run, create, exec).
 */

import { readFileSync } from 'node:fs';

/**
 * docker's key=value file reader (--env-file, --label-file): `#` comments and blank lines
 * skipped, leading spaces trimmed; a name without `=` takes its value from the environment
 * (env files; skipped when unset) or stands alone (label files).
 */
export function readKeyValueFile(
  path: string,
  lookup: ((name: string) => string | undefined) | undefined,
): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    );
  }
  const out: string[] = [];
  let lineNo = 0;
  for (let line of text.split('\n')) {
    lineNo++;
    if (lineNo === 1) line = line.replace(/^\uFEFF/, '');
    line = line.replace(/\r$/, '').replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line : line.slice(0, eq);
    if (name === '') throw new Error(`no variable name on line '${line}'`);
    if (/\s/.test(name)) throw new Error(`variable '${name}' contains whitespaces`);
    if (eq !== -1) {
      out.push(line);
      continue;
    }
    if (!lookup) {
      out.push(line);
      continue;
    }
    const value = lookup(name);
    if (value !== undefined) out.push(`${name}=${value}`);
  }
  return out;
}
