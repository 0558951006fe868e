/**
 * The layer store over both drivers: registering (idempotent, concurrent, verified),
 * references and deletion of whole chains, rw layers, a container rootfs compared entry by
 * entry with what its layers describe, tarStream round trips, crash recovery and check.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { tar, type TarEntry } from '../../test/fixtures/tar-builder.js';
import { opaque, whiteout } from '../../test/fixtures/whiteouts.js';
import { DiffIdMismatchError } from '../archive/index.js';
import { digestHex, sha256Digest } from '../oci/index.js';
import { chainIdOf } from './chain-id.js';
import type { StorageDriverName } from './layer-store.js';
import {
  countingStream,
  layerTar,
  modelRootfs,
  observedRootfs,
  openStore,
  readAll,
  reopen,
  sortedObject,
  stream,
} from './layer-store.testsupport.js';

const file = (name: string, content: string, extra: Partial<TarEntry> = {}): TarEntry =>
  ({ type: 'file', name, content, ...extra }) as TarEntry;
const dir = (name: string, extra: Partial<TarEntry> = {}): TarEntry =>
  ({ type: 'dir', name, ...extra }) as TarEntry;

const BASE = layerTar([dir('etc'), file('etc/os-release', 'lading'), file('etc/motd', 'hello')]);
const MID = layerTar([dir('srv'), file('srv/app', 'v1')]);
const TOP = layerTar([dir('srv'), file('srv/app', 'v2')]);

for (const driver of ['overlay2', 'vfs'] as const satisfies readonly StorageDriverName[]) {
  describe(`layer store (${driver})`, () => {
    const cleanup = useCleanup();
    const layerdb = (dataRoot: string): string => join(dataRoot, 'image', driver, 'layerdb');

    it('registers a layer: chainID, size, records written as a whole directory', async () => {
      const { store, dataRoot } = await openStore(cleanup, driver);
      assert.equal(store.driver, driver);
      const layer = await store.register(stream(BASE.bytes), undefined);
      assert.equal(layer.diffId, BASE.diffId);
      assert.equal(layer.chainId, BASE.diffId); // the bottom layer's chainID is its diffID
      assert.equal(layer.parent, undefined);
      assert.equal(layer.size, 'lading'.length + 'hello'.length);
      const record = join(layerdb(dataRoot), 'sha256', digestHex(layer.chainId));
      assert.deepEqual(readdirSync(record).sort(), ['cache-id', 'diff', 'size', 'tar-split.json.gz']);
      assert.equal(readFileSync(join(record, 'diff'), 'utf8'), BASE.diffId);
      assert.equal(readFileSync(join(record, 'cache-id'), 'utf8'), layer.cacheId);
      assert.deepEqual(readdirSync(join(layerdb(dataRoot), 'tmp')), []);
      const child = await store.register(stream(MID.bytes), layer.chainId);
      assert.equal(child.chainId, chainIdOf(layer.chainId, MID.diffId));
      assert.equal(child.chainId, sha256Digest(`${layer.chainId} ${MID.diffId}`));
      assert.equal(
        readFileSync(join(layerdb(dataRoot), 'sha256', digestHex(child.chainId), 'parent'), 'utf8'),
        layer.chainId,
      );
      assert.deepEqual(store.get(child.chainId), child);
      assert.equal(store.list().length, 2);
    });

    it('registering an existing chain is a no-op that returns the existing layer', async () => {
      const { store } = await openStore(cleanup, driver);
      const first = await store.register(stream(BASE.bytes), undefined);
      const second = await store.register(stream(BASE.bytes), undefined);
      const third = await store.register(stream(BASE.bytes), undefined, { expectedDiffId: BASE.diffId });
      assert.deepEqual(second, first);
      assert.deepEqual(third, first);
      assert.equal(store.list().length, 1);
      // Three references: the first two releases keep it, the third deletes it.
      assert.deepEqual(await store.release(first.chainId), []);
      assert.deepEqual(await store.release(first.chainId), []);
      assert.deepEqual(await store.release(first.chainId), [first]);
      assert.equal(store.get(first.chainId), undefined);
      await assert.rejects(store.release(first.chainId), /does not exist/);
    });

    it('rejects a layer whose diffID is not the expected one, keeping nothing', async () => {
      const { store, dataRoot } = await openStore(cleanup, driver);
      await assert.rejects(
        store.register(stream(BASE.bytes), undefined, { expectedDiffId: MID.diffId }),
        (err: unknown) => err instanceof DiffIdMismatchError,
      );
      assert.deepEqual(store.list(), []);
      assert.deepEqual(readdirSync(join(layerdb(dataRoot), 'sha256')), []);
      const home = join(dataRoot, driver);
      const leftovers = readdirSync(home).filter((n) => !['l', 'dir', 'diff'].includes(n));
      assert.deepEqual(leftovers, []);
      if (driver === 'vfs') assert.deepEqual(readdirSync(join(home, 'dir')), []);
    });

    it('a stream that breaks halfway, or an abort, keeps nothing', async () => {
      const { store, dataRoot } = await openStore(cleanup, driver);
      const broken = new Readable({
        read() {
          this.push(BASE.bytes.subarray(0, 1024));
          this.destroy(new Error('connection reset'));
        },
      });
      await assert.rejects(store.register(broken, undefined), /connection reset/);
      const aborted = AbortSignal.abort();
      await assert.rejects(store.register(stream(BASE.bytes), undefined, { signal: aborted }), /abort/i);
      await assert.rejects(
        store.register(stream(BASE.bytes), undefined, { expectedDiffId: BASE.diffId, signal: aborted }),
        /abort/i,
      );
      assert.deepEqual(store.list(), []);
      const home = join(dataRoot, driver);
      assert.deepEqual(
        readdirSync(home).filter((n) => !['l', 'dir', 'diff'].includes(n)),
        [],
      );
      // and a good register afterwards works
      assert.equal((await store.register(stream(BASE.bytes), undefined)).diffId, BASE.diffId);
    });

    it('ten concurrent registers of one chain extract once and all get the layer', async () => {
      const { store } = await openStore(cleanup, driver);
      const counter = { reads: 0 };
      const layers = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.register(countingStream(BASE.bytes, counter), undefined, { expectedDiffId: BASE.diffId }),
        ),
      );
      assert.equal(counter.reads, 1);
      for (const layer of layers) assert.deepEqual(layer, layers[0]);
      for (let i = 0; i < 9; i++) assert.deepEqual(await store.release(BASE.diffId), []);
      assert.equal((await store.release(BASE.diffId)).length, 1);
    });

    it('concurrent registers without an expected diffID keep one copy on disk', async () => {
      const { store, dataRoot } = await openStore(cleanup, driver);
      const layers = await Promise.all(
        Array.from({ length: 4 }, () => store.register(stream(BASE.bytes), undefined)),
      );
      for (const layer of layers) assert.deepEqual(layer, layers[0]);
      const home = join(dataRoot, driver);
      const ids =
        driver === 'vfs' ? readdirSync(join(home, 'dir')) : readdirSync(home).filter((n) => n !== 'l');
      assert.deepEqual(ids, [layers[0]!.cacheId]);
    });

    it('a layer with a layer above it survives its release; the chain goes top first', async () => {
      const { store, dataRoot } = await openStore(cleanup, driver);
      const base = await store.register(stream(BASE.bytes), undefined);
      const mid = await store.register(stream(MID.bytes), base.chainId);
      const top = await store.register(stream(TOP.bytes), mid.chainId);
      assert.deepEqual(await store.release(base.chainId), []);
      assert.deepEqual(await store.release(mid.chainId), []);
      assert.ok(store.get(base.chainId));
      store.retain(top.chainId);
      assert.deepEqual(await store.release(top.chainId), []);
      assert.deepEqual(await store.release(top.chainId), [top, mid, base]);
      assert.deepEqual(store.list(), []);
      assert.deepEqual(readdirSync(join(layerdb(dataRoot), 'sha256')), []);
      await assert.rejects(store.register(stream(MID.bytes), base.chainId), /does not exist/);
      assert.throws(() => store.retain(base.chainId), /does not exist/);
    });

    it('rw layers: init layer, nested mounts, writes, unmount, removal releases the parent', async () => {
      const { store, dataRoot } = await openStore(cleanup, driver);
      const base = await store.register(stream(BASE.bytes), undefined);
      const rw = await store.createRWLayer('c1', base.chainId, {
        initialize: async (initDir) => {
          writeFileSync(join(initDir, 'etc', 'hostname'), 'c1\n');
          return Promise.resolve();
        },
      });
      assert.equal(rw.initId, `${rw.mountId}-init`);
      assert.deepEqual(store.getRWLayer('c1'), rw);
      const record = join(layerdb(dataRoot), 'mounts', 'c1');
      assert.equal(readFileSync(join(record, 'mount-id'), 'utf8'), rw.mountId);
      assert.equal(readFileSync(join(record, 'init-id'), 'utf8'), rw.initId);
      assert.equal(readFileSync(join(record, 'parent'), 'utf8'), base.chainId);
      await assert.rejects(store.createRWLayer('c1', base.chainId), /already exists/);

      const rootfs = await store.mount('c1');
      assert.equal(await store.mount('c1'), rootfs);
      assert.equal(readFileSync(join(rootfs, 'etc', 'hostname'), 'utf8'), 'c1\n');
      assert.equal(readFileSync(join(rootfs, 'etc', 'motd'), 'utf8'), 'hello');
      writeFileSync(join(rootfs, 'etc', 'motd'), 'changed');
      await store.unmount('c1');
      assert.equal(
        readFileSync(join(rootfs, 'etc', 'motd'), 'utf8'),
        'changed',
        'still mounted for the other user',
      );
      await assert.rejects(store.removeRWLayer('c1'), /is mounted/);
      await store.unmount('c1');
      if (driver === 'overlay2') assert.equal(existsSync(join(rootfs, 'etc')), false, 'unmounted');
      const again = await store.mount('c1');
      assert.equal(readFileSync(join(again, 'etc', 'motd'), 'utf8'), 'changed');
      await store.unmount('c1');

      // The image's reference goes; the rw layer still holds the layer.
      assert.deepEqual(await store.release(base.chainId), []);
      assert.ok(store.get(base.chainId));
      await store.removeRWLayer('c1');
      assert.equal(store.getRWLayer('c1'), undefined);
      assert.equal(store.get(base.chainId), undefined, 'removing the last user deleted the layer');
      assert.deepEqual(readdirSync(join(layerdb(dataRoot), 'mounts')), []);
      await assert.rejects(store.mount('c1'), /does not exist/);
    });

    it('a container rootfs from three layers shows exactly what the layers describe', async () => {
      const { store } = await openStore(cleanup, driver);
      const layer1: TarEntry[] = [
        dir('bin'),
        file('bin/sh', '#!/bin/true\n', { mode: 0o755 }),
        dir('etc'),
        file('etc/motd', 'welcome'),
        file('etc/passwd', 'root:x:0:0::/root:/bin/sh\n'),
        dir('opt', { mode: 0o750, uid: 7, gid: 8 }),
        file('opt/a', 'a'),
        file('opt/b', 'b'),
        dir('usr'),
        dir('usr/lib'),
        file('usr/lib/libx.so', 'ELF', { mode: 0o755 }),
        { type: 'symlink', name: 'usr/lib/libx.so.1', target: 'libx.so' },
        file('usr/bin-suid', 'suid', { mode: 0o4755, uid: 1000, gid: 1000 }),
        {
          type: 'hardlink',
          name: 'usr/bin-suid-link',
          target: 'usr/bin-suid',
          mode: 0o4755,
          uid: 1000,
          gid: 1000,
        },
        file('note', 'has xattrs', { xattrs: { 'user.color': 'blue' } }),
      ];
      const layer2: TarEntry[] = [
        dir('etc'),
        whiteout('etc/motd'),
        dir('opt', { mode: 0o700 }),
        opaque('opt'),
        file('opt/c', 'c'),
        dir('var', { mode: 0o755 }),
        dir('var/log'),
        file('var/log/app.log', 'log', { mode: 0o640, uid: 1, gid: 2 }),
        { type: 'fifo', name: 'var/fifo', mode: 0o600 },
        { type: 'char', name: 'var/null', major: 1, minor: 3, mode: 0o666 },
        dir('usr'),
        dir('usr/lib'),
        whiteout('usr/lib/libx.so.1'),
      ];
      const layer3: TarEntry[] = [
        whiteout('usr'),
        dir('etc'),
        file('etc/motd', 'back again', { mode: 0o600 }),
        file('bin/sh', '#!/bin/false\n', { mode: 0o700 }),
      ];
      let parent: string | undefined;
      for (const entries of [layer1, layer2, layer3]) {
        const t = layerTar(entries);
        parent = (await store.register(stream(t.bytes), parent as never, { expectedDiffId: t.diffId }))
          .chainId;
      }
      await store.createRWLayer('box', parent as never);
      const rootfs = await store.mount('box');
      try {
        assert.deepEqual(
          sortedObject(observedRootfs(rootfs)),
          sortedObject(modelRootfs([layer1, layer2, layer3], { init: true })),
        );
      } finally {
        await store.unmount('box');
      }
    });

    it('tarStream gives back the exact bytes of a layer written in its form', async () => {
      const { store } = await openStore(cleanup, driver);
      const base = await store.register(
        stream(layerTar([dir('a'), file('a/x', 'x'), dir('dir'), file('dir/gone', 'g')]).bytes),
        undefined,
      );
      const longDir = `deep/${'d'.repeat(90)}`;
      const entries: TarEntry[] = [
        dir('a'),
        { ...opaque('a'), mode: 0o755, mtime: 0 },
        file('a/y', 'y'),
        file('b', 'hello', { mode: 0o640, uid: 1000, gid: 1000 }),
        file('big', 'z'.repeat(70_000)),
        { type: 'hardlink', name: 'c', target: 'b', mode: 0o640, uid: 1000, gid: 1000 },
        { type: 'char', name: 'd', major: 1, minor: 3, mode: 0o666 },
        dir('deep'),
        dir(longDir),
        file(`${longDir}/${'f'.repeat(60)}`, 'long name, ustar prefix'),
        dir('dir', { mode: 0o700 }),
        { ...whiteout('dir/gone'), mode: 0o600, mtime: 0 },
        { type: 'symlink', name: 'dir/zz', target: '../b' },
        { type: 'fifo', name: 'e' },
      ];
      const t = layerTar(entries);
      const layer = await store.register(stream(t.bytes), base.chainId, { expectedDiffId: t.diffId });
      const out = await readAll(store.tarStream(layer.chainId));
      assert.equal(sha256Digest(out), layer.diffId);
      assert.ok(out.equals(t.bytes));
    });

    it('tarStream of PAX layers (xattrs, non-ASCII names) round-trips to the same tree and bytes', async () => {
      const { store } = await openStore(cleanup, driver);
      const entries: TarEntry[] = [
        dir('données'),
        file('données/été', 'accents', { xattrs: { 'user.k': Buffer.from([0, 1, 2, 255]) } }),
        file(`${'n'.repeat(120)}`, 'a 120-byte name without a slash needs PAX'),
        { type: 'symlink', name: 'far', target: `/${'t'.repeat(150)}` },
      ];
      const original = await store.register(stream(tar(entries, { format: 'pax' })), undefined);
      const once = await readAll(store.tarStream(original.chainId));
      const { store: other } = await openStore(cleanup, driver, 'other');
      const copy = await other.register(stream(once), undefined, { expectedDiffId: sha256Digest(once) });
      const twice = await readAll(other.tarStream(copy.chainId));
      assert.ok(twice.equals(once), 'tarStream is a fixed point of extract → tarStream');
      await other.createRWLayer('x', copy.chainId);
      await store.createRWLayer('x', original.chainId);
      const a = await store.mount('x');
      const b = await other.mount('x');
      try {
        assert.deepEqual(sortedObject(observedRootfs(b)), sortedObject(observedRootfs(a)));
      } finally {
        await store.unmount('x');
        await other.unmount('x');
      }
    });

    it('detached layers: extracted before their parent, invisible, attached bottom-up like register', async () => {
      const { store, dataRoot } = await openStore(cleanup, driver);
      const home = join(dataRoot, driver);
      // Top first: a detached diff does not depend on what ends up below it.
      const top = await store.extractDetached(stream(TOP.bytes));
      const base = await store.extractDetached(stream(BASE.bytes), { expectedDiffId: BASE.diffId });
      assert.equal(top.diffId, TOP.diffId);
      assert.equal(base.size, 'lading'.length + 'hello'.length);
      assert.deepEqual(store.list(), [], 'a detached layer is not a layer');
      assert.equal(readdirSync(home).filter((n) => n.startsWith('.tmp-detached-')).length, 2);
      assert.deepEqual(await store.check({ repair: true }), [], 'check leaves detached layers alone');
      const b = await store.attach(base, undefined);
      const t = await store.attach(top, b.chainId);
      assert.equal(t.chainId, chainIdOf(b.chainId, TOP.diffId));
      assert.equal(t.parent, b.chainId);
      assert.deepEqual(
        readdirSync(home).filter((n) => n.startsWith('.tmp-')),
        [],
      );
      assert.deepEqual(readdirSync(join(layerdb(dataRoot), 'tmp')), []);
      await assert.rejects(store.attach(top, b.chainId), /attached or discarded/);
      // Exactly the bytes it came from, and the files of the stack.
      assert.deepEqual(await readAll(store.tarStream(t.chainId)), TOP.bytes);
      await store.createRWLayer('c', t.chainId);
      const rootfs = await store.mount('c');
      assert.equal(readFileSync(join(rootfs, 'srv', 'app'), 'utf8'), 'v2');
      assert.equal(readFileSync(join(rootfs, 'etc', 'motd'), 'utf8'), 'hello');
      await store.unmount('c');
      await store.removeRWLayer('c');

      // Idempotent: an existing chain keeps its layer, the copy is discarded; `keep` copies.
      const again = await store.extractDetached(stream(TOP.bytes));
      assert.deepEqual(await store.attach(again, b.chainId, { keep: true }), t);
      const elsewhere = await store.attach(again, undefined, { keep: true });
      assert.equal(elsewhere.chainId, TOP.diffId);
      assert.deepEqual(await readAll(store.tarStream(elsewhere.chainId)), TOP.bytes);
      assert.deepEqual(await store.attach(again, b.chainId), t);
      assert.deepEqual(
        readdirSync(home).filter((n) => n.startsWith('.tmp-')),
        [],
      );
      for (const chainId of [elsewhere.chainId, t.chainId, t.chainId, t.chainId])
        await store.release(chainId);
      await store.release(b.chainId);
      assert.deepEqual(store.list(), []);

      // A mismatch keeps nothing; a discarded one is gone; a crash leaves nothing after a restart.
      await assert.rejects(
        store.extractDetached(stream(BASE.bytes), { expectedDiffId: MID.diffId }),
        (err: unknown) => err instanceof DiffIdMismatchError,
      );
      const dropped = await store.extractDetached(stream(MID.bytes));
      await store.discardDetached(dropped);
      await store.discardDetached(dropped);
      await assert.rejects(store.attach(dropped, undefined), /attached or discarded/);
      assert.deepEqual(
        readdirSync(home).filter((n) => n.startsWith('.tmp-')),
        [],
      );
      await store.extractDetached(stream(MID.bytes)); // never attached: the daemon "dies"
      await store.close();
      const reopened = await reopen(cleanup, dataRoot, driver);
      assert.deepEqual(reopened.list(), []);
      assert.deepEqual(
        readdirSync(home).filter((n) => n.startsWith('.tmp-')),
        [],
      );
      assert.deepEqual(readdirSync(join(layerdb(dataRoot), 'tmp')), []);
    });

    it('starts cleanly after a crash: tmp write sets, orphans and dirless records are removed', async () => {
      const { store, dataRoot } = await openStore(cleanup, driver);
      const kept = await store.register(stream(BASE.bytes), undefined);
      const doomed = await store.register(stream(MID.bytes), kept.chainId);
      await store.createRWLayer('survivor', kept.chainId);
      await store.close();
      const db = layerdb(dataRoot);
      // A half-written record, an orphan directory, a record whose directory is gone.
      mkdirSync(join(db, 'tmp', 'write-set-x'));
      writeFileSync(join(db, 'tmp', 'write-set-x', 'diff'), 'sha256:');
      const home = join(dataRoot, driver);
      const orphan = 'ab'.repeat(32);
      mkdirSync(driver === 'vfs' ? join(home, 'dir', orphan) : join(home, orphan, 'diff'), {
        recursive: true,
      });
      mkdirSync(join(home, `.tmp-create-${orphan}-1234`, 'diff'), { recursive: true });
      rmSync(driver === 'vfs' ? join(home, 'dir', doomed.cacheId) : join(home, doomed.cacheId), {
        recursive: true,
      });
      const reopened = await reopen(cleanup, dataRoot, driver);
      assert.deepEqual(
        reopened.list().map((l) => l.chainId),
        [kept.chainId],
      );
      assert.ok(reopened.getRWLayer('survivor'));
      assert.deepEqual(readdirSync(join(db, 'tmp')), []);
      assert.equal(existsSync(join(home, orphan)), false);
      assert.equal(existsSync(join(home, 'dir', orphan)), false);
      assert.deepEqual(
        readdirSync(home).filter((n) => n.startsWith('.tmp-')),
        [],
      );
      assert.deepEqual(readdirSync(join(db, 'sha256')), [digestHex(kept.chainId)]);
      // The rw layer holds its parent after the restart too.
      reopened.retain(kept.chainId);
      assert.deepEqual(await reopened.release(kept.chainId), []);
      const rootfs = await reopened.mount('survivor');
      assert.equal(readFileSync(join(rootfs, 'etc', 'motd'), 'utf8'), 'hello');
      await reopened.unmount('survivor');
    });

    it('check finds damage and repair drops broken layers with everything above them', async () => {
      const { store, dataRoot } = await openStore(cleanup, driver);
      const base = await store.register(stream(BASE.bytes), undefined);
      const mid = await store.register(stream(MID.bytes), base.chainId);
      const top = await store.register(stream(TOP.bytes), mid.chainId);
      const other = await store.register(stream(TOP.bytes), base.chainId);
      await store.createRWLayer('on-top', top.chainId);
      assert.deepEqual(await store.check({ repair: false }), []);
      // mid's files changed behind the store's back.
      writeFileSync(
        join(
          dataRoot,
          driver,
          driver === 'vfs' ? 'diff' : mid.cacheId,
          driver === 'vfs' ? mid.cacheId : 'diff',
          'intruder',
        ),
        'x',
      );
      // an orphan directory
      const orphan = 'cd'.repeat(32);
      mkdirSync(
        driver === 'vfs' ? join(dataRoot, driver, 'dir', orphan) : join(dataRoot, driver, orphan, 'diff'),
        { recursive: true },
      );
      if (driver === 'overlay2') {
        const link = readFileSync(join(dataRoot, driver, base.cacheId, 'link'), 'utf8');
        unlinkSync(join(dataRoot, driver, 'l', link));
      }
      const found = await store.check({ repair: false });
      const text = JSON.stringify(found);
      assert.match(text, new RegExp(`${mid.chainId}.*holds \\d+ bytes`));
      assert.match(text, new RegExp(`parent ${mid.chainId} is missing or broken`));
      assert.match(text, /rw layer on-top/);
      assert.match(text, /orphan/);
      if (driver === 'overlay2') assert.match(text, /l\/[A-Z2-7]{26} is missing/);
      assert.ok(found.every((p) => p.repaired === undefined));

      const repaired = await store.check({ repair: true });
      assert.equal(repaired.length, found.length, JSON.stringify(repaired));
      assert.ok(
        repaired.every((p) => p.repaired !== undefined),
        JSON.stringify(repaired),
      );
      assert.deepEqual(await store.check({ repair: false }), []);
      assert.deepEqual(
        store
          .list()
          .map((l) => l.chainId)
          .sort(),
        [base.chainId, other.chainId].sort(),
      );
      assert.equal(store.getRWLayer('on-top'), undefined);
      // The repaired base still mounts under the surviving child.
      await store.createRWLayer('after', other.chainId);
      const rootfs = await store.mount('after');
      assert.equal(readFileSync(join(rootfs, 'srv', 'app'), 'utf8'), 'v2');
      await store.unmount('after');
    });
  });
}
