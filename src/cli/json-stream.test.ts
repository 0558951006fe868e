import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { displayJsonMessages, JsonStreamError, progressString } from './json-stream.js';
import { memoryOutput } from './testing/fake-engine.js';

const stream = (...objs: unknown[]): Readable => Readable.from(objs.map((o) => `${JSON.stringify(o)}\r\n`));

describe('JSON progress streams', () => {
  it('prints stream text and statuses, skips aux and progress bars off a terminal', async () => {
    const out = memoryOutput();
    await displayJsonMessages(
      stream(
        { status: 'Loading layer', id: 'abc', progressDetail: { current: 5, total: 10 } },
        { stream: 'Loaded image: busybox:latest\n' },
        { aux: { ID: 'sha256:1' } },
        { status: 'sha256:855653c5' },
        { status: 'Waiting', id: 'l1', progressDetail: {} },
      ),
      out,
    );
    assert.equal(out.text(), 'Loaded image: busybox:latest\nsha256:855653c5\nl1: Waiting\n');
  });

  it('ends with the errorDetail message', async () => {
    const out = memoryOutput();
    await assert.rejects(
      displayJsonMessages(
        stream({ status: 'ok' }, { errorDetail: { message: 'archive/tar: invalid tar header' }, error: 'x' }),
        out,
      ),
      (err: unknown) => err instanceof JsonStreamError && err.message === 'archive/tar: invalid tar header',
    );
    assert.equal(out.text(), 'ok\n');
  });

  it('redraws progress in place on a terminal', async () => {
    const out = memoryOutput(true);
    await displayJsonMessages(
      stream(
        { status: 'Loading layer', id: 'abc', progressDetail: { current: 500000, total: 1000000 } },
        { status: 'Loading layer', id: 'abc', progressDetail: { current: 1000000, total: 1000000 } },
      ),
      out,
    );
    const bar = (n: number): string => `[${'='.repeat(n)}>${' '.repeat(50 - n)}] `;
    assert.equal(
      out.text(),
      `\n\x1b[1A\x1b[2K\rabc: Loading layer ${bar(25)}   500kB/1MB\r\x1b[1B` +
        `\x1b[1A\x1b[2K\rabc: Loading layer ${bar(50)}     1MB/1MB\r\x1b[1B`,
    );
  });

  it('renders progress like jsonmessage', () => {
    assert.equal(progressString({ current: 0, total: 0 }, 200), '');
    assert.equal(progressString({ current: 2_000_000 }, 200), '     2MB');
    assert.equal(progressString({ current: 3, total: 10, units: 'items' }, 80), '3/10 items');
    assert.equal(progressString({ current: 50, total: 100, start: 100 }, 80, 110_000), '     50B/100B 10s');
  });
});
