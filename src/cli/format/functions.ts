/**
 * The functions a `--format` template can call: Go's builtins (and, or, not, len, index, print,
 * println, printf, eq/ne/lt/le/gt/ge) plus the docker CLI's additions (json, split, join, title,
 * lower, upper, pad, truncate). Each checks its argument count and types the way Go's reflection
 * would, so misuse fails with a message rather than printing garbage.
 */

import { goLen, goTypeName, isPlainObject, isTrue, printValue, toGoJson } from './values.js';

export interface TemplateFunction {
  /** Inclusive bounds on argument count; max undefined = variadic. */
  min: number;
  max?: number;
  call: (...args: unknown[]) => unknown;
}

export type FunctionTable = ReadonlyMap<string, TemplateFunction>;

function wantString(v: unknown): string {
  if (typeof v !== 'string') throw new Error(`wrong type for value; expected string; got ${goTypeName(v)}`);
  return v;
}

function wantInt(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new Error(`wrong type for value; expected int; got ${goTypeName(v)}`);
  }
  return v;
}

/** strings.Title: upper-case the first letter of every word; words break at non-letters/digits. */
function title(s: string): string {
  let prevIsSeparator = true;
  let out = '';
  for (const ch of s) {
    out += prevIsSeparator ? ch.toUpperCase() : ch;
    prevIsSeparator = !/[\p{L}\p{N}_]/u.test(ch);
  }
  return out;
}

/** Go's fmt.Sprint spacing: a space between operands when neither side is a string. */
function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(a);
  });
  return out;
}

/** A small printf: %v %s %d %q %t %x %% with flags -, 0, width and precision. */
export function sprintf(format: string, args: unknown[]): string {
  let argIndex = 0;
  return format.replace(
    /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g,
    (_m, flags: string, width, prec, verb: string) => {
      if (verb === '%') return '%';
      if (argIndex >= args.length) return `%!${verb}(MISSING)`;
      const arg = args[argIndex++];
      let s: string;
      switch (verb) {
        case 'd':
          s =
            typeof arg === 'number' || typeof arg === 'bigint'
              ? printValue(arg)
              : `%!d(${goTypeName(arg)}=${printValue(arg)})`;
          break;
        case 'q':
          s = JSON.stringify(typeof arg === 'string' ? arg : printValue(arg));
          break;
        case 'x':
          s =
            typeof arg === 'number' || typeof arg === 'bigint'
              ? arg.toString(16)
              : Buffer.from(printValue(arg)).toString('hex');
          break;
        case 'f':
          s = typeof arg === 'number' ? arg.toFixed(prec === undefined ? 6 : Number(prec)) : printValue(arg);
          break;
        default:
          s = printValue(arg);
          if (prec !== undefined && (verb === 's' || verb === 'v')) s = s.slice(0, Number(prec));
      }
      const w = width === undefined ? 0 : Number(width);
      if (s.length < w) {
        const pad = (flags.includes('0') && !flags.includes('-') ? '0' : ' ').repeat(w - s.length);
        s = flags.includes('-') ? s + ' '.repeat(w - s.length) : pad + s;
      }
      return s;
    },
  );
}

function join(elems: unknown, sep: unknown): string {
  const separator = wantString(sep);
  if (elems === null || elems === undefined) return '';
  if (Array.isArray(elems)) return elems.map(printValue).join(separator);
  if (isPlainObject(elems)) {
    return Object.values(elems).map(printValue).sort().join(separator);
  }
  throw new Error(`expected slice, got ${goTypeName(elems)}`);
}

function basicKind(v: unknown): 'number' | 'string' | 'bool' | 'nil' | 'other' {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'other';
}

function equal(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'nil' || kb === 'nil') return ka === kb;
  if (ka === 'other' || kb === 'other') throw new Error('non-comparable types');
  if (ka !== kb) throw new Error('incompatible types for comparison');

  return a == b;
}

