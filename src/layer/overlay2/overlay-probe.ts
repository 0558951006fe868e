/**
 * Whether overlayfs works on the filesystem under the data root, checked the way Docker
 * does: by trying it. A small two-layer overlay with a whiteout and an opaque directory is
 * mounted in a temporary directory under the driver's home, read and written, then taken
 * apart. This also covers d_type: without it overlayfs cannot tell whiteouts from files
 * when merging directories, so the whiteout check below would fail. (Node's readdir quietly
 * falls back to lstat when d_type is DT_UNKNOWN, so d_type cannot be observed directly.)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lsetxattr, mknod, mount, S_IFCHR, umount2 } from '../../sys/index.js';
import { TEMP_PREFIX } from './layout.js';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export function probeOverlay(home: string): ProbeResult {
  const dir = join(home, `${TEMP_PREFIX}probe-${randomBytes(6).toString('hex')}`);
  const [lower1, lower2, upper, work, merged] = ['lower1', 'lower2', 'upper', 'work', 'merged'].map((n) =>
    join(dir, n),
  ) as [string, string, string, string, string];
  let mounted = false;
  try {
    mkdirSync(home, { recursive: true, mode: 0o710 });
    for (const d of [dir, lower1, lower2, upper, work, merged]) mkdirSync(d);
    writeFileSync(join(lower1, 'gone'), 'x');
    writeFileSync(join(lower1, 'kept'), 'x');
    mkdirSync(join(lower1, 'opaque'));
    writeFileSync(join(lower1, 'opaque', 'hidden'), 'x');
    mknod(join(lower2, 'gone'), S_IFCHR, 0, 0);
    mkdirSync(join(lower2, 'opaque'));
    lsetxattr(join(lower2, 'opaque'), 'trusted.overlay.opaque', 'y');
    mount('overlay', merged, 'overlay', 0, `lowerdir=${lower2}:${lower1},upperdir=${upper},workdir=${work}`);
    mounted = true;
    const names = readdirSync(merged).sort().join(',');
    if (names !== 'kept,opaque')
      return { ok: false, reason: `merged dir lists "${names}", whiteouts not honoured (no d_type?)` };
    if (readdirSync(join(merged, 'opaque')).length !== 0)
      return { ok: false, reason: 'opaque directory not honoured' };
    writeFileSync(join(merged, 'new'), 'y');
    if (!existsSync(join(upper, 'new'))) return { ok: false, reason: 'writes do not reach the upper dir' };
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    if (mounted) {
      try {
        umount2(merged, ['MNT_DETACH']);
      } catch {
        // removing the directory below fails loudly enough if this did not work
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
