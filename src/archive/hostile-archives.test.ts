/**
 * hostile-input.md rows 1–17 as a table test. Every case runs in its own base directory:
 *
 *   base/sentinel/   a small tree next to the root that must stay byte-for-byte the same
 *   base/root/       the fresh extraction root
 *   base/lower-N/    lower layers of the case, each extracted into its own dir
 *   base/merged/     an overlay of root over the lowers, for cases whose meaning is the merge
 *
 * and asserts: the outcome (rejected, applied, or stopped at a limit), the in-root result,
 * that a rejected archive leaves the root empty, that nothing next to the root changed, and
 * that the host paths the cases aim at are untouched.
 */
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  hostileArchives,
  hostileArchiveStream,
  type HostileArchive,
} from '../../test/fixtures/hostile-archives.js';
import { tar } from '../../test/fixtures/tar-builder.js';
import { sha256Digest } from '../oci/index.js';
import { lgetxattr } from '../sys/index.js';
import { applyLayer, type AppliedLayer } from './apply-layer.js';
import { DiffIdMismatchError, verifyDiffId } from './diff-id.js';
import {
  asObject,
  makeSentinelTree,
  snapshotHostPaths,
  snapshotTree,
  withOverlay,
} from './fs-snapshot.test-helper.js';
import { ArchiveLimitError, type ExtractLimits } from './limits.js';
import { overlayMarkers } from './whiteouts.js';
import { testBase } from '../../test/support/test-base.js';

const BASE = mkdtempSync(join(testBase(), 'archive-hostile-'));
after(() => rmSync(BASE, { recursive: true, force: true }));

/** Every host path a case aims at; each must keep its existence, content, mode and links. */
const HOST_PATHS = [
  '/x',
  '/etc',
  '/etc/passwd',
  '/etc/f',
  '/etc/chain',
  '/etc/chain2',
  '/etc/x',
  '/tmp/x',
  '/tmp/tmp',
  '/etc/loop-hostile',
];

interface Outcome {
  root: string;
  result: AppliedLayer | undefined;
  error: unknown;
  warnings: string[];
  lowers: string[];
  base: string;
}

type Expected =
  | { outcome: 'reject' }
  | { outcome: 'limit'; limit: ExtractLimits[keyof ExtractLimits] extends number ? string : never }
  | { outcome: 'ok'; check?: (o: Outcome) => void; merged?: (merged: string) => void };

const st = (root: string, rel: string) => lstatSync(join(root, rel));
const read = (root: string, rel: string) => readFileSync(join(root, rel), 'utf8');
const ls = (dir: string) => readdirSync(dir).sort();
const isWhiteout = (root: string, rel: string) =>
  st(root, rel).isCharacterDevice() && st(root, rel).rdev === 0;

