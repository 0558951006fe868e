/** The json-file writer: Docker's entry format, line splitting, rotation. Real files. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { JsonFileWriter, encodeEntry } from './json-file-writer.js';
import { MAX_LINE_PIECE } from './line-splitter.js';

interface Entry {
  log?: string;
  stream: string;
  time: string;
  attrs?: Record<string, string>;
}

const entries = (path: string): Entry[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Entry);

describe('json-file writer', () => {
  const cleanup = useCleanup();
  const logPath = (): string => {
    const dirs = makeTestDirs('jsonlog-w');
    cleanup.directory(dirs.root);
    return join(dirs.dataRoot, 'c-json.log');
  };

  it("writes Docker's bytes for an entry", () => {
    const line = encodeEntry({
      stream: 'stdout',
      line: Buffer.from('a<b'),
      partial: false,
      timeNs: 1_700_000_000_120_000_000n,
    });
    assert.equal(
      line.toString(),
      '{"log":"a\\u003cb\\n","stream":"stdout","time":"2023-11-14T22:13:20.12Z"}\n',
    );
    const withAttrs = encodeEntry(
      { stream: 'stderr', line: Buffer.from('x'), partial: true, timeNs: 1_700_000_000_000_000_000n },
      Buffer.from('{"a":"1"}'),
    );
    assert.equal(
      withAttrs.toString(),
      '{"log":"x","stream":"stderr","attrs":{"a":"1"},"time":"2023-11-14T22:13:20Z"}\n',
    );
  });

  it('splits lines, keeps partial ones until the newline, and flushes the rest at close', async () => {
    const path = logPath();
    const writer = await JsonFileWriter.open({ path, maxSize: -1, maxFile: 1, attrs: {} });
    writer.write('stdout', Buffer.from('one\ntw'));
    writer.write('stderr', Buffer.from('err\n'));
    writer.write('stdout', Buffer.from('o\nthr'));
    await writer.flush();
    assert.deepEqual(
      entries(path).map((e) => [e.stream, e.log]),
      [
        ['stdout', 'one\n'],
        ['stderr', 'err\n'],
        ['stdout', 'two\n'],
      ],
    );
    await writer.close();
    assert.deepEqual(entries(path).at(-1)?.log, 'thr');
    assert.equal(statSync(path).mode & 0o777, 0o640);
    for (const e of entries(path)) assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  });

  it('cuts a line without newline into 16 KiB pieces that share the first piece time', async () => {
    const path = logPath();
    const writer = await JsonFileWriter.open({ path, maxSize: -1, maxFile: 1, attrs: { team: 'blue' } });
    const long = Buffer.alloc(MAX_LINE_PIECE * 2 + 10, 'x');
    // Fed in odd-sized chunks, as a pipe delivers them.
    for (let i = 0; i < long.length; i += 5000) writer.write('stdout', long.subarray(i, i + 5000));
    writer.write('stdout', Buffer.from('\n'));
    writer.write('stdout', Buffer.alloc(MAX_LINE_PIECE - 1, 'y'));
    writer.write('stdout', Buffer.from('\n'));
    await writer.close();
    const got = entries(path);
    assert.deepEqual(
      got.map((e) => e.log?.length),
      [MAX_LINE_PIECE, MAX_LINE_PIECE, 11, MAX_LINE_PIECE],
    );
    assert.ok(got[2]!.log!.endsWith('x\n'));
    assert.equal(got[0]!.time, got[1]!.time);
    assert.equal(got[1]!.time, got[2]!.time);
    assert.deepEqual(got[0]!.attrs, { team: 'blue' });
  });

  it('a newline just past 16 KiB still cuts the line first, as Docker does', async () => {
    const path = logPath();
    const writer = await JsonFileWriter.open({ path, maxSize: -1, maxFile: 1, attrs: {} });
    writer.write('stdout', Buffer.concat([Buffer.alloc(MAX_LINE_PIECE, 'z'), Buffer.from('\nnext\n')]));
    await writer.close();
    assert.deepEqual(
      entries(path).map((e) => e.log?.length),
      [MAX_LINE_PIECE, 1, 5],
    );
  });

  it('rotates at max-size and keeps max-file files', async () => {
    const path = logPath();
    const writer = await JsonFileWriter.open({ path, maxSize: 1000, maxFile: 3, attrs: {} });
    for (let i = 0; i < 100; i++)
      writer.write('stdout', Buffer.from(`line ${String(i).padStart(3, '0')} ${'.'.repeat(40)}\n`));
    await writer.close();
    assert.ok(existsSync(`${path}.1`) && existsSync(`${path}.2`));
    assert.ok(!existsSync(`${path}.3`));
    for (const file of [path, `${path}.1`, `${path}.2`]) {
      // The size is checked before each entry, so a file passes max-size by at most one entry.
      assert.ok(statSync(file).size < 1000 + 100, `${file} is ${statSync(file).size} bytes`);
    }
    const kept = [`${path}.2`, `${path}.1`, path].flatMap((f) => entries(f).map((e) => e.log!));
    assert.equal(kept.at(-1), `line 099 ${'.'.repeat(40)}\n`);
    // Oldest to newest without gaps.
    const numbers = kept.map((l) => Number(l.slice(5, 8)));
    numbers.forEach((n, i) => i > 0 && assert.equal(n, numbers[i - 1]! + 1));
    assert.ok(numbers[0]! > 0, 'the oldest entries were dropped');
  });

  it('with max-file 1 the file starts over at max-size', async () => {
    const path = logPath();
    const writer = await JsonFileWriter.open({ path, maxSize: 500, maxFile: 1, attrs: {} });
    for (let i = 0; i < 50; i++) writer.write('stdout', Buffer.from(`entry ${i}\n`));
    await writer.close();
    assert.ok(!existsSync(`${path}.1`));
    assert.ok(statSync(path).size < 600);
    assert.equal(entries(path).at(-1)?.log, 'entry 49\n');
  });

  it('appends to an existing log and counts its size for rotation', async () => {
    const path = logPath();
    const first = await JsonFileWriter.open({ path, maxSize: 300, maxFile: 2, attrs: {} });
    for (let i = 0; i < 3; i++) first.write('stdout', Buffer.from(`first ${i}\n`));
    await first.close();
    const second = await JsonFileWriter.open({ path, maxSize: 300, maxFile: 2, attrs: {} });
    for (let i = 0; i < 3; i++) second.write('stdout', Buffer.from(`second ${i}\n`));
    await second.close();
    const all = [...entries(`${path}.1`), ...entries(path)].map((e) => e.log);
    assert.deepEqual(all.slice(0, 2), ['first 0\n', 'first 1\n']);
    assert.equal(all.at(-1), 'second 2\n');
  });
});
