/**
 * tar-split at the archive level: applyLayer records to a stream or a file, replay gives the
 * bytes back, the recording accounts for every byte, and replay stays inside the diff dir
 * and refuses damaged recordings and changed files with clear errors.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tar, type TarEntry } from '../../test/fixtures/tar-builder.js';
import { sha256Digest } from '../oci/index.js';
import { applyLayer } from './apply-layer.js';
import { readTarSplit, replayTarSplit, TarSplitError, verifyTarSplit } from './tar-split.js';
import { testBase } from '../../test/support/test-base.js';

const BASE = mkdtempSync(join(testBase(), 'archive-tar-split-'));
after(() => rmSync(BASE, { recursive: true, force: true }));

function freshDir(label: string): string {
  const dir = mkdtempSync(join(BASE, `${label}-`));
  const root = join(dir, 'root');
  mkdirSync(root);
  return root;
}

async function readAll(readable: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Extracts `bytes` recording into memory; returns the root and the gzip'd recording. */
async function extract(bytes: Buffer, label: string): Promise<{ root: string; recording: Buffer }> {
  const root = freshDir(label);
  const sink = new PassThrough();
  const recorded = readAll(sink);
  await applyLayer([bytes], root, { tarSplit: sink });
  return { root, recording: await recorded };
}