function compare(a: unknown, b: unknown): number {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka !== kb || (ka !== 'number' && ka !== 'string')) {
    throw new Error(ka === kb ? 'invalid type for comparison' : 'incompatible types for comparison');
  }
  const x = a as number | string;
  const y = b as number | string;
  return x < y ? -1 : x > y ? 1 : 0;
}

function index(v: unknown, ...keys: unknown[]): unknown {
  let cur = v;
  for (const key of keys) {
    if (Array.isArray(cur) || typeof cur === 'string') {
      const i = wantInt(key);
      if (i < 0 || i >= cur.length) throw new Error(`index out of range: ${i}`);
      cur = typeof cur === 'string' ? Buffer.from(cur)[i] : cur[i];
    } else if (isPlainObject(cur)) {
      const k = wantString(key);
      // A missing key yields the zero value; docker's maps are map[string]string, so "".
      cur = Object.prototype.hasOwnProperty.call(cur, k) ? cur[k] : '';
    } else if (cur === null || cur === undefined) {
      throw new Error('index of untyped nil');
    } else {
      throw new Error(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

const fn = (min: number, max: number | undefined, call: (...args: unknown[]) => unknown): TemplateFunction =>
  max === undefined ? { min, call } : { min, max, call };

const BASE: [string, TemplateFunction][] = [
  // Go builtins
  ['and', fn(1, undefined, (...a) => a.find((x) => !isTrue(x)) ?? a[a.length - 1])],
  ['or', fn(1, undefined, (...a) => a.find((x) => isTrue(x)) ?? a[a.length - 1])],
  ['not', fn(1, 1, (a) => !isTrue(a))],
  ['len', fn(1, 1, (a) => goLen(a))],
  ['index', fn(1, undefined, (v, ...k) => index(v, ...k))],
  ['print', fn(0, undefined, (...a) => sprint(a))],
  ['println', fn(0, undefined, (...a) => `${a.map(printValue).join(' ')}\n`)],
  ['printf', fn(1, undefined, (f, ...a) => sprintf(wantString(f), a))],
  ['eq', fn(2, undefined, (a, ...b) => b.some((x) => equal(a, x)))],
  ['ne', fn(2, 2, (a, b) => !equal(a, b))],
  ['lt', fn(2, 2, (a, b) => compare(a, b) < 0)],
  ['le', fn(2, 2, (a, b) => compare(a, b) <= 0)],
  ['gt', fn(2, 2, (a, b) => compare(a, b) > 0)],
  ['ge', fn(2, 2, (a, b) => compare(a, b) >= 0)],
  // docker CLI additions
  ['json', fn(1, 1, (v) => toGoJson(v))],
  [
    'split',
    fn(2, 2, (s, sep) =>
      wantString(sep) === '' ? Array.from(wantString(s)) : wantString(s).split(sep as string),
    ),
  ],
  ['join', fn(2, 2, (e, sep) => join(e, sep))],
  ['title', fn(1, 1, (s) => title(wantString(s)))],
  ['lower', fn(1, 1, (s) => wantString(s).toLowerCase())],
  ['upper', fn(1, 1, (s) => wantString(s).toUpperCase())],
  [
    'pad',
    fn(3, 3, (s, p, q) =>
      wantString(s) === '' ? '' : ' '.repeat(wantInt(p)) + (s as string) + ' '.repeat(wantInt(q)),
    ),
  ],
  ['truncate', fn(2, 2, (s, n) => wantString(s).slice(0, Math.max(0, wantInt(n))))],
];

export const BASIC_FUNCTIONS: FunctionTable = new Map(BASE);

/**
 * For a table header the same template runs against column names, so functions that would
 * transform a value must leave the name alone (docker does the same with its header funcs).
 */
export const HEADER_FUNCTIONS: FunctionTable = new Map([
  ...BASE,
  ...(['json', 'title', 'lower', 'upper'] as const).map((n): [string, TemplateFunction] => [
    n,
    fn(1, 1, (v) => v),
  ]),
  ...(['split', 'join', 'truncate'] as const).map((n): [string, TemplateFunction] => [n, fn(2, 2, (v) => v)]),
]);
