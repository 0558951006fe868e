/**
 * What is mounted where, read from /proc/self/mountinfo (the mount point is its fifth field,
 * with spaces and other bytes octal-escaped). Shared by the graph drivers and the volume
 * store, which both need to know whether something is still mounted before removing it.
 */
import { readFileSync } from 'node:fs';

/** Mount points at or below `dir`, deepest first. */
export function mountPointsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((field): field is string => field !== undefined)
    .map((field) =>
      field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    )
    .filter((point) => point === dir || point.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

export function isMountPoint(path: string): boolean {
  return mountPointsUnder(path).includes(path);
}
