/**
 * `--mount type=tmpfs,tmpfs-size=…,tmpfs-mode=…` as the option string of a `--tmpfs` mount
 * (moby linuxParser.ConvertTmpfsOptions): `ro` when read-only, the mode in octal, the size
 * with the largest suffix (g, m, k) that divides it evenly, then any raw options.
 */
import type { MountRequest } from '../../api/types/index.js';

const SIZE_SUFFIXES: readonly [string, number][] = [
  ['g', 1 << 30],
  ['m', 1 << 20],
  ['k', 1 << 10],
];

export function tmpfsData(options: MountRequest['TmpfsOptions'], readOnly: boolean): string {
  const raw: string[] = [];
  if (readOnly) raw.push('ro');
  if (options?.Mode) raw.push(`mode=${options.Mode.toString(8)}`);
  if (options?.SizeBytes) {
    let size = options.SizeBytes;
    let suffix = '';
    for (const [s, divisor] of SIZE_SUFFIXES) {
      if (size % divisor === 0) {
        size /= divisor;
        suffix = s;
        break;
      }
    }
    raw.push(`size=${size}${suffix}`);
  }
  for (const option of options?.Options ?? []) {
    if (option.length === 1) raw.push(option[0]!);
    else if (option.length === 2) raw.push(`${option[0]}=${option[1]}`);
  }
  return raw.join(',');
}
