/**
 * Parsers for run/create flag values with a syntax of their own: sizes (`64m`), ulimits
 * (`nofile=10:20`) and `--mount` CSV, as docker's go-units and opts packages read them.
 */

import type { MountRequest, Ulimit } from '../api/types/containers.js';

/** A flag value its parser rejected; the caller words it as pflag does. */
export class FlagValueError extends Error {}

/** go-units RAMInBytes: `64m` → 67108864 (binary multiples; b, k, m, g, t, p; optional i/b). */
export function ramInBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value);
  if (!m) throw new FlagValueError(`invalid size: '${value}'`);
  const units: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };
  const mult = m[2] ? (units[m[2].toLowerCase()] as number) : 1;
  return Math.trunc(Number.parseFloat(m[1] as string) * mult);
}

/** go-units ParseUlimit: `nofile=10:20` or `nofile=10` (soft = hard). */
export function parseUlimit(value: string): Ulimit {
  const eq = value.indexOf('=');
  if (eq === -1) throw new FlagValueError(`invalid ulimit argument: ${value}`);
  const name = value.slice(0, eq);
  const KNOWN = [
    'as',
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
  if (!KNOWN.includes(name)) throw new FlagValueError(`invalid ulimit type: ${name}`);
  const parts = value.slice(eq + 1).split(':');
  if (parts.length > 2)
    throw new FlagValueError(
      `too many limit value arguments - ${value.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``,
    );
  const num = (s: string): number => {
    if (!/^-?\d+$/.test(s)) throw new FlagValueError(`strconv.ParseInt: parsing "${s}": invalid syntax`);
    return Number(s);
  };
  const soft = num(parts[0] as string);
  const hard = parts.length === 2 ? num(parts[1] as string) : soft;
  if (soft > hard)
    throw new FlagValueError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  // Key order as the CLI marshals units.Ulimit: Name, Hard, Soft.
  return { Name: name, Hard: hard, Soft: soft } as Ulimit;
}

/** `--mount type=bind,source=/x,target=/y,readonly`: docker's CSV mount syntax. */
export function parseMount(value: string): MountRequest {
  const fields = value.split(',').filter((f) => f !== '');
  let type: MountRequest['Type'] = 'volume';
  const m: Partial<MountRequest> & Record<string, unknown> = {};
  const bind: NonNullable<MountRequest['BindOptions']> = {};
  const vol: NonNullable<MountRequest['VolumeOptions']> = {};
  const tmpfs: NonNullable<MountRequest['TmpfsOptions']> = {};
  const truth = (k: string, v: string | undefined): boolean => {
    if (v === undefined) return true;
    if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
    if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
    throw new FlagValueError(`invalid value for ${k}: ${v}`);
  };
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq === -1 ? undefined : field.slice(eq + 1);
    if (val === undefined && !['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive'].includes(key)) {
      throw new FlagValueError(`invalid field '${field}' must be a key=value pair`);
    }
    switch (key) {
      case 'type':
        type = val as MountRequest['Type'];
        break;
      case 'source':
      case 'src':
        m.Source = val as string;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.Target = val as string;
        break;
      case 'readonly':
      case 'ro':
        m.ReadOnly = truth(key, val);
        break;
      case 'consistency':
        m.Consistency = val as string;
        break;
      case 'bind-propagation':
        bind.Propagation = val as string;
        break;
      case 'bind-nonrecursive':
        bind.NonRecursive = truth(key, val);
        break;
      case 'volume-nocopy':
        vol.NoCopy = truth(key, val);
        break;
      case 'volume-subpath':
        vol.Subpath = val as string;
        break;
      case 'tmpfs-size':
        tmpfs.SizeBytes = ramInBytes(val as string);
        break;
      case 'tmpfs-mode':
        tmpfs.Mode = Number.parseInt(val as string, 8);
        break;
      default:
        throw new FlagValueError(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'].includes(type)) {
    throw new FlagValueError(`invalid mount type: ${type}`);
  }
  if (!m.Target) throw new FlagValueError('target is required');
  const out: MountRequest = { Type: type, ...(m.Source ? { Source: m.Source } : {}), Target: m.Target };
  if (m.ReadOnly) out.ReadOnly = true;
  if (m.Consistency) out.Consistency = m.Consistency;
  if (Object.keys(bind).length > 0) out.BindOptions = bind;
  if (Object.keys(vol).length > 0) out.VolumeOptions = vol;
  if (Object.keys(tmpfs).length > 0) out.TmpfsOptions = tmpfs;
  return out;
}

/** `--cpus 1.5` → 1.5e9 NanoCPUs, as the docker CLI's NanoCPUs flag parses it. */
export function nanoCpus(value: string): number {
  const cpus = Number(value);
  if (value.trim() === '' || !Number.isFinite(cpus)) throw new FlagValueError('invalid argument');
  return Math.round(cpus * 1e9);
}

export function integer(value: string): number {
  if (!/^[+-]?\d+$/.test(value.trim())) {
    throw new FlagValueError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  }
  return Number(value);
}
