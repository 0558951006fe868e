/**
 * `docker images --filter reference=PATTERN`: a shell-style glob (Go's path.Match) tried
 * against the familiar reference (`busybox:latest`) and then the familiar name (`busybox`).
 * `*` and `?` never match `/`, so `reference=library/*` does not reach into deeper paths.
 */
import { familiarName, familiarString, type NamedReference } from './reference.js';

function globToRegExp(pattern: string): RegExp | undefined {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) return undefined;
      source += escape(pattern[i] as string);
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return undefined;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^/' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else source += escape(c);
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return undefined;
  }
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** True when the glob matches; a malformed glob matches nothing (as path.Match's error does). */
export function globMatch(pattern: string, value: string): boolean {
  return globToRegExp(pattern)?.test(value) ?? false;
}

export function familiarMatch(pattern: string, ref: NamedReference): boolean {
  return globMatch(pattern, familiarString(ref)) || globMatch(pattern, familiarName(ref));
}
