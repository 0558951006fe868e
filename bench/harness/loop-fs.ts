/**
 * A fresh ext4 on a loop device for one benchmark run: the root filesystem of these machines
 * is slow on many small files and shared with everything else, so numbers taken there mean
 * little. The image file is sparse; the mount and the loop device are removed by id.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoopFs {
  mountPoint: string;
  remove(): void;
}

export function createLoopExt4(sizeGiB = 8): LoopFs {
  const dir = mkdtempSync(join(tmpdir(), 'lading-bench-'));
  const image = join(dir, 'fs.img');
  const mountPoint = join(dir, 'mnt');
  mkdirSync(mountPoint);
  execFileSync('truncate', ['-s', `${sizeGiB}G`, image]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', image]);
  execFileSync('mount', ['-o', 'loop', image, mountPoint]);
  return {
    mountPoint,
    remove() {
      // Unmounting a loop mount made with -o loop also frees its loop device (autoclear).
      execFileSync('umount', [mountPoint]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
