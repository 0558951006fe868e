/**
 * The layer store gives back every layer byte for byte through its tar-split recording:
 * tars diffTarStream could never rebuild, compressed inputs, a changed diff dir, check's
 * report of a missing recording, and memory staying flat while a 300 MB layer replays.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { compress } from '../../test/fixtures/compression.js';
import { patternContent } from '../../test/fixtures/content-sources.js';
import { tar, tarStream as tarChunks, type TarEntry } from '../../test/fixtures/tar-builder.js';
import { opaque, whiteout } from '../../test/fixtures/whiteouts.js';
import { diffTarStream } from '../archive/index.js';
import { digestHex, sha256Digest } from '../oci/index.js';
import type { DefaultLayerStore } from './create-layer-store.js';
import { TAR_SPLIT_FILE } from './layer-records.js';
import { openStore, readAll, stream } from './layer-store.testsupport.js';

const NON_UTF8 = Buffer.from([0x6e, 0xff, 0x2e, 0x62, 0x69, 0x6e]);

/** Tars that diffTarStream cannot reproduce, each for its own reason. */
const CASES: { name: string; bytes: Buffer }[] = [
  {
    name: 'PAX headers with xattrs and non-ASCII names',
    bytes: tar(
      [
        { type: 'dir', name: 'données' },
        {
          type: 'file',
          name: 'données/été',
          content: 'accents',
          xattrs: { 'user.bin': Buffer.from([0, 1, 2, 255]), 'user.text': 'v' },
        },
        { type: 'file', name: NON_UTF8, content: 'not utf-8' },
        { type: 'file', name: 'n'.repeat(150), content: 'long name in a PAX path record' },
      ],
      { format: 'pax' },
    ),
  },
  {
    name: 'GNU long names and long link targets',
    bytes: tar(
      [
        { type: 'dir', name: 'g'.repeat(120) },
        { type: 'file', name: `${'g'.repeat(120)}/${'f'.repeat(120)}`, content: 'gnu' },
        { type: 'symlink', name: 'link', target: `/${'t'.repeat(200)}` },
      ],
      { format: 'gnu' },
    ),
  },
  {
    name: 'uname and gname set',
    bytes: tar([{ type: 'file', name: 'owned', content: 'x', uid: 1000, uname: 'app', gname: 'staff' }]),
  },
  {
    name: 'sub-second mtimes and atimes',
    bytes: tar([
      { type: 'dir', name: 'd', pax: { mtime: '1704067200.123456789' } },
      { type: 'file', name: 'd/f', content: 'x', pax: { mtime: '1704067200.5', atime: '1704067201.25' } },
    ]),
  },
  {
    name: 'entries in non-sorted order',
    bytes: tar([
      { type: 'file', name: 'z', content: 'z' },
      { type: 'file', name: 'a', content: 'a' },
      { type: 'file', name: 'm', content: 'm' },
    ]),
  },
  {
    name: 'hardlinks',
    bytes: tar([
      { type: 'file', name: 'target', content: 'shared', mode: 0o600 },
      { type: 'hardlink', name: 'link1', target: 'target' },
      { type: 'hardlink', name: 'link2', target: 'link1' },
    ]),
  },
  {
    name: 'whiteouts and opaque dirs',
    bytes: tar([
      { type: 'dir', name: 'o' },
      { ...opaque('o'), mode: 0o644, mtime: 1 },
      { type: 'file', name: 'o/kept', content: 'k' },
      { ...whiteout('gone'), uid: 7 },
      { ...whiteout('o/also-gone'), content: 'a whiteout with a body' },
    ]),
  },
  {
    name: 'a device and a FIFO',
    bytes: tar([
      { type: 'char', name: 'null', major: 1, minor: 3, mode: 0o666 },
      { type: 'block', name: 'loop0', major: 7, minor: 0 },
      { type: 'fifo', name: 'pipe' },
    ]),
  },
  {
    name: 'trailing zero blocks beyond the two end blocks',
    bytes: Buffer.concat([tar([{ type: 'file', name: 'f', content: 'x' }]), Buffer.alloc(20 * 512)]),
  },
  {
    name: 'trailing bytes that are not whole blocks',
    bytes: Buffer.concat([tar([{ type: 'file', name: 'f', content: 'x' }]), Buffer.alloc(700, 0)]),
  },
  {
    name: 'no end-of-archive blocks at all',
    bytes: tar([{ type: 'file', name: 'f', content: 'x' }], { end: false }),
  },
  {
    name: 'a directory listed after its children',
    bytes: tar([
      { type: 'file', name: 'late/child', content: 'c' },
      { type: 'dir', name: 'late/sub/' },
      { type: 'dir', name: 'late', mode: 0o700, uid: 5 },
    ]),
  },
  {
    name: 'the root as ./, a PAX global header, ustar prefixes, a file through a symlink',
    bytes: tar(
      [
        { type: 'pax-global', records: { comment: 'global' } },
        { type: 'dir', name: './', mode: 0o755 },
        { type: 'dir', name: './real' },
        { type: 'symlink', name: './alias', target: 'real' },
        { type: 'file', name: './alias/via-symlink', content: 'lands in real/' },
        { type: 'dir', name: `real/${'p'.repeat(90)}` },
        { type: 'file', name: `real/${'p'.repeat(90)}/${'q'.repeat(80)}`, content: 'prefix' },
      ],
      { format: 'ustar' },
    ),
  },
];

