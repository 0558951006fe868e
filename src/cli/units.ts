/**
 * Human sizes as docker prints them (go-units): `BytesSize` uses binary units with four
 * significant digits (`23.43GiB`, `512MiB`, `1KiB`).
 */

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];
const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Go's "%.4g": four significant digits, no trailing zeros. */
function fourSignificant(n: number): string {
  const s = n.toPrecision(4);
  if (s.includes('e')) return s;
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function custom(size: number, base: number, units: string[]): string {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return `${fourSignificant(size)}${units[i]}`;
}

/** go-units BytesSize: binary prefixes (KiB, MiB…). Used for `Total Memory`. */
export function bytesSize(bytes: number): string {
  return custom(bytes, 1024, BINARY);
}

/** go-units HumanSize: decimal prefixes (kB, MB…). Used for image and container sizes. */
export function humanSize(bytes: number): string {
  return custom(bytes, 1000, DECIMAL);
}
