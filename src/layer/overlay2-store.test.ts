/**
 * Layer store behaviour only overlay2 has: the driver chosen by default, GraphDriver data
 * paths, deep chains against one mount's limits, and the init layer masking hostile paths.
 */
import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { createLayerStore } from './create-layer-store.js';
import type { ChainId } from './layer-store.js';
import { layerTar, openStore, stream } from './layer-store.testsupport.js';
import { mountsUnder } from '../../test/support/mounts.js';
import { ChainTooDeepError } from './overlay2/mount-data.js';

describe('layer store on overlay2', () => {
  const cleanup = useCleanup();

  it('chooses overlay2 when no driver is configured and overlay works', async () => {
    const dirs = makeTestDirs('auto-driver');
    cleanup.directory(dirs.root);
    const store = await createLayerStore({ root: dirs.dataRoot });
    cleanup.defer('close', () => store.close());
    assert.equal(store.driver, 'overlay2');
    assert.deepEqual(readdirSync(join(dirs.dataRoot, 'overlay2')), ['l'], 'the probe left nothing behind');
  });

  it('reports GraphDriver data: LowerDir = init diff + parents, UpperDir, MergedDir, WorkDir', async () => {
    const { store, dataRoot } = await openStore(cleanup, 'overlay2');
    const home = join(dataRoot, 'overlay2');
    const a = layerTar([{ type: 'file', name: 'a', content: 'a' }]);
    const b = layerTar([{ type: 'file', name: 'b', content: 'b' }]);
    const la = await store.register(stream(a.bytes), undefined);
    const lb = await store.register(stream(b.bytes), la.chainId);
    const rw = await store.createRWLayer('c', lb.chainId);
    const info = store.graphDriverInfo({ rwLayer: 'c' });
    assert.deepEqual(info, {
      Name: 'overlay2',
      Data: {
        LowerDir: [`${rw.initId}/diff`, `${lb.cacheId}/diff`, `${la.cacheId}/diff`]
          .map((p) => join(home, p))
          .join(':'),
        MergedDir: join(home, rw.mountId, 'merged'),
        UpperDir: join(home, rw.mountId, 'diff'),
        WorkDir: join(home, rw.mountId, 'work'),
      },
    });
    const image = store.graphDriverInfo({ layer: lb.chainId });
    assert.equal(image.Data.LowerDir, join(home, la.cacheId, 'diff'));
    assert.equal(image.Data.UpperDir, join(home, lb.cacheId, 'diff'));
    // Read-only layers get no work or merged dir: only mounted layers need them.
    assert.deepEqual(readdirSync(join(home, lb.cacheId)).sort(), ['diff', 'link', 'lower']);
    assert.deepEqual(readdirSync(join(home, rw.mountId)).sort(), ['diff', 'link', 'lower', 'merged', 'work']);
  });

  it('the init layer masks an image whose /dev and /etc/hosts are symlinks out of the rootfs', async () => {
    const { store } = await openStore(cleanup, 'overlay2');
    const t = layerTar([
      { type: 'symlink', name: 'dev', target: '/' },
      { type: 'dir', name: 'etc' },
      { type: 'symlink', name: 'etc/hosts', target: '/etc/passwd' },
    ]);
    const layer = await store.register(stream(t.bytes), undefined);
    await store.createRWLayer('masked', layer.chainId);
    const rootfs = await store.mount('masked');
    try {
      assert.equal(lstatSync(join(rootfs, 'dev')).isDirectory(), true);
      assert.deepEqual(readdirSync(join(rootfs, 'dev')).sort(), ['console', 'pts', 'shm']);
      assert.equal(lstatSync(join(rootfs, 'etc', 'hosts')).isFile(), true);
      assert.equal(readlinkSync(join(rootfs, 'etc', 'mtab')), '/proc/mounts');
    } finally {
      await store.unmount('masked');
    }
  });

  it('mounts 130- and 260-layer images (short links, then a bottom stack), refuses 300 clearly', async () => {
    const { store, dataRoot } = await openStore(cleanup, 'overlay2');
    let parent: ChainId | undefined;
    const chain: ChainId[] = [];
    for (let i = 0; i < 300; i++) {
      const t = layerTar([
        { type: 'file', name: `f${String(i).padStart(3, '0')}`, content: String(i) },
        ...(i > 0
          ? [{ type: 'file' as const, name: '.wh.f' + String(i - 1).padStart(3, '0'), content: '' }]
          : []),
        { type: 'file', name: 'top', content: String(i) },
      ]);
      parent = (await store.register(stream(t.bytes), parent, { expectedDiffId: t.diffId })).chainId;
      chain.push(parent);
    }
    for (const depth of [130, 260]) {
      const name = `deep${depth}`;
      await store.createRWLayer(name, chain[depth - 1]);
      const rootfs = await store.mount(name);
      try {
        // Each layer deletes the previous one's file: only the top layer's is left.
        const last = String(depth - 1).padStart(3, '0');
        assert.deepEqual(
          readdirSync(rootfs).filter((n) => n.startsWith('f')),
          [`f${last}`],
        );
        assert.equal(readFileSync(join(rootfs, 'top'), 'utf8'), String(depth - 1));
        assert.ok(readdirSync(rootfs).includes('proc'), 'the init layer is on top of all of them');
      } finally {
        await store.unmount(name);
      }
      assert.deepEqual(mountsUnder(dataRoot), [], 'no stack mount is left');
      await store.removeRWLayer(name);
    }
    await store.createRWLayer('deep300', chain[299]);
    await assert.rejects(store.mount('deep300'), (err: unknown) => {
      assert.ok(err instanceof ChainTooDeepError);
      assert.equal(err.lowerLayers, 301); // 300 image layers and the init layer
      assert.match(err.message, /301 lower layers/);
      assert.match(err.message, /one-page option string/);
      return true;
    });
    assert.deepEqual(mountsUnder(dataRoot), []);
  });
});