/**
 * How far RSS rose above its level at the start while `run` ran: sampled, and also taken from
 * the process's high-water mark when `run` set a new one (a tight loop may starve the timer).
 */
async function rssGrowth<T>(run: () => Promise<T>): Promise<{ value: T; growth: number }> {
  const before = process.memoryUsage().rss;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let peak = before;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const value = await run();
    const maxAfter = process.resourceUsage().maxRSS * 1024;
    peak = Math.max(peak, process.memoryUsage().rss, maxAfter > maxBefore ? maxAfter : 0);
    return { value, growth: peak - before };
  } finally {
    clearInterval(sample);
  }
}

for (const driver of ['overlay2', 'vfs'] as const) {
  describe(`layer store tar-split (${driver})`, () => {
    const cleanup = useCleanup();

    for (const c of CASES) {
      it(`gives back the exact tar: ${c.name}`, async () => {
        const { store } = await openStore(cleanup, driver, 'tar-split');
        const diffId = sha256Digest(c.bytes);
        const layer = await store.register(stream(c.bytes), undefined, { expectedDiffId: diffId });
        const out = await readAll(store.tarStream(layer.chainId));
        assert.equal(sha256Digest(out), diffId);
        assert.ok(out.equals(c.bytes));
        // …which rebuilding from the diff dir does not.
        const diffDir = (store as DefaultLayerStore).graph.diffDir(layer.cacheId);
        assert.notEqual(sha256Digest(await readAll(diffTarStream(diffDir))), diffId);
      });
    }
  });
}

