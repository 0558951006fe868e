import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createStdWriter, encodeFrame, MAX_FRAME_PAYLOAD, StdcopyDemuxer, StdStream } from './stdcopy.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString();

describe('stdcopy', () => {
  it('encodes the 8-byte header: stream, three zeros, big-endian size', () => {
    const frame = encodeFrame(StdStream.stderr, Buffer.from('hi'));
    assert.deepEqual([...frame], [2, 0, 0, 0, 0, 0, 0, 2, 104, 105]);
  });

  it('demuxes frames split at every possible byte boundary', () => {
    const wire = Buffer.concat([
      encodeFrame(StdStream.stdout, Buffer.from('hello')),
      encodeFrame(StdStream.stderr, Buffer.from('')),
      encodeFrame(StdStream.system, Buffer.from('boom')),
    ]);
    for (let cut = 0; cut <= wire.length; cut++) {
      for (let cut2 = cut; cut2 <= wire.length; cut2 += 3) {
        const d = new StdcopyDemuxer();
        const frames = [
          ...d.push(wire.subarray(0, cut)),
          ...d.push(wire.subarray(cut, cut2)),
          ...d.push(wire.subarray(cut2)),
        ];
        assert.deepEqual(
          frames.map((f) => [f.stream, text(f.payload)]),
          [
            [1, 'hello'],
            [2, ''],
            [3, 'boom'],
          ],
          `cuts ${cut}/${cut2}`,
        );
        assert.equal(d.bufferedBytes, 0);
      }
    }
  });

  it('demuxes byte by byte and reports a truncated tail', () => {
    const wire = Buffer.concat([
      encodeFrame(StdStream.stdout, Buffer.from('abc')),
      Buffer.from([1, 0, 0, 0, 0, 0]),
    ]);
    const d = new StdcopyDemuxer();
    const frames = [...wire].flatMap((byte) => d.push(Uint8Array.of(byte)));
    assert.deepEqual(
      frames.map((f) => text(f.payload)),
      ['abc'],
    );
    assert.equal(d.bufferedBytes, 6);
  });

  it('refuses an unknown stream id', () => {
    assert.throws(() => new StdcopyDemuxer().push(Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0)), /unknown stream/);
  });

  it('frames writes of a std writer, splitting large ones', async () => {
    const wire = new PassThrough();
    const chunks: Buffer[] = [];
    wire.on('data', (c: Buffer) => chunks.push(c));
    const out = createStdWriter(wire, StdStream.stdout);
    const big = Buffer.alloc(MAX_FRAME_PAYLOAD + 10, 'x');
    await new Promise<void>((resolve) => out.write(big, () => resolve()));
    const frames = new StdcopyDemuxer().push(Buffer.concat(chunks));
    assert.deepEqual(
      frames.map((f) => [f.stream, f.payload.length]),
      [
        [1, MAX_FRAME_PAYLOAD],
        [1, 10],
      ],
    );
  });
});