/** What lading does with each fixture case, and what the result must look like. */
const EXPECTED: Record<string, Expected> = {
  'dotdot-relative': { outcome: 'reject' },
  'dotdot-absolute': { outcome: 'reject' },
  'dotdot-nested': { outcome: 'reject' },
  'symlink-parent-absolute': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.equal(readlinkSync(join(root, 'l')), '/etc');
      assert.ok(st(root, 'etc').isDirectory());
      assert.equal(read(root, 'etc/f'), 'through link');
    },
  },
  'symlink-chain-dotdot': {
    outcome: 'ok',
    check: ({ root }) => assert.equal(read(root, 'etc/chain'), 'x'),
  },
  'symlink-chain-abs-rel-abs': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.equal(read(root, 'etc/chain2'), 'x');
      assert.deepEqual(ls(root), ['a', 'b', 'c', 'etc']);
    },
  },
  'truncate-through-symlink': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.ok(st(root, 'victim').isFile());
      assert.equal(st(root, 'victim').size, 0);
    },
  },
  // p → /etc resolves to <root>/etc, which this layer lacks: the link has no target.
  'hardlink-via-symlinked-parent': { outcome: 'reject' },
  'hardlink-dotdot-target': { outcome: 'reject' },
  'hardlink-absolute-target': { outcome: 'reject' },
  'hardlink-to-outward-symlink-chmod': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.ok(st(root, 'h').isSymbolicLink());
      assert.equal(readlinkSync(join(root, 'h')), '/etc/passwd');
      assert.equal(st(root, 'h').ino, st(root, 's').ino);
    },
  },
  'hardlink-to-symlink': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.ok(st(root, 'h').isSymbolicLink());
      assert.equal(readlinkSync(join(root, 'h')), 'f');
      assert.equal(st(root, 'h').ino, st(root, 's').ino);
      assert.equal(read(root, 'f'), 'data');
    },
  },
  // Contains a symlink named "..", and any ".." component rejects the archive.
  'symlink-degenerate-names': { outcome: 'reject' },
  'dir-replaced-by-root-symlink': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.equal(readlinkSync(join(root, 'foo')), '/');
      assert.equal(read(root, 'tmp/x'), 'x');
      assert.deepEqual(ls(root), ['foo', 'tmp']);
    },
  },
  'symlink-replaced-by-dir': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.ok(st(root, 's').isDirectory());
      assert.equal(read(root, 's/x'), 'x');
    },
  },
  'whiteout-dot': { outcome: 'reject' },
  'whiteout-dotdot': { outcome: 'reject' },
  'whiteout-nested-dot': { outcome: 'reject' },
  'whiteout-of-symlink': {
    outcome: 'ok',
    check: ({ root }) => assert.ok(isWhiteout(root, 'l')),
    merged: (m) => assert.deepEqual(ls(m), []),
  },
  'whiteout-under-symlink': {
    outcome: 'ok',
    check: ({ root }) => {
      // In this layer `l` is just an implied directory holding the whiteout.
      assert.ok(st(root, 'l').isDirectory());
      assert.ok(isWhiteout(root, 'l/passwd'));
    },
    merged: (m) => {
      // The upper `l` is a directory over a lower symlink, so overlay does not merge it: its
      // listing shows the whiteout's name, but looking the name up finds nothing.
      assert.ok(lstatSync(join(m, 'l')).isDirectory());
      assert.throws(() => lstatSync(join(m, 'l/passwd')), { code: 'ENOENT' });
    },
  },
  'whiteout-as-parent-dir': { outcome: 'reject' },
  'whiteout-after-dotdot': { outcome: 'reject' },
  'opaque-before-siblings': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.deepEqual(lgetxattr(join(root, 'd'), 'trusted.overlay.opaque'), Buffer.from('y'));
      assert.deepEqual(ls(join(root, 'd')), ['new']);
    },
    merged: (m) => assert.deepEqual(ls(join(m, 'd')), ['new']),
  },
  'opaque-after-siblings': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.deepEqual(lgetxattr(join(root, 'd'), 'trusted.overlay.opaque'), Buffer.from('y'));
      assert.deepEqual(ls(join(root, 'd')), ['new']);
    },
    merged: (m) => assert.deepEqual(ls(join(m, 'd')), ['new']),
  },
  'delete-then-recreate': {
    outcome: 'ok',
    check: ({ lowers }) => assert.ok(isWhiteout(lowers[1] ?? '', 'a')),
    merged: (m) => assert.equal(read(m, 'a'), 'again'),
  },
  'whiteout-overlay-round-trip': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.ok(isWhiteout(root, 'gone'));
      assert.deepEqual([...overlayMarkers(root)].map((m) => m.tarName).sort(), [
        '.wh.gone',
        'd/.wh..wh..opq',
      ]);
    },
    merged: (m) => {
      assert.deepEqual(ls(m), ['d']);
      assert.deepEqual(ls(join(m, 'd')), ['kept']);
    },
  },
  'devices-and-fifo': {
    outcome: 'ok',
    check: ({ root }) => {
      const nul = st(root, 'dev/null');
      assert.ok(nul.isCharacterDevice());
      assert.equal(nul.rdev, (1 << 8) | 3);
      assert.equal(nul.mode & 0o7777, 0o666);
      const loop = st(root, 'dev/loop-hostile');
      assert.ok(loop.isBlockDevice());
      assert.equal(loop.rdev, 7 << 8);
      assert.equal(loop.mode & 0o7777, 0o660);
      const fifo = st(root, 'dev/fifo');
      assert.ok(fifo.isFIFO());
      assert.equal(fifo.mode & 0o7777, 0o600);
      for (const s of [nul, loop, fifo]) assert.equal(s.uid, 0);
    },
  },
  'pax-global-header': {
    outcome: 'ok',
    check: ({ root }) => assert.deepEqual(ls(root), ['after-global']),
  },
  'gnu-long-name-and-link': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.equal(read(root, `${'long/'.repeat(30)}name`), 'x');
      assert.equal(readlinkSync(join(root, 'l'.repeat(120))), 't'.repeat(150));
    },
  },
  'ustar-prefix': {
    outcome: 'ok',
    check: ({ root }) => assert.equal(read(root, 'pre/fix/file'), 'x'),
  },
  'implied-parent-dirs': {
    outcome: 'ok',
    check: ({ root }) => {
      for (const d of ['a', 'a/b', 'a/b/c']) {
        assert.ok(st(root, d).isDirectory());
        assert.equal(st(root, d).mode & 0o7777, 0o755);
        assert.equal(st(root, d).uid, 0);
      }
      assert.equal(read(root, 'a/b/c/f'), 'x');
    },
  },
  'pax-path-overrides-header': {
    outcome: 'ok',
    check: ({ root }) => assert.deepEqual(ls(root), ['pax-name']),
  },
  'gzip-bomb': { outcome: 'limit', limit: 'maxExpansionRatio' },
  'zstd-bomb': { outcome: 'limit', limit: 'maxExpansionRatio' },
  'millions-of-entries': { outcome: 'limit', limit: 'maxEntries' },
  'very-deep-tree': { outcome: 'limit', limit: 'maxDepth' },
  'unicode-normalisation-alias': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.ok(st(root, 'caf\u00e9').isSymbolicLink());
      assert.ok(st(root, 'cafe\u0301').isDirectory());
      assert.equal(read(root, 'cafe\u0301/x'), 'x');
    },
  },
  'case-alias': {
    outcome: 'ok',
    check: ({ root }) => {
      assert.ok(st(root, 'Link').isSymbolicLink());
      assert.ok(st(root, 'link').isDirectory());
      assert.equal(read(root, 'link/tmp/x'), 'x');
    },
  },
};

