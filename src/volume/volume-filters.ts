/**
 * The filters of GET /volumes and POST /volumes/prune, with dockerd's accepted keys, value
 * rules and messages. A bad filter is an InvalidArgumentError before anything is listed or
 * removed.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { ANONYMOUS_LABEL } from './volume-names.js';

export type VolumeFilters = Map<string, string[]>;

/** What a filter looks at. */
export interface FilterSubject {
  name: string;
  driver: string;
  labels: Record<string, string> | null;
  referenced: boolean;
}

export type VolumePredicate = (subject: FilterSubject) => boolean;

const LIST_KEYS = new Set(['dangling', 'name', 'driver', 'label']);
const PRUNE_KEYS = new Set(['label', 'label!', 'all']);

/** Go's `%s` of a []string: `[a b]`. */
function goList(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}

function checkKeys(filters: VolumeFilters, accepted: Set<string>): void {
  for (const key of filters.keys()) {
    if (!accepted.has(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
  }
}

/** filters.Args.MatchKVList: every `k` / `k=v` of the filter holds; no filter values: true. */
export function matchKeyValues(
  values: readonly string[] | undefined,
  labels: Record<string, string> | null,
): boolean {
  if (values === undefined || values.length === 0) return true;
  if (labels === null || Object.keys(labels).length === 0) return false;
  return values.every((value) => {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    if (!Object.hasOwn(labels, key)) return false;
    return eq < 0 || labels[key] === value.slice(eq + 1);
  });
}

/** filters.Args.Match: an exact value, or one that matches as a regular expression. */
function matchName(values: readonly string[], name: string): boolean {
  if (values.length === 0 || values.includes(name)) return true;
  return values.some((pattern) => {
    try {
      return new RegExp(pattern).test(name);
    } catch {
      return false; // Go skips a pattern that does not compile
    }
  });
}

/** filters.Args.GetBoolOrDefault: exactly `true`/`1` or `false`/`0`, not both. */
function booleanFilter(filters: VolumeFilters, key: string): boolean | undefined {
  const values = filters.get(key);
  if (values === undefined) return undefined;
  if (values.length === 0) throw new InvalidArgumentError(`invalid filter '${key}'`);
  const isTrue = values.includes('true') || values.includes('1');
  const isFalse = values.includes('false') || values.includes('0');
  if (isTrue === isFalse)
    throw new InvalidArgumentError(`invalid filter '${key}=${goList([...values].sort())}'`);
  return isTrue;
}

function labelPredicate(filters: VolumeFilters): VolumePredicate {
  const include = filters.get('label');
  const exclude = filters.get('label!');
  return ({ labels }) => {
    if (!matchKeyValues(include, labels)) return false;
    if (exclude !== undefined && exclude.length > 0 && matchKeyValues(exclude, labels)) return false;
    return true;
  };
}

function combine(predicates: VolumePredicate[]): VolumePredicate {
  return (subject) => predicates.every((p) => p(subject));
}

/** GET /volumes: `dangling`, `name`, `driver`, `label`. */
export function listPredicate(filters: VolumeFilters): VolumePredicate {
  checkKeys(filters, LIST_KEYS);
  const predicates: VolumePredicate[] = [];
  const drivers = filters.get('driver');
  if (drivers !== undefined && drivers.length > 0) predicates.push(({ driver }) => drivers.includes(driver));
  const names = filters.get('name');
  if (names !== undefined) predicates.push(({ name }) => matchName(names, name));
  predicates.push(labelPredicate(filters));
  const dangling = booleanFilter(filters, 'dangling');
  if (dangling !== undefined) predicates.push(({ referenced }) => referenced !== dangling);
  return combine(predicates);
}

/**
 * POST /volumes/prune: unreferenced volumes only, and (API ≥ 1.42, unless `all=true`) only
 * anonymous ones; `label` / `label!` narrow it further. Volumes with mount options are never
 * pruned (the caller checks that: it is not a filter).
 */
export function prunePredicate(filters: VolumeFilters): VolumePredicate {
  const effective: VolumeFilters = new Map([...filters].map(([k, v]) => [k, [...v]]));
  const all = effective.get('all') ?? [];
  let everything = false;
  if (all.length > 1) {
    throw new InvalidArgumentError(`invalid filter 'all=${goList(all)}': only one value is expected`);
  }
  if (all.length === 1) {
    const parsed = parseGoBool(all[0] as string);
    if (parsed === undefined) {
      throw new InvalidArgumentError(
        `invalid filter 'all': strconv.ParseBool: parsing ${JSON.stringify(all[0])}: invalid syntax`,
      );
    }
    everything = parsed;
  }
  if (!everything) effective.set('label', [...(effective.get('label') ?? []), ANONYMOUS_LABEL]);
  checkKeys(effective, PRUNE_KEYS);
  const labels = labelPredicate(effective);
  return (subject) => subject.driver === 'local' && !subject.referenced && labels(subject);
}

/** Go's strconv.ParseBool. */
function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}
