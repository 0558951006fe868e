import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testBase } from '../../../test/support/test-base.js';
import { readFileInRoot, resolveUser, resolveUserFrom } from './index.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'bob:x:1000:1000:Bob:/home/bob:/bin/sh',
  'ann:x:1001:1001::/home/ann:/bin/sh',
  '',
].join('\n');
const GROUP = [
  'root:x:0:',
  'daemon:x:1:',
  'wheel:x:10:bob,ann',
  'bob:x:1000:',
  'ann:x:1001:',
  'docker:x:999:bob',
  '',
].join('\n');

describe('resolveUserFrom (Docker’s -u forms)', () => {
  const passwd = Buffer.from(PASSWD);
  const group = Buffer.from(GROUP);
  const cases: [string, string[], { uid: number; gid: number; additionalGids: number[] }][] = [
    ['', [], { uid: 0, gid: 0, additionalGids: [0] }],
    ['root', [], { uid: 0, gid: 0, additionalGids: [0] }],
    ['bob', [], { uid: 1000, gid: 1000, additionalGids: [1000, 10, 999] }],
    ['1000', [], { uid: 1000, gid: 1000, additionalGids: [1000, 10, 999] }],
    ['bob:wheel', [], { uid: 1000, gid: 10, additionalGids: [10] }],
    ['1001:1000', [], { uid: 1001, gid: 1000, additionalGids: [1000] }],
    ['ann:999', [], { uid: 1001, gid: 999, additionalGids: [999] }],
    ['1000:docker', [], { uid: 1000, gid: 999, additionalGids: [999] }],
    ['4242', [], { uid: 4242, gid: 0, additionalGids: [0] }],
    ['4242:4343', [], { uid: 4242, gid: 4343, additionalGids: [4343] }],
    ['daemon', ['wheel', '55', 'docker'], { uid: 1, gid: 1, additionalGids: [1, 10, 55, 999] }],
  ];
  for (const [spec, groupAdd, expected] of cases) {
    it(`-u ${JSON.stringify(spec)} --group-add ${JSON.stringify(groupAdd)}`, () => {
      const user = resolveUserFrom(spec, groupAdd, passwd, group);
      assert.deepEqual({ uid: user.uid, gid: user.gid, additionalGids: user.additionalGids }, expected);
    });
  }

  it('numeric users work without /etc/passwd and /etc/group', () => {
    const user = resolveUserFrom('123:456', ['789'], undefined, undefined);
    assert.deepEqual([user.uid, user.gid, user.additionalGids], [123, 456, [456, 789]]);
  });

  it('fails with Docker’s wording for unknown names', () => {
    assert.throws(() => resolveUserFrom('nobody', [], passwd, group), {
      name: 'SystemError',
      message: 'unable to find user nobody: no matching entries in passwd file',
    });
    assert.throws(() => resolveUserFrom('nobody', [], undefined, undefined), {
      message: 'unable to find user nobody: no matching entries in passwd file',
    });
    assert.throws(() => resolveUserFrom('bob:staff', [], passwd, group), {
      message: 'unable to find group staff: no matching entries in group file',
    });
    assert.throws(() => resolveUserFrom('bob', ['staff'], passwd, group), {
      message: 'unable to find group staff: no matching entries in group file',
    });
    assert.throws(() => resolveUserFrom('-1', [], passwd, group), {
      message: 'uids and gids must be in range 0-2147483647',
    });
  });
});

describe('resolveUser reads the files inside the rootfs only', () => {
  const base = mkdtempSync(join(testBase(), 'user-lookup-'));
  after(() => rmSync(base, { recursive: true, force: true }));

  function rootfs(name: string): string {
    const root = join(base, name);
    mkdirSync(join(root, 'etc'), { recursive: true });
    return root;
  }

  it('reads /etc/passwd and /etc/group of the image', () => {
    const root = rootfs('plain');
    writeFileSync(join(root, 'etc/passwd'), PASSWD);
    writeFileSync(join(root, 'etc/group'), GROUP);
    assert.equal(resolveUser(root, 'bob').uid, 1000);
  });

  it('follows an image symlink inside the image (absolute target = the rootfs)', () => {
    const root = rootfs('inscope');
    mkdirSync(join(root, 'usr/share/base'), { recursive: true });
    writeFileSync(join(root, 'usr/share/base/passwd'), PASSWD);
    symlinkSync('/usr/share/base/passwd', join(root, 'etc/passwd'));
    assert.equal(resolveUser(root, 'ann').uid, 1001);
  });

  it('a hostile /etc/passwd -> /etc/shadow symlink never reads the host’s file', () => {
    // The host's /etc/shadow has a "root" line; if it were read, "root" would resolve
    // (to the uid of its third field). Inside the rootfs there is no /etc/shadow.
    assert.match(readFileSync('/etc/shadow', 'utf8'), /^root:/m);
    const root = rootfs('hostile-abs');
    symlinkSync('/etc/shadow', join(root, 'etc/passwd'));
    assert.equal(readFileInRoot(root, '/etc/passwd'), undefined);
    assert.throws(() => resolveUser(root, 'root'), {
      message: 'unable to find user root: no matching entries in passwd file',
    });
  });

  it('relative escapes and a symlinked /etc stay in the rootfs', () => {
    const rel = rootfs('hostile-rel');
    symlinkSync('../../../../../../../../etc/shadow', join(rel, 'etc/passwd'));
    assert.throws(() => resolveUser(rel, 'root'), /unable to find user root/);

    const dirLink = join(base, 'hostile-dir');
    mkdirSync(dirLink);
    symlinkSync('/etc', join(dirLink, 'etc'));
    // The host has a "daemon" user; the rootfs has no passwd at all (etc -> itself loops).
    assert.match(readFileSync('/etc/passwd', 'utf8'), /^daemon:/m);
    assert.throws(() => resolveUser(dirLink, 'daemon'));
  });

  it('a FIFO or directory as /etc/passwd is refused, not waited on', () => {
    const root = rootfs('dir-passwd');
    mkdirSync(join(root, 'etc/passwd'));
    assert.throws(() => resolveUser(root, 'root'), /is a directory/);
  });
});
