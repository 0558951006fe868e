/**
 * `-f/--filter key=value` flags, collected into the JSON the Engine API takes:
 * `{"key":{"value":true}}`. Keys are lower-cased and both sides trimmed, as docker does.
 */

export class FilterFormatError extends Error {
  override readonly name = 'FilterFormatError';
  constructor() {
    super('bad format of filter (expected name=value)');
  }
}

export type Filters = Map<string, Set<string>>;

/** Parses one flag value; throws FilterFormatError without an "=". */
export function parseFilter(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq === -1) throw new FilterFormatError();
  return [arg.slice(0, eq).trim().toLowerCase(), arg.slice(eq + 1).trim()];
}

export function addFilter(filters: Filters, arg: string): Filters {
  const [key, value] = parseFilter(arg);
  const values = filters.get(key) ?? new Set<string>();
  values.add(value);
  filters.set(key, values);
  return filters;
}

/** The `filters=` query value; undefined when there are none (docker then omits the param). */
export function filtersToJson(filters: Filters): string | undefined {
  if (filters.size === 0) return undefined;
  const obj: Record<string, Record<string, boolean>> = {};
  for (const key of [...filters.keys()].sort()) {
    const inner: Record<string, boolean> = {};
    for (const v of [...(filters.get(key) ?? [])].sort()) inner[v] = true;
    obj[key] = inner;
  }
  return JSON.stringify(obj);
}
