/** Reading json-file logs: streams, tail, since/until, follow across rotation. Real files. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { JsonFileWriter, encodeEntry } from './json-file-writer.js';
import { readJsonFileLog, type ReadLogOptions } from './json-file-reader.js';
import { readContainerLog, READING_NOT_SUPPORTED } from './log-driver.js';
import type { LogLine } from './log-line.js';

const SECOND = 1_000_000_000n;
const BASE = 1_700_000_000n * SECOND;

async function collect(lines: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

const text = (lines: LogLine[]): string[] => lines.map((l) => l.line.toString());

/** /proc/self/io rchar: bytes this process has read through read(2)/pread(2). */
function bytesReadSoFar(): number {
  const match = /rchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return Number(match![1]);
}

describe('json-file reader', () => {
  const cleanup = useCleanup();
  const logPath = (): string => {
    const dirs = makeTestDirs('jsonlog-r');
    cleanup.directory(dirs.root);
    return join(dirs.dataRoot, 'c-json.log');
  };
  const options = (path: string, more: Partial<ReadLogOptions> = {}): ReadLogOptions => ({
    path,
    stdout: true,
    stderr: true,
    tail: 'all',
    since: 0,
    until: 0,
    follow: false,
    ...more,
  });
  /** Writes entries at BASE + i seconds; odd ones to stderr. */
  const writeEntries = (path: string, count: number, attrs?: Buffer): void => {
    const parts: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      parts.push(
        encodeEntry(
          {
            stream: i % 2 ? 'stderr' : 'stdout',
            line: Buffer.from(`line ${i}`),
            partial: false,
            timeNs: BASE + BigInt(i) * SECOND + 5n,
          },
          attrs,
        ),
      );
    }
    writeFileSync(path, Buffer.concat(parts));
  };

  it('reads every entry with nine-digit times, chosen streams and details', async () => {
    const path = logPath();
    writeEntries(path, 4, Buffer.from('{"b":"x y","a":"1&2"}'));
    const all = await collect(readJsonFileLog(options(path)));
    assert.deepEqual(text(all), ['line 0\n', 'line 1\n', 'line 2\n', 'line 3\n']);
    assert.equal(all[0]!.time, '2023-11-14T22:13:20.000000005Z');
    assert.equal(all[0]!.attrs, 'a=1%262,b=x+y');
    assert.deepEqual(text(await collect(readJsonFileLog(options(path, { stderr: false })))), [
      'line 0\n',
      'line 2\n',
    ]);
    assert.deepEqual(text(await collect(readJsonFileLog(options(path, { stdout: false })))), [
      'line 1\n',
      'line 3\n',
    ]);
  });

  it('tails N lines, across rotated files, and treats a bad number as all', async () => {
    const path = logPath();
    writeEntries(`${path}.1`, 3);
    writeEntries(path, 2);
    assert.deepEqual(text(await collect(readJsonFileLog(options(path, { tail: '3' })))), [
      'line 2\n',
      'line 0\n',
      'line 1\n',
    ]);
    assert.equal((await collect(readJsonFileLog(options(path, { tail: '0' })))).length, 0);
    assert.equal((await collect(readJsonFileLog(options(path, { tail: 'x' })))).length, 5);
    assert.equal((await collect(readJsonFileLog(options(path, { tail: '100' })))).length, 5);
  });

  it('reads only the end of a big file for --tail', async () => {
    const path = logPath();
    const entry = (i: number): Buffer =>
      encodeEntry({
        stream: 'stdout',
        line: Buffer.from(`entry ${i} ${'#'.repeat(200)}`),
        partial: false,
        timeNs: BASE,
      });
    const block = Buffer.concat(Array.from({ length: 1000 }, (_, i) => entry(i)));
    for (let i = 0; i < 150; i++) appendFileSync(path, block);
    appendFileSync(path, entry(424242));
    assert.ok(statSync(path).size > 30_000_000);
    const before = bytesReadSoFar();
    const lines = await collect(readJsonFileLog(options(path, { tail: '2' })));
    const read = bytesReadSoFar() - before;
    assert.deepEqual(
      lines.map((l) => l.line.toString().split(' ')[1]),
      ['999', '424242'],
    );
    assert.ok(read < 1_000_000, `read ${read} bytes of a ${statSync(path).size}-byte file`);
  });

  it('filters by since and stops at until', async () => {
    const path = logPath();
    writeEntries(path, 10);
    const since = Number(BASE / SECOND) + 3;
    assert.deepEqual(text(await collect(readJsonFileLog(options(path, { since })))).slice(0, 2), [
      'line 3\n',
      'line 4\n',
    ]);
    const until = Number(BASE / SECOND) + 5.5;
    assert.deepEqual(text(await collect(readJsonFileLog(options(path, { since, until })))), [
      'line 3\n',
      'line 4\n',
      'line 5\n',
    ]);
  });

  it('follows the live writer across rotations and ends when it is closed', async () => {
    const path = logPath();
    const writer = await JsonFileWriter.open({ path, maxSize: 400, maxFile: 3, attrs: {} });
    writer.write('stdout', Buffer.from('before\n'));
    await writer.flush();
    const controller = new AbortController();
    const reading = collect(
      readJsonFileLog(options(path, { follow: true, producer: writer, signal: controller.signal })),
    );
    for (let i = 0; i < 20; i++) {
      writer.write(i % 2 ? 'stderr' : 'stdout', Buffer.from(`follow ${i}\n`));
      await writer.flush();
      if (i % 5 === 0) await sleep(20);
    }
    assert.ok(statSync(`${path}.2`).size > 0, 'the writer rotated at least twice');
    writer.write('stdout', Buffer.from('last words'));
    await writer.close();
    const got = text(await reading);
    assert.deepEqual(got, [
      'before\n',
      ...Array.from({ length: 20 }, (_, i) => `follow ${i}\n`),
      'last words',
    ]);
  });

  it('follow stops when the signal aborts, and without a live writer reads to the end', async () => {
    const path = logPath();
    const writer = await JsonFileWriter.open({ path, maxSize: -1, maxFile: 1, attrs: {} });
    writer.write('stdout', Buffer.from('one\n'));
    await writer.flush();
    const controller = new AbortController();
    const reading = collect(
      readJsonFileLog(
        options(path, { follow: true, tail: '1', producer: writer, signal: controller.signal }),
      ),
    );
    await sleep(50);
    controller.abort();
    assert.deepEqual(text(await reading), ['one\n']);
    await writer.close();
    assert.deepEqual(text(await collect(readJsonFileLog(options(path, { follow: true })))), ['one\n']);
  });

  it('skips damaged lines, even a huge one, and reads the entries after them', async () => {
    const path = logPath();
    writeEntries(path, 1);
    appendFileSync(path, Buffer.concat([Buffer.alloc(3 * 1024 * 1024, '{'), Buffer.from('\nnot json\n')]));
    appendFileSync(
      path,
      encodeEntry({
        stream: 'stdout',
        line: Buffer.from('after'),
        partial: false,
        timeNs: BASE + 9n * SECOND,
      }),
    );
    assert.deepEqual(text(await collect(readJsonFileLog(options(path)))), ['line 0\n', 'after\n']);
  });

  it("refuses to read the none driver with dockerd's words", () => {
    assert.throws(() => readContainerLog('none', options('/nonexistent')), {
      message: READING_NOT_SUPPORTED,
    });
  });
});
