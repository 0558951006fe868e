/** Mount points under a directory, read from /proc/self/mountinfo (octal escapes decoded). */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

function decode(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    .map(decode)
    .filter((point) => point === dir || point.startsWith(prefix))
    .sort((a, b) => b.length - a.length); // deepest first, so unmounting in order works
}

/** Detaches one mount point (lazy, so a busy mount cannot keep a test's cleanup from finishing). */
export function unmount(point: string): void {
  const result = spawnSync('umount', ['-l', point], { encoding: 'utf8' });
  if (result.status !== 0 && !/not mounted|no mount point/i.test(result.stderr)) {
    throw new Error(`umount ${point}: ${result.stderr.trim()}`);
  }
}
