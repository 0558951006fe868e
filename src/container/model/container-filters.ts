/**
 * `docker ps` selection: GET /containers/json's all, limit and filters, with Docker's rules
 * and messages (moby daemon/list.go, api/types/filters):
 * - containers come newest first; without `all` only running ones, unless a `limit` or a
 *   `status` filter is given (both imply all);
 * - name and id filters narrow the candidates first: id= takes a unique id prefix (an
 *   ambiguous one matches nothing) and name= is an unanchored regular expression tried on
 *   the name with and without its "/";
 * - values of one key are alternatives (any may match), keys all must hold; label= needs
 *   every given key (and value) to be present;
 * - before= and since= take a full id or a name, and skip what is newer than (before) or
 *   older than and including (since) that container;
 * - ancestor= is an image and everything built on it, resolved by the caller.
 * The filters lading cannot hold true or false yet (health: no healthchecks) behave as
 * Docker does for a container without that feature.
 */
import type { ContainerRecord } from './container-record.js';
import { InvalidArgumentError, NotFoundError } from '../../errors/index.js';
import { stateStatus } from './container-state.js';
import { isZeroTime, parseGoTime } from './go-time.js';
import { summaryPorts } from './summarize-container.js';

export const PS_FILTERS = [
  'ancestor',
  'before',
  'exited',
  'id',
  'isolation',
  'label',
  'name',
  'status',
  'health',
  'since',
  'volume',
  'network',
  'is-task',
  'publish',
  'expose',
] as const;

const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const HEALTHS = ['none', 'starting', 'healthy', 'unhealthy'];

export interface ContainerListQuery {
  all?: boolean;
  /** `limit=` (ps -n / -l); 0 or less means none. */
  limit?: number;
  /** Parsed `filters=`: key → values. */
  filters: Map<string, string[]>;
}

export interface ContainerFilterHelpers {
  /**
   * The ids ("sha256:…") of the image `ancestor` names and of every image built on it;
   * empty (or a rejection, logged by the caller) when it names no image.
   */
  imageAndDescendants(ancestor: string): Promise<Iterable<string>> | Iterable<string>;
  /** Every name of a container; default [record.Name]. */
  namesOf?(record: ContainerRecord): string[];
}

/** Go's filters.Match: an exact value, or an unanchored regular expression that matches. */
function matches(values: string[] | undefined, source: string): boolean {
  if (values === undefined || values.length === 0) return true;
  if (values.includes(source)) return true;
  return values.some((pattern) => compiled(pattern)?.test(source) ?? false);
}

const patterns = new Map<string, RegExp | null>();

/** A filter value as a regular expression, compiled once; null when it does not compile (Docker skips it). */
function compiled(pattern: string): RegExp | null {
  let regexp = patterns.get(pattern);
  if (regexp === undefined) {
    try {
      regexp = new RegExp(pattern);
    } catch {
      regexp = null;
    }
    if (patterns.size > 256) patterns.clear();
    patterns.set(pattern, regexp);
  }
  return regexp;
}

function matchLabels(
  values: string[] | undefined,
  labels: Record<string, string> | null | undefined,
): boolean {
  if (values === undefined || values.length === 0) return true;
  if (labels === undefined || labels === null || Object.keys(labels).length === 0) return false;
  return values.every((value) => {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    if (!Object.prototype.hasOwnProperty.call(labels, key)) return false;
    return eq < 0 || labels[key] === value.slice(eq + 1);
  });
}

