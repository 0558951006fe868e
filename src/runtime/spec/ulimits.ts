/**
 * `--ulimit` as rlimits. Names are those Docker accepts (go-units: "as" is left out there
 * too); -1 means unlimited (RLIM_INFINITY). Nothing is asked for by default: the container
 * inherits the shim's limits, which on this machine keeps RLIMIT_NOFILE within the hard
 * limit of 20000 (asking for more fails with "operation not permitted").
 */
import { InvalidArgumentError } from '../../errors/index.js';
import type { RuntimeRlimit } from '../../oci/index.js';

export const ULIMIT_NAMES: readonly string[] = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
];

export interface UlimitInput {
  name: string;
  soft: number;
  hard: number;
}

/** RLIM_INFINITY as a uint64; runtimeSpecJson() writes it as an exact integer. */
export const RLIM_INFINITY = 18446744073709551615n;

/** The CLI form "name=soft[:hard]", with go-units' wording for mistakes. */
export function parseUlimit(text: string): UlimitInput {
  const at = text.indexOf('=');
  if (at < 0) throw new InvalidArgumentError(`invalid ulimit argument: ${text}`);
  const name = text.slice(0, at);
  if (!ULIMIT_NAMES.includes(name)) throw new InvalidArgumentError(`invalid ulimit type: ${name}`);
  const values = text.slice(at + 1).split(':');
  if (values.length > 2) {
    throw new InvalidArgumentError(
      `too many limit value arguments - ${text.slice(at + 1)}, can only have up to two, \`soft[:hard]\``,
    );
  }
  const soft = parseInteger(values[0] ?? '');
  const hard = values[1] === undefined ? soft : parseInteger(values[1]);
  const ulimit = { name, soft, hard };
  validateUlimit(ulimit);
  return ulimit;
}

function parseInteger(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) {
    throw new InvalidArgumentError(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  }
  return Number(text);
}

/** Checks one ulimit from HostConfig.Ulimits: a known name, soft ≤ hard. */
export function validateUlimit(u: UlimitInput): void {
  if (!ULIMIT_NAMES.includes(u.name)) throw new InvalidArgumentError(`invalid ulimit name ${u.name}`);
  if (u.hard !== -1) {
    if (u.soft === -1) {
      throw new InvalidArgumentError(
        `ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: ${u.hard}`,
      );
    }
    if (u.soft > u.hard) {
      throw new InvalidArgumentError(
        `ulimit soft limit must be less than or equal to hard limit: ${u.soft} > ${u.hard}`,
      );
    }
  }
}

/** The spec's rlimits for a list of ulimits (validated; later entries of one name win). */
export function rlimitsFor(ulimits: readonly UlimitInput[]): RuntimeRlimit[] {
  const byName = new Map<string, RuntimeRlimit>();
  for (const u of ulimits) {
    validateUlimit(u);
    byName.set(u.name, {
      type: `RLIMIT_${u.name.toUpperCase()}`,
      soft: limitValue(u.soft),
      hard: limitValue(u.hard),
    });
  }
  return [...byName.values()];
}

function limitValue(v: number): number | bigint {
  return v === -1 ? RLIM_INFINITY : v;
}
