/**
 * A deliberately tiny router: a method, a path pattern and a handler. Patterns use the
 * `{name}` / `{name:regex}` syntax of dockerd's route table, because the docker CLI does not
 * escape path parameters (`/images/localhost:5000/a/b:tag/json`), so some parameters must be
 * greedy (`/images/{name:.*}/json`) and the route table reads like the API docs.
 *
 * Matching is on the path with the version prefix already stripped (see
 * version-negotiation.ts), so one registration serves `/v1.47/x` and `/x`.
 */
import type { RouteDefinition } from './handler-context.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

interface CompiledRoute {
  definition: RouteDefinition;
  regex: RegExp;
  names: string[];
}

export type RouteMatch =
  | { kind: 'found'; route: RouteDefinition; params: Record<string, string> }
  /** No route for this method and path; dockerd answers 404 for both, not 405. */
  | { kind: 'not-found' };

const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]+))?\}/g;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Turns `/images/{name:.*}/json` into an anchored RegExp and the list of parameter names. */
export function compilePattern(pattern: string): { regex: RegExp; names: string[] } {
  if (!pattern.startsWith('/')) throw new Error(`route pattern must start with '/': ${pattern}`);
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const match of pattern.matchAll(PARAM)) {
    source += escapeRegex(pattern.slice(last, match.index));
    names.push(match[1] as string);
    // A custom regex must not introduce capture groups of its own; wrap it non-capturing.
    source += match[2] === undefined ? '([^/]+)' : `((?:${match[2]}))`;
    last = (match.index ?? 0) + match[0].length;
  }
  source += escapeRegex(pattern.slice(last));
  return { regex: new RegExp(`^${source}$`), names };
}

/** Percent-decodes a parameter; clients other than the CLI (dockerode, docker-py) do escape. */
function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(definition: RouteDefinition): this {
    const { regex, names } = compilePattern(definition.path);
    this.routes.push({ definition, regex, names });
    return this;
  }

  addAll(definitions: Iterable<RouteDefinition>): this {
    for (const definition of definitions) this.add(definition);
    return this;
  }

  /** The first route registered for `method` whose pattern matches the whole `path`. */
  match(method: string, path: string): RouteMatch {
    for (const route of this.routes) {
      if (route.definition.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeParam(found[i + 1] ?? '');
      });
      return { kind: 'found', route: route.definition, params };
    }
    return { kind: 'not-found' };
  }
}
