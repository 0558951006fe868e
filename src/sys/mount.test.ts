import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lsetxattr, mknod, mount, S_IFCHR, SyscallError, umount2 } from './index.js';
import { testBase } from '../../test/support/test-base.js';

const dir = mkdtempSync(join(testBase(), 'sys-mount-'));
const mounted: string[] = [];
after(() => {
  // Deepest first, by path; detach so a busy mount cannot keep the directory alive.
  for (const point of mounted.reverse()) {
    try {
      umount2(point, ['MNT_DETACH']);
    } catch {
      // already unmounted by the test itself
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function isMounted(point: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === point);
}

describe('mount and umount2', () => {
  it('mounts a tmpfs with data options and unmounts it', () => {
    const point = join(dir, 'tmpfs');
    mkdirSync(point);
    mount('tmpfs', point, 'tmpfs', ['MS_NOSUID', 'MS_NODEV'], 'size=1m,mode=0700');
    mounted.push(point);
    assert.ok(isMounted(point));
    writeFileSync(join(point, 'f'), 'x');
    umount2(point);
    assert.ok(!isMounted(point));
    assert.deepEqual(readdirSync(point), []);
  });

  it('mounts overlay: whiteouts hide and opaque dirs mask the lower layer', () => {
    const lower = join(dir, 'lower');
    const upper = join(dir, 'upper');
    const work = join(dir, 'work');
    const merged = join(dir, 'merged');
    for (const d of [lower, upper, work, merged, join(lower, 'd'), join(upper, 'd')])
      mkdirSync(d, { recursive: true });
    writeFileSync(join(lower, 'gone'), 'x');
    writeFileSync(join(lower, 'kept'), 'x');
    writeFileSync(join(lower, 'd', 'old'), 'x');
    writeFileSync(join(upper, 'd', 'new'), 'x');
    mknod(join(upper, 'gone'), S_IFCHR, 0, 0);
    lsetxattr(join(upper, 'd'), 'trusted.overlay.opaque', 'y');
    mount('overlay', merged, 'overlay', 0, `lowerdir=${lower},upperdir=${upper},workdir=${work}`);
    mounted.push(merged);
    try {
      assert.deepEqual(readdirSync(merged).sort(), ['d', 'kept']);
      assert.deepEqual(readdirSync(join(merged, 'd')), ['new']);
    } finally {
      umount2(merged);
    }
    assert.ok(!isMounted(merged));
  });

  it('fails with EINVAL-style codes, syscall and path for a bad unmount', () => {
    const point = join(dir, 'not-a-mount');
    mkdirSync(point);
    assert.throws(
      () => umount2(point),
      (err: unknown) => err instanceof SyscallError && err.code === 'EINVAL' && err.message.includes(point),
    );
    assert.throws(() => mount('none', join(dir, 'absent'), 'tmpfs'), { code: 'ENOENT', syscall: 'mount' });
  });
});
