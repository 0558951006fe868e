/**
 * The mode field of `-v src:dst:mode` (moby linux_parser.go): a comma-separated list with at
 * most one of each kind — rw|ro, z|Z (SELinux relabel), a propagation, nocopy, and a
 * consistency (consistent|cached|delegated, accepted and ignored on Linux).
 */

export const PROPAGATIONS = new Set(['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared']);
export const DEFAULT_PROPAGATION = 'rprivate';

const KINDS: readonly [string, ReadonlySet<string>][] = [
  ['rw', new Set(['rw', 'ro'])],
  ['label', new Set(['z', 'Z'])],
  ['propagation', PROPAGATIONS],
  ['copy', new Set(['nocopy'])],
  ['consistency', new Set(['consistent', 'cached', 'delegated'])],
];

export function validMountMode(mode: string): boolean {
  if (mode === '') return true;
  const seen = new Set<string>();
  for (const option of mode.split(',')) {
    const kind = KINDS.find(([, values]) => values.has(option))?.[0];
    if (kind === undefined || seen.has(kind)) return false;
    seen.add(kind);
  }
  return true;
}

export function modeIsReadWrite(mode: string): boolean {
  return !mode.split(',').includes('ro');
}

/** The propagation the mode names, if any. */
export function modePropagation(mode: string): string | undefined {
  return mode.split(',').find((option) => PROPAGATIONS.has(option));
}

export function modeNoCopy(mode: string): boolean {
  return mode.split(',').includes('nocopy');
}
