import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { displayJsonMessages, JsonStreamError, progressString } from './json-stream.js';
import { memoryOutput } from './testing/fake-engine.js';
import {
  DOCKER_PULL_PIPE,
  DOCKER_PULL_TTY_120,
  DOCKER_PULL_TTY_80,
  PULL_STREAM,
} from './testing/recorded-streams.js';

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

  // The recorded output includes the command's own first and last lines; the renderer's part is
  // what lies between them.
  const rendered = (recorded: string): string =>
    recorded.slice('Using default tag: latest\n'.length, -'docker.io/library/busybox:latest\n'.length);

  it('draws a recorded pull exactly as docker 28 did on 120- and 80-column terminals', async () => {
    for (const [columns, recorded] of [
      [120, DOCKER_PULL_TTY_120],
      [80, DOCKER_PULL_TTY_80],
    ] as const) {
      const out = Object.assign(memoryOutput(true), { columns });
      await displayJsonMessages(stream(...PULL_STREAM), out);
      assert.equal(out.text(), rendered(recorded), `${columns} columns`);
    }
  });

  it('prints the same recorded pull as docker did into a pipe', async () => {
    const out = memoryOutput();
    await displayJsonMessages(stream(...PULL_STREAM), out);
    assert.equal(out.text(), rendered(DOCKER_PULL_PIPE));
  });

  it('hands aux messages to the caller and prints none of them', async () => {
    const seen: unknown[] = [];
    const out = memoryOutput(true);
    await displayJsonMessages(
      stream(
        { status: 'latest: digest: sha256:def size: 528' },
        { progressDetail: {}, aux: { Tag: 'latest', Digest: 'sha256:def', Size: 528 } },
      ),
      out,
      { onAux: (aux) => seen.push(aux) },
    );
    assert.deepEqual(seen, [{ Tag: 'latest', Digest: 'sha256:def', Size: 528 }]);
    assert.equal(out.text(), 'latest: digest: sha256:def size: 528\n');
  });

  it('a line without an id forgets earlier ids, so a later layer starts a new line (pull -a)', async () => {
    const out = memoryOutput(true);
    await displayJsonMessages(
      stream(
        { status: 'Pull complete', progressDetail: {}, id: 'l1' },
        { status: 'Pulling from library/x', id: '1.0' },
        { status: 'Already exists', progressDetail: {}, id: 'l1' },
      ),
      out,
    );
    assert.equal(
      out.text(),
      '\n\x1b[1A\x1b[2K\rl1: Pull complete \r\x1b[1B' +
        '1.0: Pulling from library/x\n' +
        '\n\x1b[1A\x1b[2K\rl1: Already exists \r\x1b[1B',
    );
  });
});
