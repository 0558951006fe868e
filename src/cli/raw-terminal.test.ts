import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { makeRaw, monitorTtySize, terminalSize } from './raw-terminal.js';

function fakeTerminal(rows: number, columns: number) {
  return Object.assign(new EventEmitter(), { isTTY: true, rows, columns, write: () => true });
}

describe('terminal handling', () => {
  it('sends the size now and on every resize, until stopped', async () => {
    const term = fakeTerminal(20, 90);
    const sent: string[] = [];
    const stop = monitorTtySize(term, async (h, w) => sent.push(`${h}x${w}`));
    term.rows = 40;
    term.emit('resize');
    stop();
    term.emit('resize');
    assert.deepEqual(sent, ['20x90', '40x90']);
  });

  it('attach nudges: one larger first, then the real size, in that order', async () => {
    const term = fakeTerminal(20, 90);
    const sent: string[] = [];
    const stop = monitorTtySize(term, async (h, w) => sent.push(`${h}x${w}`), true);
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    assert.deepEqual(sent, ['21x91', '20x90']);
  });

  it('nothing to size or make raw when not a terminal', () => {
    assert.equal(terminalSize({ write: () => true }), undefined);
    const calls: boolean[] = [];
    const stdin = Object.assign(new PassThrough(), {
      isTTY: false,
      setRawMode: (r: boolean) => calls.push(r),
    });
    makeRaw(stdin)();
    const tty = Object.assign(new PassThrough(), {
      isTTY: true,
      isRaw: false,
      setRawMode: (r: boolean) => calls.push(r),
    });
    makeRaw(tty)();
    assert.deepEqual(calls, [true, false]);
  });
});