/** Low limits where the default would only make the test slow, not different. */
const CASE_LIMITS: Record<string, Partial<ExtractLimits>> = {
  'millions-of-entries': { maxEntries: 1000 },
};

async function runCase(c: HostileArchive): Promise<Outcome> {
  const base = mkdtempSync(join(BASE, `${c.name}-`));
  mkdirSync(join(base, 'sentinel'));
  makeSentinelTree(join(base, 'sentinel'));
  const root = join(base, 'root');
  mkdirSync(root);
  // Lower layers in parallel, each into its own directory (row 11: "serial vs parallel").
  const lowers = await Promise.all(
    (c.lowerLayers ?? []).map(async (entries, i) => {
      const dir = join(base, `lower-${i}`);
      mkdirSync(dir);
      await applyLayer([tar(entries)], dir);
      return dir;
    }),
  );
  const sentinelBefore = asObject(snapshotTree(join(base, 'sentinel')));
  const baseBefore = ls(base);
  const hostBefore = snapshotHostPaths(HOST_PATHS);
  const warnings: string[] = [];
  let result: AppliedLayer | undefined;
  let error: unknown;
  try {
    result = await applyLayer(hostileArchiveStream(c), root, {
      limits: CASE_LIMITS[c.name],
      onWarning: (m) => warnings.push(m),
    });
  } catch (err) {
    error = err;
  }
  assert.deepEqual(
    asObject(snapshotTree(join(base, 'sentinel'))),
    sentinelBefore,
    'the tree next to the root changed',
  );
  assert.deepEqual(ls(base), baseBefore, 'something was created or removed next to the root');
  assert.deepEqual(snapshotHostPaths(HOST_PATHS), hostBefore, 'a host path changed');
  return { root, result, error, warnings, lowers, base };
}

