import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testBase } from '../../../test/support/test-base.js';
import { checkExecWorkingDir, prepareWorkingDir } from './index.js';

describe('prepareWorkingDir', () => {
  const base = mkdtempSync(join(testBase(), 'workdir-'));
  after(() => rmSync(base, { recursive: true, force: true }));
  let n = 0;
  function rootfs(): string {
    const root = join(base, `r${n++}`);
    mkdirSync(join(root, 'etc'), { recursive: true });
    return root;
  }

  it('an empty WorkingDir is /', () => {
    assert.equal(prepareWorkingDir(rootfs(), ''), '/');
  });

  it('creates a missing directory and its parents, 0755, owned by the given owner', () => {
    const root = rootfs();
    assert.equal(prepareWorkingDir(root, '/srv/app/data', { uid: 1234, gid: 5678 }), '/srv/app/data');
    for (const rel of ['srv', 'srv/app', 'srv/app/data']) {
      const st = statSync(join(root, rel));
      assert.ok(st.isDirectory());
      assert.equal(st.mode & 0o777, 0o755);
      assert.deepEqual([st.uid, st.gid], [1234, 5678]);
    }
  });

  it('leaves an existing directory alone and cleans the path', () => {
    const root = rootfs();
    mkdirSync(join(root, 'work'), { mode: 0o700 });
    assert.equal(prepareWorkingDir(root, 'work/./x/..'), '/work');
    assert.equal(statSync(join(root, 'work')).mode & 0o777, 0o700);
  });

  it('follows a symlink inside the image and creates the directory there', () => {
    const root = rootfs();
    mkdirSync(join(root, 'opt'));
    symlinkSync('/opt', join(root, 'app'));
    assert.equal(prepareWorkingDir(root, '/app/sub'), '/opt/sub');
    assert.ok(statSync(join(root, 'opt/sub')).isDirectory());
  });

  it('a symlink out of the image creates inside the image, never on the host', () => {
    const root = rootfs();
    const outside = join(base, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(root, 'escape'));
    prepareWorkingDir(root, '/escape/made');
    assert.ok(statSync(join(root, outside, 'made')).isDirectory());
    assert.throws(() => lstatSync(join(outside, 'made')), { code: 'ENOENT' });
  });

  it('an existing file is Docker’s "Cannot mkdir" error', () => {
    const root = rootfs();
    writeFileSync(join(root, 'etc/f'), '');
    assert.throws(() => prepareWorkingDir(root, '/etc/f'), {
      message: 'Cannot mkdir: /etc/f is not a directory',
    });
    assert.throws(() => prepareWorkingDir(root, '/etc/f/sub'), {
      message: 'Cannot mkdir: /etc/f/sub is not a directory',
    });
  });

  describe('hostile-input row 27: a cwd in /proc, /sys or /dev is refused (CVE-2024-21626)', () => {
    for (const wd of ['/proc/self/fd/7', '/proc', '/sys/fs/cgroup', '/dev/fd/7', '/proc/../proc/1/cwd']) {
      it(`refuses ${wd}`, () => {
        const root = rootfs();
        assert.throws(() => prepareWorkingDir(root, wd), /CVE-2024-21626/);
        assert.throws(() => lstatSync(join(root, 'proc/self')), { code: 'ENOENT' }, 'nothing created');
      });
    }

    it('refuses a symlink that leads into /proc', () => {
      const root = rootfs();
      symlinkSync('/proc/self/fd/7', join(root, 'work'));
      assert.throws(() => prepareWorkingDir(root, '/work'), /resolves to \/proc\/self\/fd\/7/);
      symlinkSync('../../proc/self', join(root, 'etc/rel'));
      assert.throws(() => prepareWorkingDir(root, '/etc/rel/fd/8'), /CVE-2024-21626/);
    });

    it('allows /dev/shm and the rootfs’ own directories', () => {
      const root = rootfs();
      assert.equal(prepareWorkingDir(root, '/dev/shm'), '/dev/shm');
      assert.equal(prepareWorkingDir(root, '/procfiles'), '/procfiles');
    });

    it('exec -w gets the same check, without creating anything', () => {
      const root = rootfs();
      assert.throws(() => checkExecWorkingDir(root, '/proc/self/fd/7'), /CVE-2024-21626/);
      assert.equal(checkExecWorkingDir(root, '/not/there'), '/not/there');
      assert.throws(() => lstatSync(join(root, 'not')), { code: 'ENOENT' });
    });
  });
});
