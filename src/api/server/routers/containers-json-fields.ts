/**
 * Reading a JSON object into the shape of a Go struct as encoding/json does: field names match
 * case-insensitively (an exact match first), unknown keys are dropped, a value of the wrong
 * JSON type is a 400 in Go's words (`invalid JSON: json: cannot unmarshal …`), null leaves the
 * field unset. Used for the create and exec bodies so the daemon only ever sees typed values.
 */
import { InvalidArgumentError } from '../../../errors/index.js';
import { jsonTypeName } from './containers-query.js';

export type FieldKind =
  'string' | 'bool' | 'int' | 'strings' | 'strslice' | 'stringMap' | 'object' | 'array' | 'uintPair';

const GO_TYPE: Record<FieldKind, string> = {
  string: 'string',
  bool: 'bool',
  int: 'int64',
  strings: '[]string',
  strslice: 'strslice.StrSlice',
  stringMap: 'map[string]string',
  object: 'struct',
  array: 'slice',
  uintPair: '[2]uint',
};

export function mismatch(
  value: unknown,
  struct: string,
  field: string,
  kind: FieldKind,
): InvalidArgumentError {
  return new InvalidArgumentError(
    `invalid JSON: json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ${struct}.${field} of type ${GO_TYPE[kind]}`,
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one value against its kind; returns the normalised value. */
function decodeField(value: unknown, kind: FieldKind, struct: string, field: string): unknown {
  const fail = (): never => {
    throw mismatch(value, struct, field, kind);
  };
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : fail();
    case 'bool':
      return typeof value === 'boolean' ? value : fail();
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) ? value : fail();
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fail();
    case 'strslice':
      if (typeof value === 'string') return [value];
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fail();
    case 'stringMap':
      return isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string')
        ? value
        : fail();
    case 'object':
      return isPlainObject(value) ? value : fail();
    case 'array':
      return Array.isArray(value) ? value : fail();
    case 'uintPair':
      return Array.isArray(value) &&
        value.length === 2 &&
        value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0)
        ? value
        : fail();
  }
}

/**
 * Copies the known fields of `input` under their canonical names (exact match first, then
 * case-insensitive, later keys winning as in Go), type-checked.
 */
export function decodeStruct(
  input: Record<string, unknown>,
  fields: Record<string, FieldKind>,
  struct: string,
  /** Scalar fields that are pointers in Go, where null stays null ("unset") rather than zero. */
  pointers: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const byLower = new Map(Object.keys(fields).map((name) => [name.toLowerCase(), name]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    // Own keys only: `constructor` or `__proto__` in a body must not find Object's members.
    const name = Object.hasOwn(fields, key) ? key : byLower.get(key.toLowerCase());
    if (name === undefined) continue;
    const kind = fields[name] as FieldKind;
    if (value === null) {
      // Go leaves the zero value; pointers and slices stay nil, which JSON shows as null.
      if (pointers.has(name) || ['strings', 'strslice', 'stringMap', 'object', 'array'].includes(kind)) {
        out[name] = null;
      } else {
        delete out[name];
      }
      continue;
    }
    out[name] = decodeField(value, kind, struct, name);
  }
  return out;
}
