/** overlay2 against the shared driver suite, plus what only overlay2 has: links, lower files, mount limits. */
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { graphDriverSuite } from '../graph-driver.testsuite.js';
import { SHORT_ID_PATTERN } from './layout.js';
import { ChainTooDeepError, maxLowerLayers, overlayMountData, PAGE_SIZE } from './mount-data.js';
import { planMount } from './mount-plan.js';
import { probeOverlay } from './overlay-probe.js';
import { Overlay2Driver } from './overlay2-driver.js';

graphDriverSuite('overlay2', (root) => new Overlay2Driver({ home: join(root, 'overlay2') }));

describe('overlay2 specifics', () => {
  const cleanup = useCleanup();
  const fresh = (): Overlay2Driver => {
    const dirs = makeTestDirs('overlay2');
    cleanup.directory(dirs.root);
    return new Overlay2Driver({ home: join(dirs.dataRoot, 'overlay2') });
  };

  it('probes overlay support on the backing filesystem', () => {
    const dirs = makeTestDirs('overlay-probe');
    cleanup.directory(dirs.root);
    assert.deepEqual(probeOverlay(join(dirs.dataRoot, 'overlay2')), { ok: true });
  });

  it('writes link, l/ symlink and a lower file naming the parents top first', async () => {
    const driver = fresh();
    await driver.create('a', undefined);
    await driver.create('b', 'a');
    await driver.create('c', 'b', { mountable: true });
    const link = (id: string): string => readFileSync(join(driver.home, id, 'link'), 'utf8');
    for (const id of ['a', 'b', 'c']) {
      assert.match(link(id), SHORT_ID_PATTERN);
      assert.equal(readlinkSync(join(driver.home, 'l', link(id))), `../${id}/diff`);
    }
    assert.equal(readFileSync(join(driver.home, 'c', 'lower'), 'utf8'), `l/${link('b')}:l/${link('a')}`);
    assert.throws(() => readFileSync(join(driver.home, 'a', 'lower')), /ENOENT/);
    assert.deepEqual(driver.metadata('c'), {
      LowerDir: [join(driver.home, 'b', 'diff'), join(driver.home, 'a', 'diff')].join(':'),
      MergedDir: join(driver.home, 'c', 'merged'),
      UpperDir: join(driver.home, 'c', 'diff'),
      WorkDir: join(driver.home, 'c', 'work'),
    });
  });

  it('check finds and repairs a missing l/ link, a bad link file and a wrong lower file', async () => {
    const driver = fresh();
    await driver.create('a', undefined);
    await driver.create('b', 'a');
    const linkA = readFileSync(join(driver.home, 'a', 'link'), 'utf8');
    unlinkSync(join(driver.home, 'l', linkA));
    writeFileSync(join(driver.home, 'b', 'link'), 'garbage');
    writeFileSync(join(driver.home, 'b', 'lower'), 'l/NOPE');
    assert.equal(driver.check('a', undefined, false).length, 1);
    const repairedA = driver.check('a', undefined, true);
    assert.equal(repairedA.length, 1);
    assert.match(repairedA[0]!.repaired ?? '', /relinked/);
    const repairedB = driver.check('b', 'a', true);
    assert.equal(repairedB.length, 3, JSON.stringify(repairedB)); // link file, its l/ entry, lower
    assert.deepEqual(driver.check('a', undefined, false), []);
    assert.deepEqual(driver.check('b', 'a', false), []);
    rmSync(join(driver.home, 'b', 'diff'), { recursive: true });
    assert.match(driver.check('b', 'a', true)[0]!.problem, /missing/);
  });

  it('computes how many lower layers fit in one page and fails clearly beyond', () => {
    const id = 'f'.repeat(64);
    const link = `l/${'A'.repeat(26)}`;
    const max = maxLowerLayers(id, link.length, { indexOff: true });
    assert.ok(max >= 128 && max < 140, `max ${max}`);
    const fits = overlayMountData(id, Array(max).fill(link), { indexOff: true });
    assert.ok(fits.length <= PAGE_SIZE - 1);
    assert.throws(
      () => overlayMountData(id, Array(max + 1).fill(link), { indexOff: true }),
      (err: unknown) =>
        err instanceof ChainTooDeepError &&
        err.lowerLayers === max + 1 &&
        err.maxLowerLayers === max &&
        /one page \(4096 bytes/.test(err.message),
    );
  });

  it('plans deeper chains with one read-only stack at the bottom, and fails clearly beyond', () => {
    const id = 'e'.repeat(64);
    const link = (i: number): string => `l/${String(i).padStart(26, 'A')}`;
    const lowers = (n: number): string[] => Array.from({ length: n }, (_, i) => link(i));
    assert.deepEqual(planMount(id, lowers(100), { indexOff: true }).stacks, []);
    const plan = planMount(id, lowers(260), { indexOff: true });
    assert.equal(plan.stacks.length, 1);
    assert.ok(plan.data.length <= PAGE_SIZE - 1 && plan.stacks[0]!.data.length <= PAGE_SIZE - 1);
    // Every layer appears exactly once, top first: the direct ones, then the stack.
    const top = plan.data.split(',')[0]!.slice('lowerdir='.length).split(':');
    assert.equal(top[top.length - 1], `${id}/stack/0`);
    const stacked = plan.stacks[0]!.data.slice('lowerdir='.length).split(':');
    assert.deepEqual([...top.slice(0, -1), ...stacked], lowers(260));
    assert.throws(
      () => planMount(id, lowers(300), { indexOff: true }),
      (err: unknown) =>
        err instanceof ChainTooDeepError &&
        /300 lower layers/.test(err.message) &&
        /whiteouts do not cross/.test(err.message),
    );
  });
});
