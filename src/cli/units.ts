/**
 * Human sizes and durations as docker prints them (go-units):
 * - `BytesSize`: binary units, four significant digits (`23.43GiB`, `512MiB`, `1KiB`);
 * - `HumanSize`: decimal units, four significant digits (`7.8MB`, `1kB`);
 * - `HumanSizeWithPrecision(n, 3)`: what `images` and `history` show (`4.26MB`);
 * - `HumanDuration`: `Less than a second`, `About a minute`, `2 weeks`…
 *
 * Numbers go through Go's `%.<p>g`, which differs from JavaScript's toPrecision in two ways that
 * show up in real output: ties round to even (1125 B is `1.12kB`), and the exponent form is
 * `1e+03`, not `1.00e+3`.
 */

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];
const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Go's fmt `%.<precision>g` for a finite float64. */
export function formatGoG(n: number, precision: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const p = Math.max(1, precision);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  // The exact decimal expansion of the double, so ties can be rounded to even as Go does.
  const exact = abs < 1e21 ? abs.toFixed(100) : BigInt(Math.round(abs)).toString();
  const [intPart = '', fracPart = ''] = exact.split('.');
  const all = intPart + fracPart;
  const first = all.search(/[1-9]/);
  let exp = intPart.length - 1 - first; // decimal exponent of the first significant digit
  const kept = all
    .slice(first, first + p)
    .padEnd(p, '0')
    .split('')
    .map(Number);
  const rest = all.slice(first + p);
  const next = Number(rest[0] ?? '0');
  const beyond = /[1-9]/.test(rest.slice(1));
  const roundUp = next > 5 || (next === 5 && (beyond || (kept[p - 1] as number) % 2 === 1));
  if (roundUp) {
    let i = p - 1;
    while (i >= 0) {
      const d = (kept[i] as number) + 1;
      if (d < 10) {
        kept[i] = d;
        break;
      }
      kept[i] = 0;
      i--;
    }
    if (i < 0) {
      kept.unshift(1);
      kept.pop();
      exp++;
    }
  }
  const digits = kept.join('');
  if (exp < -4 || exp >= p) {
    const mantissa = (digits.slice(0, 1) + '.' + digits.slice(1)).replace(/\.?0+$/, '');
    const e = Math.abs(exp);
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  let fixed: string;
  if (exp >= 0) {
    const frac = digits.slice(exp + 1);
    fixed = digits.slice(0, exp + 1).padEnd(exp + 1, '0') + (frac === '' ? '' : `.${frac}`);
  } else {
    fixed = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return sign + (fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed);
}

function custom(size: number, base: number, units: string[], precision: number): string {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return `${formatGoG(size, precision)}${units[i]}`;
}

/** go-units BytesSize: binary prefixes (KiB, MiB…). Used for `Total Memory`. */
export function bytesSize(bytes: number): string {
  return custom(bytes, 1024, BINARY, 4);
}

/** go-units HumanSize: decimal prefixes (kB, MB…), four significant digits. */
export function humanSize(bytes: number): string {
  return custom(bytes, 1000, DECIMAL, 4);
}

/** go-units HumanSizeWithPrecision: `images` and `history` use three digits. */
export function humanSizeWithPrecision(bytes: number, precision: number): string {
  return custom(bytes, 1000, DECIMAL, precision);
}

/** go-units HumanDuration for a duration in milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** "2 weeks ago" for a Unix time in seconds, as docker's CreatedSince columns. */
export function timeAgo(unixSeconds: number, now: number = Date.now()): string {
  return `${humanDuration(now - unixSeconds * 1000)} ago`;
}
