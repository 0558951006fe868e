import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DetachKeysError, EscapeWatcher, detachKeyBytes } from './detach-keys.js';
import { FrameDemuxer, StreamFrameError, frame } from './stdcopy.js';

describe('detach keys', () => {
  it('reads docker key names', () => {
    assert.deepEqual([...detachKeyBytes('ctrl-p,ctrl-q')], [0x10, 0x11]);
    assert.deepEqual([...detachKeyBytes('a,ctrl-@,ctrl-\\,ctrl-_')], [0x61, 0x00, 0x1c, 0x1f]);
    assert.throws(() => detachKeyBytes('ctrl-1'), DetachKeysError);
    assert.throws(() => detachKeyBytes('ab'), /Unknown character: 'ab'/);
  });

  it('holds back a partial sequence, releases it when broken, swallows a complete one', () => {
    const w = new EscapeWatcher(Buffer.from([0x10, 0x11]));
    assert.deepEqual(w.feed(Buffer.from('ab\u0010')), { forward: Buffer.from('ab'), detached: false });
    assert.deepEqual(w.feed(Buffer.from('\u0010')), { forward: Buffer.from('\u0010'), detached: false });
    assert.deepEqual(w.feed(Buffer.from('\u0011rest')), { forward: Buffer.alloc(0), detached: true });
  });
});

describe('stdcopy frames', () => {
  it('splits frames that straddle reads; stream 3 is an error', () => {
    const out: string[] = [];
    const err: string[] = [];
    const d = new FrameDemuxer(
      (b) => out.push(b.toString()),
      (b) => err.push(b.toString()),
    );
    const bytes = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world')]);
    for (let i = 0; i < bytes.length; i += 5) d.push(bytes.subarray(i, i + 5));
    assert.equal(out.join(''), 'hello world');
    assert.equal(err.join(''), 'oops');
    assert.throws(
      () => d.push(frame(3, 'daemon broke')),
      (e: unknown) => e instanceof StreamFrameError && e.message === 'daemon broke',
    );
  });
});
