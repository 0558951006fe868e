import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { readTarEntries, type TarEntryType } from './tar-reader.js';
import { END_OF_ARCHIVE, tarHeader, tarPadding } from './tar-writer.js';

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

async function read(bytes: Buffer, chunkSize = 7): Promise<[string, TarEntryType, string, string][]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: [string, TarEntryType, string, string][] = [];
  for await (const entry of readTarEntries(Readable.from(chunks))) {
    const parts: Buffer[] = [];
    for await (const c of entry.body) parts.push(c);
    out.push([entry.name, entry.type, entry.linkname, Buffer.concat(parts).toString()]);
  }
  return out;
}

describe('tar reader and writer', () => {
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
        ['dir', 'directory', '', ''],
        ['dir/a.txt', 'file', '', 'hello'],
        [long, 'file', '', 'long one'],
        ['link', 'symlink', 'dir/a.txt', ''],
        ['hard', 'link', 'dir/a.txt', ''],
        ['empty', 'file', '', ''],
      ]);
    }
  });

  it('writes headers a tar library reads back', async () => {
    const data = Buffer.from('x'.repeat(700));
    const bytes = Buffer.concat([
      tarHeader({ name: 'blobs', type: 'directory' }),
      tarHeader({ name: 'blobs/f', type: 'file', size: data.length }),
      data,
      tarPadding(data.length),
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
      ['blobs/', 'directory', '', ''],
      ['blobs/f', 'file', '', data.toString()],
    ]);
    assert.equal(
      tarHeader({ name: 'big', type: 'file', size: 2 ** 34 })[124],
      0x80,
      'base-256 size past 8 GiB',
    );
  });

  it('refuses corrupt and truncated archives', async () => {
    const bytes = await packed((pack) => pack.entry({ name: 'a' }, 'content'));
    const corrupt = Buffer.from(bytes);
    corrupt[0] = 0x41;
    await assert.rejects(read(corrupt), /checksum mismatch/);
    await assert.rejects(read(bytes.subarray(0, 515)), /unexpected end of tar/);
    assert.deepEqual(await read(Buffer.alloc(0)), []);
  });
});
