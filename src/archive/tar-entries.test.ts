/**
 * readTarEntries (pull-style reading over TarReader) and the header writer as image archives
 * use them (moved here from image's own tar reader and writer, with their assertions).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { readTarEntries } from './tar-entries.js';
import type { TarEntryType } from './tar-reader.js';
import { encodeHeader, END_OF_ARCHIVE, padding, type HeaderInput } from './tar-writer-header.js';

async function packed(build: (pack: tar.Pack) => void): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  build(pack);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function read(
  bytes: Buffer,
  chunkSize = 7,
  take: 'all' | 'none' | 'first' = 'all',
): Promise<[string, TarEntryType, string, string][]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: [string, TarEntryType, string, string][] = [];
  for await (const entry of readTarEntries(Readable.from(chunks))) {
    const parts: Buffer[] = [];
    if (take === 'all') for await (const c of entry.body) parts.push(c);
    if (take === 'first') {
      for await (const c of entry.body) {
        parts.push(c);
        break; // returns the body early: the rest is skipped
      }
    }
    out.push([entry.name, entry.type, entry.linkname, Buffer.concat(parts).toString()]);
  }
  return out;
}

function header(name: string, type: 'file' | 'dir', size = 0): Buffer {
  const input: HeaderInput = {
    name: Buffer.from(type === 'dir' && !name.endsWith('/') ? `${name}/` : name),
    mode: type === 'dir' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    size,
    mtime: 0,
    typeflag: type === 'dir' ? '5' : '0',
  };
  return encodeHeader(input);
}

describe('tar entries (pull reading) and the header writer', () => {
  it('reads what a tar library writes, long names and links included, in any chunking', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const bytes = await packed((pack) => {
      pack.entry({ name: 'dir', type: 'directory' });
      pack.entry({ name: 'dir/a.txt' }, 'hello');
      pack.entry({ name: long }, 'long one');
      pack.entry({ name: 'link', type: 'symlink', linkname: 'dir/a.txt' });
      pack.entry({ name: 'hard', type: 'link', linkname: 'dir/a.txt' });
      pack.entry({ name: 'empty' }, '');
    });
    for (const size of [1, 7, 512, 100_000]) {
      assert.deepEqual(await read(bytes, size), [
        ['dir', 'dir', '', ''],
        ['dir/a.txt', 'file', '', 'hello'],
        [long, 'file', '', 'long one'],
        ['link', 'symlink', 'dir/a.txt', ''],
        ['hard', 'hardlink', 'dir/a.txt', ''],
        ['empty', 'file', '', ''],
      ]);
    }
  });

  it('skips bodies left unread or read in part', async () => {
    const bytes = await packed((pack) => {
      pack.entry({ name: 'a' }, 'x'.repeat(5000));
      pack.entry({ name: 'b' }, 'second');
    });
    assert.deepEqual(
      (await read(bytes, 100, 'none')).map(([name]) => name),
      ['a', 'b'],
    );
    const [a, b] = await read(bytes, 100, 'first');
    assert.ok(a !== undefined && a[3].length > 0 && a[3].length < 5000, 'only a part of a was read');
    assert.deepEqual(b, ['b', 'file', '', 'second']);
  });

  it('writes headers a tar library reads back', async () => {
    const data = Buffer.from('x'.repeat(700));
    const bytes = Buffer.concat([
      header('blobs', 'dir'),
      header('blobs/f', 'file', data.length),
      data,
      padding(data.length),
      END_OF_ARCHIVE,
    ]);
    const extract = tar.extract();
    const names: string[] = [];
    const feeding = (async () => extract.end(bytes))();
    for await (const entry of extract) {
      names.push(`${entry.header.name}:${entry.header.type}:${entry.header.size}`);
      entry.resume();
    }
    await feeding;
    assert.deepEqual(names, ['blobs/:directory:0', 'blobs/f:file:700']);
    assert.deepEqual(await read(bytes), [
      ['blobs/', 'dir', '', ''],
      ['blobs/f', 'file', '', data.toString()],
    ]);
    // Past 8 GiB the size goes into a PAX record (as Go writes it); the reader takes it.
    const big = header('big', 'file', 2 ** 34);
    const entries: number[] = [];
    for await (const entry of readTarEntries(Readable.from([big]))) {
      entries.push(entry.size);
      break;
    }
    assert.deepEqual(entries, [2 ** 34]);
  });

  it('refuses corrupt and truncated archives', async () => {
    const bytes = await packed((pack) => pack.entry({ name: 'a' }, 'content'));
    const corrupt = Buffer.from(bytes);
    corrupt[0] = 0x41;
    await assert.rejects(read(corrupt), /checksum/);
    await assert.rejects(read(bytes.subarray(0, 515)), /truncated/);
    assert.deepEqual(await read(Buffer.alloc(0)), []);
  });
});
