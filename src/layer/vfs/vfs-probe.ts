/**
 * Whether the vfs driver can keep layers on the filesystem under its home. vfs keeps each
 * layer's diff in overlay form (see vfs-driver.ts), so the filesystem must hold overlay's
 * whiteout devices (char 0/0). One that is itself an overlay mount refuses them (EPERM):
 * there, every layer that deletes a file would fail to register, so the store says so at
 * start instead. (Fixing that needs an extraction mode that applies whiteouts by deleting
 * from a copy of the parent, which archive/ does not offer yet.)
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mknod, S_IFCHR } from '../../sys/index.js';
import type { ProbeResult } from '../overlay2/overlay-probe.js';

export function probeVfs(home: string): ProbeResult {
  const dir = join(home, `.tmp-probe-${randomBytes(6).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    mknod(join(dir, 'whiteout'), S_IFCHR, 0, 0);
    const st = lstatSync(join(dir, 'whiteout'));
    if (!st.isCharacterDevice() || st.rdev !== 0)
      return { ok: false, reason: 'whiteout devices do not survive here' };
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      reason: `cannot create whiteout devices: ${err instanceof Error ? err.message : String(err)}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
