/**
 * Turns zod issues into messages a person can act on: the key (with its index for array
 * items) in quotes, then what is wrong with it. zod's own wording ("Invalid input") never
 * reaches the user.
 */
import type { z } from 'zod';

function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function formatIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? ` in "${keyPath(issue.path)}"` : '';
    return issue.keys.map((k) => `unknown key "${k}"${where}`).join(', ');
  }
  if (issue.path.length === 0) return issue.message;
  return `"${keyPath(issue.path)}": ${issue.message}`;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map(formatIssue).join('; ');
}
