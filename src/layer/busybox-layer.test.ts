/**
 * End to end with a real program: busybox's rootfs as a layer, a container rootfs on top
 * that a chrooted shell can use, and tarStream giving back the layer's exact bytes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { busyboxRootfs } from '../../test/fixtures/busybox-rootfs.js';
import type { TarEntry } from '../../test/fixtures/tar-builder.js';
import { useCleanup } from '../../test/support/cleanup.js';
import { sha256Digest } from '../oci/index.js';
import type { StorageDriverName } from './layer-store.js';
import { layerTar, openStore, readAll, stream } from './layer-store.testsupport.js';

/** tarStream's order: parents first, names compared component by component. */
function canonical(entries: TarEntry[]): TarEntry[] {
  const key = (e: TarEntry): string[] =>
    'name' in e && e.name !== undefined ? String(e.name).replace(/\/$/, '').split('/') : [];
  return [...entries].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) return Buffer.compare(Buffer.from(x[i]!), Buffer.from(y[i]!));
    }
    return x.length - y.length;
  });
}

for (const driver of ['overlay2', 'vfs'] as const satisfies readonly StorageDriverName[]) {
  describe(`busybox layer (${driver})`, () => {
    const cleanup = useCleanup();

    it('runs a shell in the container rootfs and writes only to the rw layer', async () => {
      const { store } = await openStore(cleanup, driver, 'busybox');
      const t = layerTar(canonical(busyboxRootfs()));
      const layer = await store.register(stream(t.bytes), undefined, { expectedDiffId: t.diffId });
      assert.equal(sha256Digest(await readAll(store.tarStream(layer.chainId))), t.diffId);
      await store.createRWLayer('bb', layer.chainId, {
        initialize: async () => Promise.resolve(),
      });
      const rootfs = await store.mount('bb');
      try {
        const run = spawnSync(
          'chroot',
          [rootfs, '/bin/sh', '-c', 'echo hi > /tmp/out && cat /tmp/out && ls /etc'],
          {
            encoding: 'utf8',
          },
        );
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /^hi\n/);
        assert.match(run.stdout, /passwd/);
        assert.match(run.stdout, /hostname/); // from the init layer
      } finally {
        await store.unmount('bb');
      }
      // The image layer is unchanged: its tar is still the same bytes.
      assert.equal(sha256Digest(await readAll(store.tarStream(layer.chainId))), t.diffId);
    });
  });
}
