/**
 * Go value semantics for JSON-shaped data: truthiness, `fmt.Print` rendering, JSON encoding and
 * type names for error messages.
 *
 * JSON cannot say whether an object was a Go struct or a Go map, and the two behave differently
 * in templates: a missing struct field is an error, a missing map key is the zero value; a
 * struct prints as `{v1 v2}`, a map as `map[k:v]` and JSON-encodes with sorted keys. Objects are
 * treated as structs unless marked with `markAsMap` (callers mark Labels, Attributes, Details…).
 */

const goMaps = new WeakSet<object>();

/** Declares that `obj` was a Go map in the server's model. Returns it for chaining. */
export function markAsMap<T extends object>(obj: T): T {
  goMaps.add(obj);
  return obj;
}

const htmlEscaped = new WeakSet<object>();

/**
 * Declares that `obj` JSON-encodes with Go's HTML escaping (`<` as `\u003c`): docker's list
 * rows marshal themselves with json.Marshal, so `{{json .}}` of a row escapes, while `{{json}}`
 * of plain data does not.
 */
export function markHtmlEscaped<T extends object>(obj: T): T {
  htmlEscaped.add(obj);
  return obj;
}

export function isGoMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && goMaps.has(v);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's truth: false, 0, nil, and empty string/slice/map are false; any struct is true. */
export function isTrue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isGoMap(v)) return Object.keys(v).length > 0;
  return true;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  // Go's %v for float64 uses exponent form from 1e21 on and below 1e-4.
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

/** Renders a value the way Go's fmt.Print (%v) does, which is what `{{.X}}` outputs. */
export function printValue(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(' ')}]`;
  if (typeof v === 'object') {
    if (isGoMap(v)) {
      const keys = Object.keys(v).sort();
      return `map[${keys.map((k) => `${k}:${printValue(v[k])}`).join(' ')}]`;
    }
    return `{${Object.values(v as Record<string, unknown>)
      .map(printValue)
      .join(' ')}}`;
  }
  return String(v);
}

/**
 * Compact JSON as Go's encoder with SetEscapeHTML(false) writes it: map keys sorted, bigints
 * (exact int64 such as timeNano) as plain numbers, U+2028/2029 escaped.
 */
export function toGoJson(v: unknown): string {
  const enc = (x: unknown): string => {
    if (x === undefined || x === null) return 'null';
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'number') return Number.isFinite(x) ? JSON.stringify(x) : 'null';
    if (typeof x === 'string' || typeof x === 'boolean') return JSON.stringify(x);
    if (Array.isArray(x)) return `[${x.map(enc).join(',')}]`;
    if (typeof x === 'object') {
      const obj = x as Record<string, unknown>;
      let keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
      if (isGoMap(obj)) keys = keys.sort();
      const text = `{${keys.map((k) => `${JSON.stringify(k)}:${enc(obj[k])}`).join(',')}}`;
      // Safe on encoded text: JSON's own syntax never uses these characters.
      return htmlEscaped.has(obj)
        ? text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
        : text;
    }
    return 'null';
  };
  return enc(v)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A Go-ish type name for error messages ("can't evaluate field X in type string"). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  if (isGoMap(v)) return 'map[string]interface {}';
  return 'struct';
}

/** Go's `len`: strings (bytes), slices, maps. */
export function goLen(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return Object.keys(v).length;
  if (v === null) return 0;
  throw new Error(`len of type ${goTypeName(v)}`);
}
