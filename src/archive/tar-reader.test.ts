import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeHeader } from '../../test/fixtures/tar-header.js';
import { tar, type TarEntry } from '../../test/fixtures/tar-builder.js';
import { TarReader, type TarHeader } from './tar-reader.js';

function read(
  bytes: Buffer,
  chunk = bytes.length,
  maxHeaderBytes = 1 << 20,
): { headers: TarHeader[]; bodies: Buffer[] } {
  const headers: TarHeader[] = [];
  const bodies: Buffer[] = [];
  const reader = new TarReader({
    maxHeaderBytes,
    onEntry: (h) => {
      headers.push(h);
      const parts: Buffer[] = [];
      return {
        write: (c) => void parts.push(Buffer.from(c)),
        end: () => void bodies.push(Buffer.concat(parts)),
      };
    },
  });
  for (let i = 0; i < bytes.length; i += chunk) reader.feed(bytes.subarray(i, i + chunk));
  reader.finish();
  return { headers, bodies };
}

describe('TarReader', () => {
  it('keeps PAX xattr values and non-UTF-8 names as exact bytes', () => {
    const value = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x3d]);
    const name = Buffer.from([0x61, 0xc3, 0x28, 0xff]);
    const { headers } = read(
      tar([{ type: 'file', name, content: 'x', xattrs: { 'security.capability': value } }]),
    );
    assert.deepEqual(Buffer.from(headers[0]?.name ?? '', 'latin1'), name);
    assert.deepEqual(headers[0]?.xattrs.get('security.capability'), value);
  });

  it('gives the same entries for any chunking', () => {
    const entries: TarEntry[] = [
      { type: 'file', name: 'a', content: 'x'.repeat(1000) },
      { type: 'file', name: `${'l/'.repeat(80)}f`, content: 'y' },
      { type: 'symlink', name: 's', target: 't'.repeat(300) },
    ];
    for (const format of ['pax', 'gnu'] as const) {
      const bytes = tar(entries, { format });
      const whole = read(bytes);
      for (const chunk of [1, 7, 511, 513]) assert.deepEqual(read(bytes, chunk), whole);
      assert.equal(whole.headers[1]?.name, `${'l/'.repeat(80)}f`);
      assert.equal(whole.headers[2]?.linkname, 't'.repeat(300));
      assert.equal(whole.bodies[0]?.toString(), 'x'.repeat(1000));
    }
  });

  it('reads base-256 numbers (GNU) and PAX numbers alike', () => {
    const entry: TarEntry = {
      type: 'file',
      name: 'f',
      uid: 3_000_000,
      gid: 2 ** 33,
      mtime: 2 ** 34,
      content: '',
    };
    for (const format of ['gnu', 'pax'] as const) {
      const h: TarHeader | undefined = read(tar([entry], { format })).headers[0];
      assert.equal(h?.uid, 3_000_000);
      assert.equal(h?.gid, 2 ** 33);
      assert.equal(h?.mtime, 2 ** 34);
    }
  });

  it('ignores PAX global headers but applies per-entry PAX records', () => {
    const { headers } = read(
      tar([
        { type: 'pax-global', records: { path: 'global-name', mtime: '5' } },
        { type: 'file', name: 'h', content: '', pax: { path: 'p', mtime: '12.25', atime: '3', uid: '9' } },
        { type: 'file', name: 'next', content: '' },
      ]),
    );
    assert.deepEqual(
      headers.map((h) => [h.name, h.mtime, h.atime, h.uid]),
      [
        ['p', 12.25, 3, 9],
        ['next', 1704067200, undefined, 0],
      ],
    );
  });

  it('rejects a bad checksum, a truncated entry, and records over the limit', () => {
    assert.throws(
      () => read(tar([{ type: 'file', name: 'f', content: '', raw: { checksum: 'bad' } }])),
      /checksum/,
    );
    assert.throws(
      () => read(tar([{ type: 'file', name: 'f', content: 'abc' }]).subarray(0, 512 + 2)),
      /truncated/,
    );
    assert.throws(
      () =>
        read(
          tar([{ type: 'file', name: 'f', content: '', pax: { comment: 'x'.repeat(2000) } }]),
          1 << 20,
          1024,
        ),
      /maxHeaderBytes|limit/,
    );
  });

  it('treats an old-style regular entry with a trailing slash as a directory', () => {
    const header = encodeHeader({
      name: 'olddir/',
      mode: 0o755,
      uid: 0,
      gid: 0,
      size: 0,
      mtime: 0,
      typeflag: '\0',
      magic: 'none',
    });
    const { headers } = read(Buffer.concat([header, Buffer.alloc(1024)]));
    assert.equal(headers[0]?.type, 'dir');
  });

  it('stops at the end marker; later bytes are not entries', () => {
    const bytes = Buffer.concat([
      tar([{ type: 'file', name: 'a', content: '' }]),
      tar([{ type: 'file', name: 'b', content: '' }]),
    ]);
    assert.deepEqual(
      read(bytes).headers.map((h) => h.name),
      ['a'],
    );
  });
});
