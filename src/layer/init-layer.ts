/**
 * What every container's init layer holds before its owner adds anything (Docker's
 * setupInitLayer): mount points and files that the runtime bind-mounts over, so they exist
 * whatever the image has — and, being in a layer above the image, they mask an image whose
 * `/dev` or `/etc/hosts` is a symlink pointing somewhere else (hostile-input.md row 27).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

type InitEntry =
  | { path: string; kind: 'dir' }
  | { path: string; kind: 'file' }
  | { path: string; kind: 'symlink'; target: string };

export const INIT_LAYER_ENTRIES: readonly InitEntry[] = [
  { path: 'dev/pts', kind: 'dir' },
  { path: 'dev/shm', kind: 'dir' },
  { path: 'proc', kind: 'dir' },
  { path: 'sys', kind: 'dir' },
  { path: '.dockerenv', kind: 'file' },
  { path: 'etc/resolv.conf', kind: 'file' },
  { path: 'etc/hosts', kind: 'file' },
  { path: 'etc/hostname', kind: 'file' },
  { path: 'dev/console', kind: 'file' },
  { path: 'etc/mtab', kind: 'symlink', target: '/proc/mounts' },
];

/** Writes the standard entries into a fresh init diff dir (owned by root, dirs 0755). */
export function writeInitLayer(diffDir: string): void {
  for (const entry of INIT_LAYER_ENTRIES) {
    const path = join(diffDir, entry.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    if (entry.kind === 'dir') mkdirSync(path, { recursive: true, mode: 0o755 });
    else if (entry.kind === 'file') writeFileSync(path, '', { mode: 0o755 });
    else symlinkSync(entry.target, path);
  }
}