describe('hostile archives (hostile-input.md rows 1–16)', () => {
  for (const c of hostileArchives) {
    it(`#${c.row} ${c.name}: ${c.expectation}`, async () => {
      const expected = EXPECTED[c.name];
      assert.ok(expected !== undefined, `no expectation written for ${c.name}`);
      const o = await runCase(c);
      if (expected.outcome === 'ok') {
        assert.ifError(o.error);
        assert.notEqual(c.expect, 'reject', 'the fixture says this must be rejected');
        expected.check?.(o);
        if (expected.merged !== undefined) {
          const merged = join(o.base, 'merged');
          await withOverlay([o.root, ...[...o.lowers].reverse()], merged, () => expected.merged?.(merged));
        }
        return;
      }
      assert.ok(o.error !== undefined, `expected ${expected.outcome}, but the layer applied`);
      assert.ok(c.expect !== 'parse', `the fixture says this must parse: ${String(o.error)}`);
      if (expected.outcome === 'limit') {
        assert.ok(o.error instanceof ArchiveLimitError, `expected a limit error, got ${String(o.error)}`);
        assert.equal(o.error.limit, expected.limit);
      } else {
        assert.ok(!(o.error instanceof ArchiveLimitError), String(o.error));
        assert.equal((o.error as { kind?: unknown }).kind, 'invalid-argument', String(o.error));
      }
      assert.deepEqual(readdirSync(o.root), [], 'a rejected layer left files in the root');
    });
  }

  it('#11 opaque before/after siblings and serial/parallel unpack give the same merged rootfs', async () => {
    const group = hostileArchives.filter((c) => c.sameRootfsAs === 'opaque');
    assert.equal(group.length, 2);
    const views: unknown[] = [];
    for (const c of group) {
      const o = await runCase(c);
      assert.ifError(o.error);
      // and once more with the lower layers applied one after another
      const serialLower = join(o.base, 'serial-lower');
      mkdirSync(serialLower);
      for (const entries of c.lowerLayers ?? []) await applyLayer([tar(entries)], serialLower);
      for (const lowers of [o.lowers, [serialLower]]) {
        const merged = join(o.base, `merged-${views.length}`);
        views.push(
          await withOverlay([o.root, ...[...lowers].reverse()], merged, () =>
            asObject(snapshotTree(merged, { mtime: false })),
          ),
        );
      }
    }
    for (const view of views.slice(1)) assert.deepEqual(view, views[0]);
  });
});

describe('#17 diffID check', () => {
  it('accepts the diffID of the uncompressed tar, and rejects any other', async () => {
    const bytes = tar([{ type: 'file', name: 'f', content: 'x' }]);
    const dir = mkdtempSync(join(BASE, 'diffid-'));
    const { diffId, size } = await applyLayer([bytes], dir);
    assert.equal(diffId, sha256Digest(bytes));
    assert.equal(size, bytes.length);
    verifyDiffId(sha256Digest(bytes), diffId);
    const other = sha256Digest(tar([{ type: 'file', name: 'f', content: 'y' }]));
    assert.throws(() => verifyDiffId(other, diffId), DiffIdMismatchError);
    assert.throws(() => verifyDiffId('sha256:ABC', diffId), DiffIdMismatchError);
    assert.throws(() => verifyDiffId(diffId.toUpperCase(), diffId), /diffID mismatch/);
  });
});
