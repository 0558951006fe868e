/**
 * config.json text for a spec (or an exec `process`). JSON.stringify cannot write integers
 * beyond 2^53 exactly, and RLIM_INFINITY is 2^64-1, which runc decodes into a uint64: a
 * rounded value would not parse. Bigints are written as exact integers here.
 */
const MARK = '\u0000bigint:';

export function runtimeSpecJson(value: object, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v}` : v),
    indent,
  );
  return text.replace(/"\\u0000bigint:(\d+)"/g, '$1');
}
