import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileQueue, SyscallError, type QueuedFileMetadata } from './index.js';
import { testBase } from '../../test/support/test-base.js';

const dir = mkdtempSync(join(testBase(), 'sys-file-queue-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PLAIN: QueuedFileMetadata = {
  mode: 0o644,
  uid: 0,
  gid: 0,
  setOwner: false,
  setMode: false,
  atime: 1_600_000_000,
  mtime: 1_600_000_000.25,
};

describe('FileQueue', () => {
  it('writes many files with their content, owner, mode and times', () => {
    const queue = FileQueue.open(2);
    try {
      for (let i = 0; i < 500; i++) {
        const meta =
          i % 2 === 0
            ? PLAIN
            : { ...PLAIN, mode: 0o4750, uid: 1000 + i, gid: 50, setOwner: true, setMode: true };
        queue.add(Buffer.from(join(dir, `f${i}`)), Buffer.from(`content ${i}`.repeat(i)), meta);
      }
      queue.drain();
    } finally {
      queue.close();
    }
    for (const i of [0, 1, 2, 499]) {
      const path = join(dir, `f${i}`);
      const st = lstatSync(path); // before reading, which may move atime
      assert.equal(readFileSync(path, 'utf8'), `content ${i}`.repeat(i));
      if (i % 2 === 0) {
        assert.equal(st.mode & 0o7777, 0o644 & ~process.umask());
        assert.equal(st.uid, 0);
      } else {
        assert.equal(st.mode & 0o7777, 0o4750, 'fchmod after fchown keeps the setuid bit');
        assert.equal(st.uid, 1000 + i);
        assert.equal(st.gid, 50);
      }
      assert.equal(st.mtimeMs, 1_600_000_000_250);
      assert.equal(st.atimeMs, 1_600_000_000_000);
    }
  });

  it('never follows or replaces an existing name, and reports the first failure once on drain', () => {
    const target = join(dir, 'outside-target');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(dir, 'link'));
    const queue = FileQueue.open(1);
    try {
      queue.add(Buffer.from(join(dir, 'link')), Buffer.from('evil'), PLAIN);
      queue.add(Buffer.from(join(dir, 'after-failure')), Buffer.from('x'), PLAIN);
      assert.throws(
        () => queue.drain(),
        (err: unknown) =>
          err instanceof SyscallError &&
          err.code === 'EEXIST' &&
          err.syscall === 'open' &&
          err.path === join(dir, 'link'),
      );
      queue.drain(); // reported once
    } finally {
      queue.close();
    }
    assert.equal(readFileSync(target, 'utf8'), 'untouched');
  });

  it('applies back-pressure instead of holding unbounded memory', () => {
    const queue = FileQueue.open(1);
    const big = Buffer.alloc(1024 * 1024, 1);
    try {
      let peak = 0;
      for (let i = 0; i < 80; i++) {
        queue.add(Buffer.from(join(dir, `big${i}`)), big, PLAIN); // 80 MiB > the 64 MiB hard bound
        peak = Math.max(peak, queue.backlog);
      }
      assert.ok(peak <= 64 * 1024 * 1024, `backlog peaked at ${peak} bytes`);
      assert.ok(peak >= big.length, 'the backlog counts queued bytes');
      queue.drain();
      assert.equal(queue.backlog, 0);
    } finally {
      queue.close();
    }
    assert.equal(lstatSync(join(dir, 'big79')).size, big.length);
  });

  it('refuses work after close', () => {
    const queue = FileQueue.open(1);
    queue.close();
    queue.close();
    assert.throws(() => queue.add(Buffer.from(join(dir, 'late')), Buffer.alloc(0), PLAIN), /closed/);
  });
});
