import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compress } from '../../test/fixtures/compression.js';
import { detectCompression, openDecompressed } from './decompress.js';

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of source) parts.push(c);
  return Buffer.concat(parts);
}

describe('decompress', () => {
  const data = Buffer.from('lading '.repeat(100_000));

  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    it(`recognises and unpacks ${compression} by its magic bytes`, async () => {
      const packed = await collect(compress([data], compression));
      // feed it in awkward pieces: the magic straddles chunks
      const pieces = [packed.subarray(0, 1), packed.subarray(1, 3), packed.subarray(3)];
      const stream = await openDecompressed(pieces);
      assert.equal(stream.compression, compression);
      assert.deepEqual(await collect(stream.chunks as AsyncIterable<Buffer>), data);
      assert.equal(stream.compressedBytes(), packed.length);
      await stream.close();
    });
  }

  it('treats an empty stream as uncompressed', async () => {
    const stream = await openDecompressed([]);
    assert.equal(stream.compression, 'none');
    assert.equal((await collect(stream.chunks as AsyncIterable<Buffer>)).length, 0);
  });

  it('names formats it does not unpack', () => {
    assert.throws(() => detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), /xz/);
    assert.throws(() => detectCompression(Buffer.from('BZh91AY')), /bzip2/);
  });

  it('fails on corrupt zstd with the tool’s message', async () => {
    const packed = await collect(compress([data], 'zstd'));
    const broken = Buffer.concat([packed.subarray(0, 20), Buffer.alloc(100, 0x55)]);
    const stream = await openDecompressed([broken]);
    await assert.rejects(collect(stream.chunks as AsyncIterable<Buffer>), /not valid zstd/);
    await stream.close();
  });
});
