/**
 * The filters of `docker images` and `docker image prune`, checked up front so a typo is a
 * 400 rather than an empty list, with Docker's messages.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { parseTimestamp } from '../api/server/query.js';

export const LIST_FILTERS = ['dangling', 'label', 'before', 'since', 'reference', 'until'];
export const PRUNE_FILTERS = ['dangling', 'label', 'label!', 'until'];

export function checkFilterKeys(filters: Map<string, string[]>, allowed: readonly string[]): void {
  for (const key of filters.keys()) {
    if (!allowed.includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
  }
}

/** `dangling=true|1|false|0`; undefined when absent. */
export function danglingFilter(filters: Map<string, string[]>): boolean | undefined {
  const values = filters.get('dangling');
  if (values === undefined || values.length === 0) return undefined;
  let result: boolean | undefined;
  for (const value of values) {
    const v = value.toLowerCase();
    const parsed = v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : undefined;
    if (parsed === undefined) throw new InvalidArgumentError(`Invalid filter 'dangling=${value}'`);
    if (result !== undefined && result !== parsed)
      throw new InvalidArgumentError('Invalid filter: dangling=true and dangling=false');
    result = parsed;
  }
  return result;
}

/** Every `label=key` / `label=key=value` must hold. */
export function matchLabels(
  values: string[] | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (values === undefined) return true;
  return values.every((filter) => {
    const eq = filter.indexOf('=');
    if (eq < 0) return labels !== undefined && filter in labels;
    return labels?.[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}

/** `until=`: images created before this time (unix seconds). */
export function untilSeconds(filters: Map<string, string[]>): number | undefined {
  const values = filters.get('until');
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new InvalidArgumentError('more than one until filter specified');
  return parseTimestamp(values[0] as string) / 1e9;
}