describe('layer store tar-split: inputs, damage, check', () => {
  const cleanup = useCleanup();
  const driver = 'overlay2';
  const layerdb = (dataRoot: string): string => join(dataRoot, 'image', driver, 'layerdb');

  for (const compression of ['gzip', 'zstd'] as const) {
    it(`records the uncompressed stream of a ${compression} layer`, async () => {
      const { store } = await openStore(cleanup, driver, compression);
      const plain = CASES[0]!.bytes;
      const packed = await readAll(Readable.from(compress([plain], compression)));
      assert.ok(!packed.equals(plain));
      const layer = await store.register(stream(packed), undefined, { expectedDiffId: sha256Digest(plain) });
      assert.ok((await readAll(store.tarStream(layer.chainId))).equals(plain));
    });
  }

  it('keeps the recording in the layer record; nothing is left in tmp/ by a failed register', async () => {
    const { store, dataRoot } = await openStore(cleanup, driver, 'record');
    const bytes = CASES[4]!.bytes;
    const layer = await store.register(stream(bytes), undefined);
    const record = join(layerdb(dataRoot), 'sha256', digestHex(layer.chainId));
    assert.deepEqual(readdirSync(record).sort(), ['cache-id', 'diff', 'size', TAR_SPLIT_FILE]);
    await assert.rejects(
      store.register(stream(CASES[5]!.bytes), undefined, { expectedDiffId: sha256Digest('other') }),
      /diffID/i,
    );
    await store.register(stream(bytes), undefined); // idempotent: the second copy is discarded
    assert.deepEqual(readdirSync(join(layerdb(dataRoot), 'tmp')), []);
  });

  it('check --repair during a register keeps the recording it is writing', async () => {
    const { store, dataRoot } = await openStore(cleanup, driver, 'concurrent');
    const bytes = CASES[0]!.bytes;
    const input = new PassThrough();
    const registering = store.register(input, undefined);
    input.write(bytes.subarray(0, 1024));
    const tmp = join(layerdb(dataRoot), 'tmp');
    for (let i = 0; !readdirSync(tmp).some((n) => n.startsWith('tar-split-')); i++) {
      assert.ok(i < 500, 'the register never staged its recording');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(await store.check({ repair: true }), []);
    input.end(bytes.subarray(1024));
    const layer = await registering;
    assert.ok((await readAll(store.tarStream(layer.chainId))).equals(bytes));
    assert.deepEqual(readdirSync(tmp), []);
  });

  it('a diff file whose size changed makes tarStream fail clearly', async () => {
    const { store } = await openStore(cleanup, driver, 'tampered');
    const layer = await store.register(stream(CASES[3]!.bytes), undefined);
    appendFileSync(join((store as DefaultLayerStore).graph.diffDir(layer.cacheId), 'd', 'f'), 'more');
    await assert.rejects(
      readAll(store.tarStream(layer.chainId)),
      /"d\/f" in .* has 5 bytes, its tar-split says 1 \(the diff dir changed after extraction\)/,
    );
  });

  it('check reports a missing recording, repair leaves the layer, tarStream falls back', async () => {
    const { store, dataRoot } = await openStore(cleanup, driver, 'check');
    const bytes = tar([{ type: 'file', name: 'f', content: 'x' }], { format: 'ustar' });
    const layer = await store.register(stream(bytes), undefined);
    assert.deepEqual(await store.check({ repair: false }), []);
    unlinkSync(join(layerdb(dataRoot), 'sha256', digestHex(layer.chainId), TAR_SPLIT_FILE));
    for (const repair of [false, true]) {
      const found = await store.check({ repair });
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0]!.subject, layer.chainId);
      assert.match(found[0]!.problem, /tar-split\.json\.gz is missing: .*repair cannot recreate/);
      assert.equal(found[0]!.repaired, undefined);
    }
    assert.deepEqual(store.get(layer.chainId), layer);
    // diffTarStream's own form, so the fallback still matches here.
    assert.equal(sha256Digest(await readAll(store.tarStream(layer.chainId))), layer.diffId);
  });

  it('check reports a damaged recording', async () => {
    const { store, dataRoot } = await openStore(cleanup, driver, 'check-damaged');
    const layer = await store.register(stream(CASES[2]!.bytes), undefined);
    appendFileSync(join(layerdb(dataRoot), 'sha256', digestHex(layer.chainId), TAR_SPLIT_FILE), 'junk');
    const found = await store.check({ repair: false });
    assert.match(
      JSON.stringify(found),
      /tar-split\.json\.gz is unusable \(tar-split recording is unreadable/,
    );
  });

  it('replays a 300 MB layer with bounded memory', async () => {
    const { store } = await openStore(cleanup, 'vfs', 'large');
    const size = 300 * 1024 * 1024;
    const entries: TarEntry[] = [
      { type: 'file', name: 'small', content: 'before', uname: 'u', gname: 'g' },
      { type: 'file', name: 'big', content: patternContent(size, 'large'), pax: { mtime: '1.5' } },
      { type: 'file', name: 'after', content: 'after' },
    ];
    const layer = await rssGrowth(() => store.register(Readable.from(tarChunks(entries)), undefined));
    const hash = createHash('sha256');
    let bytes = 0;
    const replay = await rssGrowth(async () => {
      for await (const chunk of store.tarStream(layer.value.chainId)) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
    });
    assert.equal(`sha256:${hash.digest('hex')}`, layer.value.diffId);
    assert.ok(bytes > size);
    const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
    console.log(
      `tar-split, 300 MB layer: RSS grew ${mib(layer.growth)} extracting, ${mib(replay.growth)} replaying`,
    );
    assert.ok(layer.growth < 100 * 2 ** 20, `RSS grew by ${mib(layer.growth)} while extracting`);
    assert.ok(replay.growth < 100 * 2 ** 20, `RSS grew by ${mib(replay.growth)} while replaying`);
  });
});
