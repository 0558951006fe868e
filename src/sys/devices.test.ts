import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { mknod, S_IFBLK, S_IFCHR, S_IFIFO, SyscallError } from './index.js';
import { testBase } from '../../test/support/test-base.js';

const dir = mkdtempSync(join(testBase(), 'sys-devices-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mknod', () => {
  it('creates the overlay whiteout form, a char device 0/0, and it is recognisable', () => {
    const path = join(dir, 'whiteout');
    mknod(path, S_IFCHR, 0, 0);
    const st = lstatSync(path);
    assert.ok(st.isCharacterDevice());
    assert.equal(st.rdev, 0);
  });

  it('creates char and block devices with their numbers', () => {
    mknod(join(dir, 'null'), S_IFCHR | 0o666, 1, 3);
    mknod(join(dir, 'loop'), S_IFBLK | 0o660, 7, 1);
    const chr = lstatSync(join(dir, 'null'));
    const blk = lstatSync(join(dir, 'loop'));
    assert.ok(chr.isCharacterDevice());
    assert.equal(chr.rdev, (1 << 8) | 3);
    assert.ok(blk.isBlockDevice());
    assert.equal(blk.rdev, (7 << 8) | 1);
    assert.equal(blk.mode & 0o7777, 0o660 & ~process.umask());
  });

  it('creates FIFOs', () => {
    mknod(join(dir, 'fifo'), S_IFIFO | 0o600);
    assert.ok(lstatSync(join(dir, 'fifo')).isFIFO());
  });

  it('accepts a path as raw bytes (non-UTF-8 names)', () => {
    const name = Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0xff, 0xfe])]);
    mknod(name, S_IFIFO | 0o600);
    assert.ok(lstatSync(name).isFIFO());
  });

  it('throws an error whose code is the errno name and whose message has syscall and path', () => {
    const path = join(dir, 'whiteout');
    assert.throws(
      () => mknod(path, S_IFCHR, 0, 0),
      (err: unknown) => {
        assert.ok(err instanceof SyscallError);
        assert.equal(err.code, 'EEXIST');
        assert.equal(err.syscall, 'mknod');
        assert.equal(err.path, path);
        assert.equal(err.kind, 'system');
        assert.match(err.message, /EEXIST.*mknod.*whiteout/);
        return true;
      },
    );
  });

  it('rejects a path with an embedded NUL instead of truncating it', () => {
    assert.throws(() => mknod(Buffer.from(`${dir}/a\0b`), S_IFIFO), TypeError);
  });
});
