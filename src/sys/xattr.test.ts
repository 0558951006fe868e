import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  lgetxattr,
  lgetxattrOrUndefined,
  llistxattr,
  lremovexattr,
  lsetxattr,
  fsetxattr,
  SyscallError,
} from './index.js';
import { openSync, closeSync } from 'node:fs';
import { testBase } from '../../test/support/test-base.js';

const dir = mkdtempSync(join(testBase(), 'sys-xattr-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A v2 file capability: cap_net_bind_service in the permitted set, bytes that are not UTF-8.
const CAPABILITY = Buffer.from('0000000200040000000000000000000000000000', 'hex');
CAPABILITY.writeUInt32LE(0x02000001, 0);
CAPABILITY.writeUInt32LE(1 << 10, 4);

describe('xattrs', () => {
  it('round-trips trusted.overlay.opaque on a directory', () => {
    const d = join(dir, 'opaque');
    mkdirSync(d);
    lsetxattr(d, 'trusted.overlay.opaque', 'y');
    assert.deepEqual(lgetxattr(d, 'trusted.overlay.opaque'), Buffer.from('y'));
    assert.ok(llistxattr(d).includes('trusted.overlay.opaque'));
    lremovexattr(d, 'trusted.overlay.opaque');
    assert.equal(lgetxattrOrUndefined(d, 'trusted.overlay.opaque'), undefined);
  });

  it('keeps binary values byte for byte (security.capability)', () => {
    const f = join(dir, 'cap');
    writeFileSync(f, '');
    lsetxattr(f, 'security.capability', CAPABILITY);
    assert.deepEqual(lgetxattr(f, 'security.capability'), CAPABILITY);
  });

  it('sets through a descriptor', () => {
    const f = join(dir, 'by-fd');
    writeFileSync(f, '');
    const fd = openSync(f, 'r');
    try {
      fsetxattr(fd, 'user.k', Buffer.from([0, 1, 2, 255]));
    } finally {
      closeSync(fd);
    }
    assert.deepEqual(lgetxattr(f, 'user.k'), Buffer.from([0, 1, 2, 255]));
  });

  it('handles empty values and many attributes', () => {
    const f = join(dir, 'many');
    writeFileSync(f, '');
    lsetxattr(f, 'user.empty', Buffer.alloc(0));
    for (let i = 0; i < 20; i++) lsetxattr(f, `user.n${i}`, `v${i}`);
    assert.deepEqual(lgetxattr(f, 'user.empty'), Buffer.alloc(0));
    assert.equal(llistxattr(f).filter((n) => n.startsWith('user.n')).length, 20);
  });

  it('acts on a symlink itself, never its target', () => {
    const target = join(dir, 'target');
    writeFileSync(target, '');
    const link = join(dir, 'link');
    symlinkSync(target, link);
    lsetxattr(link, 'trusted.on-link', 'l');
    assert.deepEqual(lgetxattr(link, 'trusted.on-link'), Buffer.from('l'));
    assert.equal(lgetxattrOrUndefined(target, 'trusted.on-link'), undefined);
  });

  it('honours create/replace modes', () => {
    const f = join(dir, 'modes');
    writeFileSync(f, '');
    assert.throws(() => lsetxattr(f, 'user.x', 'a', 'replace'), { code: 'ENODATA' });
    lsetxattr(f, 'user.x', 'a', 'create');
    assert.throws(() => lsetxattr(f, 'user.x', 'b', 'create'), { code: 'EEXIST' });
  });

  it('reports a missing attribute as ENODATA with syscall and path', () => {
    const f = join(dir, 'cap');
    assert.throws(
      () => lgetxattr(f, 'user.absent'),
      (err: unknown) =>
        err instanceof SyscallError &&
        err.code === 'ENODATA' &&
        err.syscall === 'lgetxattr' &&
        err.message.includes(f),
    );
  });
});
