import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tar, type TarEntry } from '../../test/fixtures/tar-builder.js';
import { applyLayer } from './apply-layer.js';
import { asObject, snapshotTree, withOverlay } from './fs-snapshot.test-helper.js';
import { mount, umount2 } from '../sys/index.js';
import {
  isOpaqueDir,
  overlayMarkers,
  parseWhiteoutName,
  whiteoutNameFor,
  WHITEOUT_OPAQUE_DIR,
} from './whiteouts.js';
import { testBase } from '../../test/support/test-base.js';

const BASE = mkdtempSync(join(testBase(), 'archive-whiteouts-'));
after(() => rmSync(BASE, { recursive: true, force: true }));

function dirs(label: string, ...names: string[]): string[] {
  const base = mkdtempSync(join(BASE, `${label}-`));
  return names.map((n) => {
    mkdirSync(join(base, n));
    return join(base, n);
  });
}

describe('whiteout names', () => {
  it('classifies tar names', () => {
    assert.deepEqual(parseWhiteoutName('file'), { kind: 'none' });
    assert.deepEqual(parseWhiteoutName('.wh.file'), { kind: 'whiteout', name: 'file' });
    assert.deepEqual(parseWhiteoutName('.wh..hidden'), { kind: 'whiteout', name: '.hidden' });
    assert.deepEqual(parseWhiteoutName(WHITEOUT_OPAQUE_DIR), { kind: 'opaque' });
    assert.deepEqual(parseWhiteoutName('.wh..wh.plnk'), { kind: 'meta' });
  });

  it('rejects whiteouts that name nothing', () => {
    for (const bad of ['.wh.', '.wh..', '.wh...'])
      assert.throws(() => parseWhiteoutName(bad), /malformed whiteout/);
    for (const bad of ['', '.', '..', 'a/b']) assert.throws(() => whiteoutNameFor(bad));
  });

  it('round-trips names', () => {
    for (const name of ['a', '.a', 'a.b', '.wh', 'wh.x']) {
      assert.deepEqual(parseWhiteoutName(whiteoutNameFor(name)), { kind: 'whiteout', name });
    }
  });
});

describe('overlay form ⇄ tar form (hostile-input.md row 12)', () => {
  const layer: TarEntry[] = [
    { type: 'file', name: '.wh.gone' },
    { type: 'dir', name: 'd' },
    { type: 'file', name: 'd/.wh..wh..opq' },
    { type: 'file', name: 'd/kept', content: 'k' },
    { type: 'dir', name: 'd/sub' },
    { type: 'file', name: 'd/sub/.wh..dotfile' },
    { type: 'file', name: '.wh..wh..opq' },
  ];

  it('tar → overlay → tar names is lossless, and re-applying gives the same overlay form', async () => {
    const [first, second] = dirs('roundtrip', 'first', 'second') as [string, string];
    await applyLayer([tar(layer)], first);
    const markers = [...overlayMarkers(first)];
    assert.deepEqual(markers.map((m) => m.tarName).sort(), [
      '.wh..wh..opq',
      '.wh.gone',
      'd/.wh..wh..opq',
      'd/sub/.wh..dotfile',
    ]);
    assert.ok(isOpaqueDir(first) && isOpaqueDir(join(first, 'd')) && !isOpaqueDir(join(first, 'd/sub')));

    // Back to tar: the markers as entries, plus the non-marker content, then apply again.
    const back: TarEntry[] = [
      { type: 'dir', name: 'd' },
      { type: 'file', name: 'd/kept', content: 'k' },
      { type: 'dir', name: 'd/sub' },
      ...markers.map((m): TarEntry => ({ type: 'file', name: m.tarName })),
    ];
    await applyLayer([tar(back)], second);
    const strip = (dir: string) => asObject(snapshotTree(dir, { mtime: false }));
    assert.deepEqual(strip(second), strip(first));
  });

  it('reads what the kernel writes: a delete and an opaque dir made through a real overlay mount', async () => {
    const [lower, upper, work, merged, again] = dirs(
      'kernel',
      'lower',
      'upper',
      'work',
      'merged',
      'again',
    ) as [string, string, string, string, string];
    await applyLayer(
      [
        tar([
          { type: 'file', name: 'a', content: 'a' },
          { type: 'file', name: 'd/x', content: 'x' },
        ]),
      ],
      lower,
    );
    mount('overlay', merged, 'overlay', 0, `lowerdir=${lower},upperdir=${upper},workdir=${work}`);
    try {
      unlinkSync(join(merged, 'a'));
      rmSync(join(merged, 'd'), { recursive: true });
      mkdirSync(join(merged, 'd')); // overlay makes the new d opaque
      writeFileSync(join(merged, 'd/y'), 'y');
    } finally {
      umount2(merged);
    }
    const markers = [...overlayMarkers(upper)].map((m) => m.tarName).sort();
    assert.deepEqual(markers, ['.wh.a', 'd/.wh..wh..opq']);

    // Those tar names, applied as a layer over the same lower, give the same merged view.
    await applyLayer(
      [
        tar([
          { type: 'file', name: '.wh.a' },
          { type: 'dir', name: 'd' },
          { type: 'file', name: 'd/.wh..wh..opq' },
          { type: 'file', name: 'd/y', content: 'y' },
        ]),
      ],
      again,
    );
    const view = await withOverlay([again, lower], merged, () => ({
      top: readdirSync(merged).sort(),
      d: readdirSync(join(merged, 'd')).sort(),
      y: readFileSync(join(merged, 'd/y'), 'utf8'),
    }));
    assert.deepEqual(view, { top: ['d'], d: ['y'], y: 'y' });
  });
});

describe('two extracted layers under overlay', () => {
  it('whiteouts hide and opaque directories mask the lower layer in merged', async () => {
    const [bottom, top, merged] = dirs('merge', 'bottom', 'top', 'merged') as [string, string, string];
    await applyLayer(
      [
        tar([
          { type: 'file', name: 'a', content: 'a' },
          { type: 'file', name: 'b', content: 'b' },
          { type: 'file', name: 'd/x', content: 'x' },
          { type: 'file', name: 'd/y', content: 'y' },
          { type: 'file', name: 'e/keep', content: 'keep' },
        ]),
      ],
      bottom,
    );
    await applyLayer(
      [
        tar([
          { type: 'file', name: '.wh.a' },
          { type: 'dir', name: 'd' },
          { type: 'file', name: 'd/.wh..wh..opq' },
          { type: 'file', name: 'd/z', content: 'z' },
          { type: 'file', name: 'e/new', content: 'new' },
          { type: 'file', name: 'c', content: 'c' },
        ]),
      ],
      top,
    );
    const view = await withOverlay([top, bottom], merged, () => ({
      top: readdirSync(merged).sort(),
      d: readdirSync(join(merged, 'd')).sort(),
      e: readdirSync(join(merged, 'e')).sort(),
    }));
    assert.deepEqual(view, { top: ['b', 'c', 'd', 'e'], d: ['z'], e: ['keep', 'new'] });
    assert.deepEqual(readdirSync(merged), [], 'unmounted');
  });
});
