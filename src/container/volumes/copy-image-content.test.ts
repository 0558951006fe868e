/**
 * Copy-in of an image's content into an empty volume, over real directories standing in for
 * a rootfs and a volume: what is copied (files, dirs, symlinks, hard links, modes, owners,
 * times, xattrs, the root's owner and mode), when nothing is, and the symlink traps: a
 * destination that is a link to /etc (absolute or climbing with ..) copies the image's /etc,
 * never the host's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testBase } from '../../../test/support/test-base.js';
import { copyImageContent } from './copy-image-content.js';

const BASE = mkdtempSync(join(testBase(), 'volume-copy-in-'));
after(() => rmSync(BASE, { recursive: true, force: true }));

let counter = 0;
function fresh(label: string): string {
  const dir = join(BASE, `${label}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A rootfs with /data (content), /etc/image-marker, and links that point at /etc. */
function makeRoot(): string {
  const root = fresh('root');
  mkdirSync(join(root, 'data/sub'), { recursive: true });
  writeFileSync(join(root, 'data/a.txt'), 'alpha');
  chmodSync(join(root, 'data/a.txt'), 0o640);
  chownSync(join(root, 'data/a.txt'), 1234, 2345);
  writeFileSync(join(root, 'data/sub/b.txt'), 'beta');
  linkSync(join(root, 'data/a.txt'), join(root, 'data/hard.txt'));
  symlinkSync('/etc/passwd', join(root, 'data/passwd-link'));
  execFileSync('setfattr', ['-n', 'user.lading', '-v', 'kept', join(root, 'data/sub/b.txt')]);
  utimesSync(join(root, 'data/sub'), 1_000_000, 1_000_000);
  chmodSync(join(root, 'data'), 0o750);
  chownSync(join(root, 'data'), 999, 998);
  utimesSync(join(root, 'data'), 2_000_000, 2_000_000);
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/image-marker'), 'from the image');
  symlinkSync('/etc', join(root, 'abs-trap'));
  symlinkSync('../../../../../etc', join(root, 'rel-trap'));
  writeFileSync(join(root, 'file'), 'not a dir');
  return root;
}

describe('copyImageContent', () => {
  it('copies files, dirs, links, modes, owners, times and xattrs into an empty volume', async () => {
    const root = makeRoot();
    const volume = fresh('vol');
    const result = await copyImageContent(root, '/data', volume);
    assert.equal(result.copied, true);
    assert.deepEqual(readdirSync(volume).sort(), ['a.txt', 'hard.txt', 'passwd-link', 'sub']);
    assert.equal(readFileSync(join(volume, 'a.txt'), 'utf8'), 'alpha');
    const a = statSync(join(volume, 'a.txt'));
    assert.equal(a.mode & 0o7777, 0o640);
    assert.deepEqual([a.uid, a.gid], [1234, 2345]);
    assert.equal(a.ino, statSync(join(volume, 'hard.txt')).ino, 'hard link kept');
    assert.equal(readlinkSync(join(volume, 'passwd-link')), '/etc/passwd');
    assert.equal(readFileSync(join(volume, 'sub/b.txt'), 'utf8'), 'beta');
    const xattr = execFileSync(
      'getfattr',
      ['--only-values', '-n', 'user.lading', join(volume, 'sub/b.txt')],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    assert.equal(xattr.toString(), 'kept');
    assert.equal(Math.floor(statSync(join(volume, 'sub')).mtimeMs / 1000), 1_000_000);
    const top = statSync(volume);
    assert.equal(top.mode & 0o7777, 0o750, "the volume root takes the image directory's mode");
    assert.deepEqual([top.uid, top.gid], [999, 998]);
    assert.equal(Math.floor(top.mtimeMs / 1000), 2_000_000);
  });

  it('leaves a volume that has content alone', async () => {
    const root = makeRoot();
    const volume = fresh('vol');
    writeFileSync(join(volume, 'mine'), 'keep');
    const result = await copyImageContent(root, '/data', volume);
    assert.deepEqual(result, { copied: false, reason: 'volume-not-empty' });
    assert.deepEqual(readdirSync(volume), ['mine']);
  });

  it('copies nothing when the image has no directory there', async () => {
    const root = makeRoot();
    const volume = fresh('vol');
    assert.deepEqual(await copyImageContent(root, '/missing/deeper', volume), {
      copied: false,
      reason: 'no-source',
    });
    assert.deepEqual(await copyImageContent(root, '/file', volume), {
      copied: false,
      reason: 'not-a-directory',
    });
    assert.deepEqual(readdirSync(volume), []);
  });

  for (const trap of ['/abs-trap', '/rel-trap', '/data/../abs-trap/']) {
    it(`a destination ${trap} linking to /etc copies the image's /etc, not the host's`, async () => {
      const root = makeRoot();
      const volume = fresh('vol');
      const result = await copyImageContent(root, trap, volume);
      assert.equal(result.copied, true);
      assert.deepEqual(readdirSync(volume), ['image-marker']);
      assert.ok(lstatSync('/etc/passwd').isFile(), 'host /etc untouched');
    });
  }
});