/** Go's strconv.Atoi, with its error text. */
function atoi(value: string): number {
  if (!/^[+-]?[0-9]+$/.test(value))
    throw new Error(`strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
  const n = Number(value);
  if (!Number.isSafeInteger(n))
    throw new Error(`strconv.Atoi: parsing ${JSON.stringify(value)}: value out of range`);
  return n;
}

/** `80`, `80/udp`, `8000-8080/tcp` → the set of "port/proto" keys. */
function portSet(key: string, values: string[] | undefined): Set<string> {
  const set = new Set<string>();
  for (const value of values ?? []) {
    if (value.includes(':'))
      throw new InvalidArgumentError(`filter for '${key}' should not contain ':': ${value}`);
    const slash = value.indexOf('/');
    const proto = slash < 0 ? 'tcp' : value.slice(slash + 1).toLowerCase();
    const range = slash < 0 ? value : value.slice(0, slash);
    const [startText = '', endText = startText, extra] = range.split('-');
    const parse = (text: string): number => {
      if (!/^[0-9]+$/.test(text) || Number(text) > 65535) {
        throw new InvalidArgumentError(
          `error while looking up for ${key} ${value}: strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`,
        );
      }
      return Number(text);
    };
    if (extra !== undefined) parse('');
    const start = parse(startText);
    const end = parse(endText);
    if (end < start) {
      throw new InvalidArgumentError(
        `error while looking up for ${key} ${value}: invalid range specified for port: ${range}`,
      );
    }
    for (let port = start; port <= end; port++) set.add(`${port}/${proto}`);
  }
  return set;
}

function createdNanos(record: ContainerRecord): bigint {
  return parseGoTime(record.Created) ?? 0n;
}

function newestFirst(a: ContainerRecord, b: ContainerRecord): number {
  const x = createdNanos(a);
  const y = createdNanos(b);
  return x === y ? 0 : x > y ? -1 : 1;
}

/** Checks the filters up front (Docker fails the whole request on a bad one). */
function validate(filters: Map<string, string[]>): void {
  for (const key of filters.keys()) {
    if (!(PS_FILTERS as readonly string[]).includes(key))
      throw new InvalidArgumentError(`invalid filter '${key}'`);
  }
  for (const value of filters.get('exited') ?? []) {
    try {
      atoi(value);
    } catch (err) {
      throw new InvalidArgumentError(`invalid filter 'exited=${value}': ${(err as Error).message}`);
    }
  }
  for (const value of filters.get('status') ?? []) {
    if (!STATES.includes(value)) {
      throw new InvalidArgumentError(
        `invalid filter 'status=${value}': invalid value for state (${value}): must be one of ${STATES.join(', ')}`,
      );
    }
  }
  for (const value of filters.get('health') ?? []) {
    if (!HEALTHS.includes(value)) {
      throw new InvalidArgumentError(
        `invalid filter 'health=${value}': invalid value for health (${value}): must be one of ${HEALTHS.join(', ')}`,
      );
    }
  }
}

/** Go's GetBoolOrDefault for is-task. */
function isTaskFilter(filters: Map<string, string[]>): boolean | undefined {
  const values = filters.get('is-task');
  if (values === undefined) return undefined;
  if (values.length === 0) throw new InvalidArgumentError("invalid filter 'is-task'");
  const isFalse = values.includes('0') || values.includes('false');
  const isTrue = values.includes('1') || values.includes('true');
  if (isFalse === isTrue) throw new InvalidArgumentError(`invalid filter 'is-task=[${values.join(' ')}]'`);
  return isTrue;
}

/** before=/since=: a full id, else a name (with or without "/"). */
function idOrName(
  records: ContainerRecord[],
  value: string,
  namesOf: (r: ContainerRecord) => string[],
): ContainerRecord {
  const byId = records.find((r) => r.ID === value);
  if (byId !== undefined) return byId;
  const wanted = value.startsWith('/') ? value.slice(1) : value;
  const byName = records.find((r) =>
    namesOf(r).some((name) => (name.startsWith('/') ? name.slice(1) : name) === wanted),
  );
  if (byName === undefined) throw new NotFoundError(`No such container: ${value}`);
  return byName;
}

/** The candidates when name= or id= is given (moby filterByNameIDMatches). */
function byNameAndId(
  records: ContainerRecord[],
  filters: Map<string, string[]>,
  namesOf: (r: ContainerRecord) => string[],
): ContainerRecord[] {
  const names = filters.get('name') ?? [];
  const ids = filters.get('id') ?? [];
  if (names.length + ids.length === 0) return [...records];
  const matched = new Set<string>();
  for (const id of ids) {
    const hits = id === '' ? [] : records.filter((r) => r.ID.startsWith(id));
    if (hits.length === 1) matched.add((hits[0] as ContainerRecord).ID);
  }
  if (names.length > 0) {
    for (const record of records) {
      if (ids.length > 0 && !matched.has(record.ID)) continue;
      for (const name of namesOf(record)) {
        if (matches(names, name) || matches(names, name.startsWith('/') ? name.slice(1) : name))
          matched.add(record.ID);
      }
    }
  }
  return records.filter((r) => matched.has(r.ID));
}

/** The containers `ps` lists for this query, in its order (newest first). */
export async function filterContainers(
  records: ContainerRecord[],
  query: ContainerListQuery,
  helpers: ContainerFilterHelpers,
): Promise<ContainerRecord[]> {
  const filters = query.filters;
  validate(filters);
  const namesOf = helpers.namesOf ?? ((r: ContainerRecord) => (r.Name !== '' ? [r.Name] : []));
  const all = (query.all ?? false) || filters.has('status');
  const limit = query.limit ?? 0;
  const exitCodes = (filters.get('exited') ?? []).map(atoi);
  const isTask = isTaskFilter(filters);

  let before: ContainerRecord | undefined;
  for (const value of filters.get('before') ?? []) before = idOrName(records, value, namesOf);
  let since: ContainerRecord | undefined;
  for (const value of filters.get('since') ?? []) since = idOrName(records, value, namesOf);

  let images: Set<string> | undefined;
  if (filters.has('ancestor')) {
    images = new Set();
    for (const ancestor of filters.get('ancestor') ?? []) {
      try {
        for (const id of await helpers.imageAndDescendants(ancestor)) images.add(id);
      } catch {
        // Docker logs "Error while looking up for image" and carries on without it.
      }
    }
  }
  const publish = portSet('publish', filters.get('publish'));
  const expose = portSet('expose', filters.get('expose'));

  const candidates = byNameAndId(records, filters, namesOf).sort(newestFirst);
  const result: ContainerRecord[] = [];
  for (const record of candidates) {
    if (before !== undefined) {
      if (record.ID === before.ID) before = undefined;
      continue;
    }
    if (since !== undefined && record.ID === since.ID) break;
    const running = record.State.Running;
    if (!running && !all && limit <= 0) continue;
    const names = namesOf(record);
    const nameFilter = filters.get('name');
    if (
      nameFilter !== undefined &&
      nameFilter.length > 0 &&
      !names.some((n) => matches(nameFilter, n) || matches(nameFilter, n.startsWith('/') ? n.slice(1) : n))
    ) {
      continue;
    }
    if (!matches(filters.get('id'), record.ID)) continue;
    if (isTask === true) continue; // lading runs no swarm tasks
    if (!matchLabels(filters.get('label'), record.Config.Labels)) continue;
    if (limit > 0 && result.length === limit) break;
    if (exitCodes.length > 0) {
      const exited = !running && !isZeroTime(record.State.StartedAt);
      if (!exited || !exitCodes.includes(record.State.ExitCode)) continue;
    }
    if (!matches(filters.get('status'), stateStatus(record.State))) continue;
    const health = filters.get('health');
    if (health !== undefined && health.length > 0 && !health.includes('none')) continue;
    if (filters.has('volume') && !hasVolume(record, filters.get('volume') ?? [])) continue;
    if (images !== undefined && !images.has(record.Image)) continue;
    if (filters.has('network') && !onNetwork(record, filters.get('network') ?? [])) continue;
    if (publish.size > 0 || expose.size > 0) {
      const ports = summaryPorts(record);
      const hit = ports.some(
        (p) => publish.has(`${p.PublicPort ?? 0}/${p.Type}`) || expose.has(`${p.PrivatePort}/${p.Type}`),
      );
      if (!hit) continue;
    }
    result.push(record);
  }
  return result;
}

function hasVolume(record: ContainerRecord, values: string[]): boolean {
  const mounts = Object.values(record.MountPoints ?? {});
  return values.some((value) =>
    mounts.some((m) => m.Destination === value || (m.Name ? m.Name === value : m.Source === value)),
  );
}

function onNetwork(record: ContainerRecord, values: string[]): boolean {
  const networks = record.NetworkSettings?.Networks ?? {};
  return values.some(
    (value) =>
      Object.prototype.hasOwnProperty.call(networks, value) ||
      Object.values(networks).some((endpoint) => endpoint?.NetworkID?.startsWith(value)),
  );
}
