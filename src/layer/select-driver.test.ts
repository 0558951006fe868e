/** Driver selection: the configured one, the one holding layers, overlay2 when it works, else vfs. */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { silentLogger } from '../log/index.js';
import { mount } from '../sys/index.js';
import { createLayerStore } from './create-layer-store.js';
import { layerTar, stream } from './layer-store.testsupport.js';
import { openGraphDriver } from './select-driver.js';

describe('storage driver selection', () => {
  const cleanup = useCleanup();
  const logger = silentLogger();

  it('keeps using vfs when it already holds the layers, unless told otherwise', async () => {
    const dirs = makeTestDirs('select');
    cleanup.directory(dirs.root);
    const store = await createLayerStore({ root: dirs.dataRoot, driver: 'vfs' });
    const t = layerTar([{ type: 'file', name: 'f', content: 'x' }]);
    await store.register(stream(t.bytes), undefined);
    await store.close();
    assert.equal(openGraphDriver({ root: dirs.dataRoot, driver: undefined, logger }).name, 'vfs');
    assert.equal(openGraphDriver({ root: dirs.dataRoot, driver: 'overlay2', logger }).name, 'overlay2');
  });

  it('says clearly why no driver works on a data root that is itself an overlay mount', () => {
    const dirs = makeTestDirs('select-overlay-root');
    cleanup.directory(dirs.root);
    const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((n) =>
      join(dirs.root, n),
    ) as [string, string, string, string];
    for (const d of [lower, upper, work, merged]) mkdirSync(d);
    mount('overlay', merged, 'overlay', 0, `lowerdir=${lower},upperdir=${upper},workdir=${work}`);
    cleanup.mount(merged);
    const root = join(merged, 'data');
    assert.throws(
      () => openGraphDriver({ root, driver: 'overlay2', logger }),
      /storage driver overlay2 does not work on .*merged\/data/,
    );
    assert.throws(
      () => openGraphDriver({ root, driver: undefined, logger }),
      /no storage driver works on .*overlay2: .*; vfs: cannot create whiteout devices/,
    );
    assert.deepEqual(
      readdirSync(join(root, 'vfs')).filter((n) => n.startsWith('.tmp-')),
      [],
    );
  });
});
