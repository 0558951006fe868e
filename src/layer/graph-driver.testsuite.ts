/**
 * The graph driver contract as one suite that takes a factory (containerd's snapshotter
 * testsuite, moby's graphtest): overlay2 and vfs must behave the same wherever the
 * contract says so. Not a test file itself: overlay2-driver.test.ts and vfs-driver.test.ts
 * run it.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { markOpaque, writeOverlayWhiteout } from '../archive/index.js';
import type { GraphDriver } from './graph-driver.js';

export type DriverFactory = (dataRoot: string) => GraphDriver;

function sortedNames(dir: string): string[] {
  return readdirSync(dir).sort();
}

export function graphDriverSuite(label: string, factory: DriverFactory): void {
  describe(`graph driver contract: ${label}`, () => {
    const cleanup = useCleanup();
    const fresh = (): GraphDriver => {
      const dirs = makeTestDirs(`driver-${label}`);
      cleanup.directory(dirs.root);
      return factory(dirs.dataRoot);
    };

    it('creates a layer whose diff dir holds what fill wrote', async () => {
      const driver = fresh();
      await driver.create('base', undefined, {
        fill: async (dir) => {
          writeFileSync(join(dir, 'hello'), 'hi');
          return Promise.resolve();
        },
      });
      assert.equal(driver.exists('base'), true);
      assert.deepEqual(driver.ids(), ['base']);
      assert.equal(readFileSync(join(driver.diffDir('base'), 'hello'), 'utf8'), 'hi');
      assert.deepEqual(driver.check('base', undefined, false), []);
    });

    it('keeps nothing of a layer whose fill fails', async () => {
      const driver = fresh();
      await assert.rejects(
        driver.create('broken', undefined, {
          fill: async (dir) => {
            writeFileSync(join(dir, 'half'), 'x');
            return Promise.reject(new Error('stream cut'));
          },
        }),
        /stream cut/,
      );
      assert.equal(driver.exists('broken'), false);
      assert.deepEqual(driver.ids(), []);
      assert.deepEqual(
        readdirSync(driver.home).filter((n) => n.startsWith('.tmp-')),
        [],
      );
    });

    it('refuses a second layer with the same id and ids that could name a path', async () => {
      const driver = fresh();
      await driver.create('one', undefined);
      await assert.rejects(driver.create('one', undefined), /already exists/);
      await assert.rejects(driver.create('../x', undefined), /invalid layer directory id/);
    });

    it('stacks layers: whiteouts delete, opaque dirs hide, the rw layer takes writes', async () => {
      const driver = fresh();
      await driver.create('base', undefined, {
        fill: async (dir) => {
          mkdirSync(join(dir, 'a'));
          writeFileSync(join(dir, 'a', 'old'), 'old');
          writeFileSync(join(dir, 'b'), 'b');
          writeFileSync(join(dir, 'c'), 'c');
          return Promise.resolve();
        },
      });
      await driver.create('child', 'base', {
        fill: async (dir) => {
          mkdirSync(join(dir, 'a'));
          markOpaque(join(dir, 'a'));
          writeFileSync(join(dir, 'a', 'new'), 'new');
          writeOverlayWhiteout(join(dir, 'b'), 0, 0);
          writeFileSync(join(dir, 'c'), 'c2');
          return Promise.resolve();
        },
      });
      await driver.create('rw', 'child', { mountable: true });
      const rootfs = driver.mount('rw');
      try {
        assert.equal(rootfs, driver.mountPath('rw'));
        assert.deepEqual(sortedNames(rootfs), ['a', 'c']);
        assert.deepEqual(sortedNames(join(rootfs, 'a')), ['new']);
        assert.equal(readFileSync(join(rootfs, 'c'), 'utf8'), 'c2');
        writeFileSync(join(rootfs, 'written'), 'by the container');
      } finally {
        driver.unmount('rw');
      }
      assert.equal(driver.isMounted('rw'), false);
      // Lower layers are untouched by the container's write.
      assert.equal(existsSync(join(driver.diffDir('child'), 'written')), false);
      assert.equal(existsSync(join(driver.diffDir('base'), 'written')), false);
      const again = driver.mount('rw');
      try {
        assert.equal(readFileSync(join(again, 'written'), 'utf8'), 'by the container');
      } finally {
        driver.unmount('rw');
      }
    });

    it('removes a layer (unmounting it first) and leaves no trace', async () => {
      const driver = fresh();
      await driver.create('base', undefined);
      await driver.create('rw', 'base', { mountable: true });
      driver.mount('rw');
      await driver.remove('rw');
      assert.equal(driver.exists('rw'), false);
      await driver.remove('base');
      await driver.remove('never-existed');
      assert.deepEqual(driver.ids(), []);
      driver.removeTemporary();
      const leftovers = readdirSync(driver.home, { recursive: true }).map(String);
      assert.deepEqual(
        leftovers.filter((n) => !['l', 'dir', 'diff'].includes(n)),
        [],
      );
    });

    it('removeTemporary clears interrupted creates but never a finished layer', async () => {
      const driver = fresh();
      await driver.create('kept', undefined);
      mkdirSync(join(driver.home, '.tmp-create-crashed-1234', 'diff'), { recursive: true });
      driver.removeTemporary();
      assert.equal(existsSync(join(driver.home, '.tmp-create-crashed-1234')), false);
      assert.deepEqual(driver.ids(), ['kept']);
      assert.equal(lstatSync(driver.diffDir('kept')).isDirectory(), true);
    });
  });
}
