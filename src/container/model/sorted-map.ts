/**
 * Go's encoding/json writes map keys in sorted (byte) order, so every map dockerd prints
 * (Labels, ExposedPorts, Volumes, PortBindings, LogConfig.Config…) comes out sorted. JSON
 * objects here keep insertion order; this puts them in Go's.
 */
export function sortedMap<T>(map: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of Object.keys(map).sort(compareBytes)) sorted[key] = map[key] as T;
  return sorted;
}

/** Byte-wise order of UTF-8 strings (code point order), as Go's sort.Strings. */
export function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}