/** A recording written by hand, for the cases applyLayer would never produce. */
function recordingOf(lines: object[]): Buffer {
  return gzipSync(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}
const HEADER = { 'tar-split': 'lading', v: 1 };
const b64 = (s: string): string => Buffer.from(s).toString('base64');

const ENTRIES: TarEntry[] = [
  { type: 'file', name: 'z', content: 'last name first', uname: 'someone', gname: 'staff' },
  { type: 'dir', name: 'd' },
  { type: 'symlink', name: 'l', target: 'd' },
  { type: 'file', name: 'l/through-link', content: 'lands in d/' },
  { type: 'file', name: 'empty', content: '' },
  { type: 'hardlink', name: 'z2', target: 'z' },
  { type: 'file', name: 'p', content: 'x', pax: { mtime: '1704067200.5', comment: 'c'.repeat(70_000) } },
];

describe('tar-split recording and replay', () => {
  it('records every byte: raw segments plus stored file bodies add up to the tar', async () => {
    const bytes = Buffer.concat([tar(ENTRIES, { format: 'pax' }), Buffer.alloc(3000)]);
    const { root, recording } = await extract(bytes, 'every-byte');
    const segments = [];
    for await (const s of readTarSplit(Readable.from([recording]))) segments.push(s);
    const files = segments.flatMap((s) => ('file' in s ? [s] : []));
    // The name through the symlink is recorded where it landed; empty files have no segment.
    assert.deepEqual(
      files.map((f) => [f.file, f.size]),
      [
        ['z', 15],
        ['d/through-link', 11],
        ['p', 1],
      ],
    );
    const total = segments.reduce((n, s) => n + ('raw' in s ? s.raw.length : s.size), 0);
    assert.equal(total, bytes.length);
    // A 70 KB PAX record is split over raw lines of at most 64 KiB.
    const lines = gunzipSync(recording).toString().trim().split('\n');
    assert.ok(lines.every((l) => l.length < 90_000));
    assert.deepEqual(JSON.parse(lines[0]!), HEADER);
    assert.deepEqual(JSON.parse(lines[lines.length - 1]!), { end: bytes.length });
    assert.deepEqual(await verifyTarSplit(Readable.from([recording]), root), { size: bytes.length });
    const out = await readAll(
      replayTarSplit(Readable.from([recording]), root, { expectedDiffId: sha256Digest(bytes) }),
    );
    assert.ok(out.equals(bytes));
  });

  it('records to a file it creates, and removes it when extraction fails', async () => {
    const bytes = tar(ENTRIES, { format: 'gnu' });
    const root = freshDir('to-file');
    const path = join(root, '..', 'tar-split.json.gz');
    await applyLayer([bytes], root, { tarSplit: path });
    const out = await readAll(replayTarSplit(Readable.from([readFileSync(path)]), root));
    assert.ok(out.equals(bytes));

    const failed = freshDir('to-file-fails');
    const failedPath = join(failed, '..', 'tar-split.json.gz');
    const hostile = tar([{ type: 'file', name: '../escape', content: 'x' }]);
    await assert.rejects(applyLayer([hostile], failed, { tarSplit: failedPath }), /"\.\." component/);
    assert.equal(existsSync(failedPath), false);
    // An existing file is never overwritten.
    await assert.rejects(applyLayer([bytes], freshDir('exists'), { tarSplit: path }), /EEXIST/);
  });

  it('a failing recording destination fails the extraction and rolls it back', async () => {
    const root = freshDir('bad-destination');
    const broken = new Writable({ write: (_chunk, _encoding, done) => done(new Error('disk full')) });
    await assert.rejects(applyLayer([tar(ENTRIES)], root, { tarSplit: broken }), /disk full/);
    assert.deepEqual(readdirSync(root), []);
  });

  it('a file whose size changed fails replay clearly; changed content fails the diffID check', async () => {
    const bytes = tar(ENTRIES, { format: 'pax' });
    const { root, recording } = await extract(bytes, 'tampered');
    writeFileSync(join(root, 'd', 'through-link'), 'longer than before');
    await assert.rejects(
      readAll(replayTarSplit(Readable.from([recording]), root)),
      (err: Error) =>
        err instanceof TarSplitError &&
        /"d\/through-link" .* has 18 bytes, its tar-split says 11 \(the diff dir changed/.test(err.message),
    );
    await assert.rejects(verifyTarSplit(Readable.from([recording]), root), /has 18 bytes/);

    writeFileSync(join(root, 'd', 'through-link'), 'LANDS IN D/'); // same size
    const received: Buffer[] = [];
    const replay = replayTarSplit(Readable.from([recording]), root, { expectedDiffId: sha256Digest(bytes) });
    await assert.rejects(
      (async () => {
        for await (const chunk of replay) received.push(chunk as Buffer);
      })(),
      /not its diffID/,
    );
    // The last chunk is held back until the digest is checked: the stream never looked whole.
    assert.ok(Buffer.concat(received).length < bytes.length);
  });

  it('replay never follows a symlink, in a parent or at the end, nor leaves the root', async () => {
    const root = freshDir('confined');
    const outside = join(root, '..', 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), 'secret');
    symlinkSync(outside, join(root, 'up'));
    symlinkSync(join(outside, 'secret'), join(root, 'final'));
    mkdirSync(join(root, 'fifo-dir'));
    const cases: [string, RegExp][] = [
      ['up/secret', /cannot replay the layer: "up\/secret".*(ELOOP|ENOTDIR|symbolic links)/],
      ['final', /cannot replay the layer: "final".*(ELOOP|symbolic links)/],
      ['../outside/secret', /not a plain relative path/],
      ['/etc/passwd', /not a plain relative path/],
      ['fifo-dir', /not a regular file/],
    ];
    for (const [path, error] of cases) {
      const recording = recordingOf([HEADER, { f: b64(path), s: 6 }, { end: 6 }]);
      await assert.rejects(readAll(replayTarSplit(Readable.from([recording]), root)), error, path);
    }
  });

  it('refuses damaged recordings', async () => {
    const root = freshDir('damaged');
    const cases: [Buffer, RegExp][] = [
      [recordingOf([HEADER, { r: b64('abc') }]), /cut short/],
      [recordingOf([HEADER, { r: b64('abc') }, { end: 4 }]), /covers 3 bytes, its end line says 4/],
      [recordingOf([HEADER, { end: 0 }, { r: b64('x') }]), /continues after its end line/],
      [recordingOf([{ 'tar-split': 'docker' }, { end: 0 }]), /not a lading tar-split recording/],
      [recordingOf([HEADER, { r: '!!' }, { end: 0 }]), /line 2 is malformed/],
      [recordingOf([HEADER, { f: b64('x'), s: -1 }, { end: 0 }]), /line 2 is malformed/],
      [gzipSync('not json\n'), /line 1 is not JSON/],
      [recordingOf([HEADER, { end: 0 }]).subarray(0, 20), /unreadable/],
      [Buffer.from('plain text'), /unreadable/],
      [gzipSync(`{"r":"${'A'.repeat(2 * 1024 * 1024)}`), /overlong line/],
    ];
    for (const [recording, error] of cases) {
      await assert.rejects(readAll(replayTarSplit(Readable.from([recording]), root)), error);
    }
  });

  it('an early stop closes the recording', async () => {
    const bytes = tar([{ type: 'file', name: 'f', content: Buffer.alloc(3 * 1024 * 1024, 1) }]);
    const { root, recording } = await extract(bytes, 'early-stop');
    const source = Readable.from([recording]);
    const replay = replayTarSplit(source, root);
    for await (const chunk of replay) {
      assert.ok((chunk as Buffer).length > 0);
      break;
    }
    assert.equal(source.destroyed, true);
    const untouched = Readable.from([recording]);
    replayTarSplit(untouched, root).destroy();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(untouched.destroyed, true);
  });
});
