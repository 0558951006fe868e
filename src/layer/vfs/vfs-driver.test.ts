/** vfs against the shared driver suite, plus full-fidelity copies. */
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { lgetxattr, lsetxattr, mknod, S_IFCHR, S_IFIFO } from '../../sys/index.js';
import { graphDriverSuite } from '../graph-driver.testsuite.js';
import { VfsDriver } from './vfs-driver.js';

graphDriverSuite('vfs', (root) => new VfsDriver({ home: join(root, 'vfs') }));

describe('vfs specifics', () => {
  const cleanup = useCleanup();

  it('copies the parent keeping modes, owners, xattrs, links, devices and hard links', async () => {
    const dirs = makeTestDirs('vfs');
    cleanup.directory(dirs.root);
    const driver = new VfsDriver({ home: join(dirs.dataRoot, 'vfs') });
    await driver.create('base', undefined, {
      fill: async (dir) => {
        mkdirSync(join(dir, 'd'));
        chmodSync(join(dir, 'd'), 0o1777);
        writeFileSync(join(dir, 'd', 'suid'), 'x');
        chownSync(join(dir, 'd', 'suid'), 1000, 1001);
        chmodSync(join(dir, 'd', 'suid'), 0o4755);
        lsetxattr(join(dir, 'd', 'suid'), 'user.note', 'kept');
        linkSync(join(dir, 'd', 'suid'), join(dir, 'hard'));
        symlinkSync('/nowhere', join(dir, 'link'));
        mknod(join(dir, 'null'), S_IFCHR | 0o666, 1, 3);
        mknod(join(dir, 'fifo'), S_IFIFO | 0o600);
        return Promise.resolve();
      },
    });
    await driver.create('child', 'base');
    const tree = driver.mountPath('child');
    const suid = lstatSync(join(tree, 'd', 'suid'));
    assert.equal(suid.mode & 0o7777, 0o4755);
    assert.equal(suid.uid, 1000);
    assert.equal(suid.gid, 1001);
    assert.equal(lstatSync(join(tree, 'd')).mode & 0o7777, 0o1777);
    assert.equal(lgetxattr(join(tree, 'd', 'suid'), 'user.note').toString(), 'kept');
    assert.equal(lstatSync(join(tree, 'hard')).ino, suid.ino);
    assert.equal(readlinkSync(join(tree, 'link')), '/nowhere');
    assert.equal(lstatSync(join(tree, 'null')).rdev, lstatSync('/dev/null').rdev);
    assert.equal(lstatSync(join(tree, 'fifo')).isFIFO(), true);
    assert.deepEqual(driver.metadata(), {});
  });
});
