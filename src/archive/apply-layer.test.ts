/**
 * applyLayer beyond the hostile table: full fidelity of every entry type, the three input
 * forms, limits, clean-up after failure (zstd child included), and extra confinement cases.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compress } from '../../test/fixtures/compression.js';
import { patternContent } from '../../test/fixtures/content-sources.js';
import { tar, tarChunks, type TarEntry } from '../../test/fixtures/tar-builder.js';
import { sha256Digest } from '../oci/index.js';
import { applyLayer } from './apply-layer.js';
import {
  asObject,
  describe as describeEntry,
  snapshotTree,
  type EntryDescription,
} from './fs-snapshot.test-helper.js';
import { ArchiveLimitError } from './limits.js';
import { testBase } from '../../test/support/test-base.js';

const BASE = mkdtempSync(join(testBase(), 'archive-apply-'));
after(() => rmSync(BASE, { recursive: true, force: true }));

function freshDir(label: string): string {
  const dir = mkdtempSync(join(BASE, `${label}-`));
  const root = join(dir, 'root');
  mkdirSync(root);
  return root;
}

/** A v2 file capability (cap_net_raw, cap_net_bind_service): binary, not valid UTF-8. */
const CAPABILITY = (() => {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(0x02000001, 0);
  b.writeUInt32LE((1 << 13) | (1 << 10), 4);
  b.writeUInt32LE(0xffffffff, 8);
  return b;
})();
const T1 = 1_600_000_000;
const T2 = 1_650_000_000;
const BIG = patternContent(3 * 1024 * 1024 + 123, 'fidelity');
const bigHash = (() => {
  const h = createHash('sha256');
  for (const c of BIG.chunks() as Iterable<Buffer>) h.update(c);
  return h.digest('hex');
})();
const NON_UTF8 = Buffer.from([0x6e, 0xff, 0x2e, 0x62, 0x69, 0x6e]);

/** Every kind of entry a layer carries, with metadata that is easy to get wrong. */
const FIDELITY: TarEntry[] = [
  { type: 'dir', name: './', mode: 0o755, mtime: T1 },
  { type: 'dir', name: 'bin', mode: 0o755, mtime: T2 },
  { type: 'file', name: 'bin/su', mode: 0o4755, content: 'su', mtime: T1 },
  { type: 'file', name: 'bin/sgid', mode: 0o2711, gid: 50, content: 'sg', mtime: T1 },
  {
    type: 'file',
    name: 'bin/ping',
    mode: 0o755,
    content: 'ping',
    xattrs: { 'security.capability': CAPABILITY },
  },
  { type: 'symlink', name: 'bin/sh', target: 'busybox', mtime: T2 },
  { type: 'hardlink', name: 'bin/su-link', target: 'bin/su' },
  { type: 'dir', name: 'tmp', mode: 0o1777, mtime: T1 },
  { type: 'dir', name: 'srv', mode: 0o2775, gid: 100, mtime: T1 },
  { type: 'dir', name: 'home/user', mode: 0o700, uid: 1000, gid: 1000, mtime: T1 },
  {
    type: 'file',
    name: 'home/user/.profile',
    mode: 0o644,
    uid: 1000,
    gid: 1000,
    content: 'export X=1\n',
    xattrs: { 'user.note': 'hi', 'trusted.t': Buffer.from([0, 1, 255]) },
    mtime: T2,
  },
  { type: 'file', name: 'home/user/empty', mode: 0o600, uid: 1000, gid: 1000, content: '' },
  { type: 'file', name: 'big', mode: 0o640, content: BIG, mtime: T1 },
  { type: 'file', name: 'large-uid', uid: 3_000_000, gid: 3_000_001, content: 'u' },
  { type: 'file', name: 'frac-mtime', content: 'f', pax: { mtime: '1700000000.5' } },
  { type: 'symlink', name: 'abs', target: '/etc/passwd', uid: 1000, gid: 1000, mtime: T1 },
  { type: 'dir', name: 'dev', mode: 0o755, mtime: T1 },
  { type: 'char', name: 'dev/null', major: 1, minor: 3, mode: 0o666, mtime: T1 },
  { type: 'block', name: 'dev/sda', major: 8, minor: 0, mode: 0o660, gid: 6, mtime: T1 },
  { type: 'fifo', name: 'dev/fifo', mode: 0o620, mtime: T1 },
  { type: 'file', name: NON_UTF8, content: 'bytes', mtime: T1 },
  { type: 'file', name: '.wh.deleted', uid: 7, gid: 8 },
  { type: 'dir', name: 'opq', mode: 0o755, mtime: T1 },
  { type: 'file', name: 'opq/.wh..wh..opq' },
  { type: 'file', name: 'opq/kept', content: 'k', mtime: T1 },
];

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const secs = (t: number) => t * 1000;
const MTIME_DEFAULT = secs(1704067200); // the tar builder's FIXED_MTIME

/** The tree FIDELITY must produce, entry by entry (paths are byte strings). */
const EXPECTED_TREE: Record<string, EntryDescription> = {
  '': { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: secs(T1) },
  bin: { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: secs(T2) },
  'bin/su': {
    type: 'file',
    mode: 0o4755,
    uid: 0,
    gid: 0,
    size: 2,
    sha256: sha('su'),
    nlink: 2,
    mtime: secs(T1),
  },
  'bin/su-link': {
    type: 'file',
    mode: 0o4755,
    uid: 0,
    gid: 0,
    size: 2,
    sha256: sha('su'),
    nlink: 2,
    mtime: secs(T1),
  },
  'bin/sgid': {
    type: 'file',
    mode: 0o2711,
    uid: 0,
    gid: 50,
    size: 2,
    sha256: sha('sg'),
    nlink: 1,
    mtime: secs(T1),
  },
  'bin/ping': {
    type: 'file',
    mode: 0o755,
    uid: 0,
    gid: 0,
    size: 4,
    sha256: sha('ping'),
    nlink: 1,
    mtime: MTIME_DEFAULT,
    xattrs: { 'security.capability': CAPABILITY.toString('hex') },
  },
  'bin/sh': { type: 'symlink', mode: 0o777, uid: 0, gid: 0, target: 'busybox', mtime: secs(T2) },
  tmp: { type: 'dir', mode: 0o1777, uid: 0, gid: 0, mtime: secs(T1) },
  srv: { type: 'dir', mode: 0o2775, uid: 0, gid: 100, mtime: secs(T1) },
  home: { type: 'dir', mode: 0o755, uid: 0, gid: 0 }, // implied: time of extraction
  'home/user': { type: 'dir', mode: 0o700, uid: 1000, gid: 1000, mtime: secs(T1) },
  'home/user/.profile': {
    type: 'file',
    mode: 0o644,
    uid: 1000,
    gid: 1000,
    size: 11,
    sha256: sha('export X=1\n'),
    nlink: 1,
    mtime: secs(T2),
    xattrs: { 'trusted.t': '0001ff', 'user.note': Buffer.from('hi').toString('hex') },
  },
  'home/user/empty': {
    type: 'file',
    mode: 0o600,
    uid: 1000,
    gid: 1000,
    size: 0,
    sha256: sha(''),
    nlink: 1,
    mtime: MTIME_DEFAULT,
  },
  big: {
    type: 'file',
    mode: 0o640,
    uid: 0,
    gid: 0,
    size: BIG.size,
    sha256: bigHash,
    nlink: 1,
    mtime: secs(T1),
  },
  'large-uid': {
    type: 'file',
    mode: 0o644,
    uid: 3_000_000,
    gid: 3_000_001,
    size: 1,
    sha256: sha('u'),
    nlink: 1,
    mtime: MTIME_DEFAULT,
  },
  'frac-mtime': {
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 1,
    sha256: sha('f'),
    nlink: 1,
    mtime: 1_700_000_000_500,
  },
  abs: { type: 'symlink', mode: 0o777, uid: 1000, gid: 1000, target: '/etc/passwd', mtime: secs(T1) },
  dev: { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: secs(T1) },
  'dev/null': { type: 'char', mode: 0o666, uid: 0, gid: 0, rdev: (1 << 8) | 3, mtime: secs(T1) },
  'dev/sda': { type: 'block', mode: 0o660, uid: 0, gid: 6, rdev: 8 << 8, mtime: secs(T1) },
  'dev/fifo': { type: 'fifo', mode: 0o620, uid: 0, gid: 0, mtime: secs(T1) },
  [NON_UTF8.toString('latin1')]: {
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 5,
    sha256: sha('bytes'),
    nlink: 1,
    mtime: secs(T1),
  },
  deleted: { type: 'char', mode: 0o000, uid: 7, gid: 8, rdev: 0 },
  opq: {
    type: 'dir',
    mode: 0o755,
    uid: 0,
    gid: 0,
    mtime: secs(T1),
    xattrs: { 'trusted.overlay.opaque': Buffer.from('y').toString('hex') },
  },
  'opq/kept': {
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 1,
    sha256: sha('k'),
    nlink: 1,
    mtime: secs(T1),
  },
};

/** Entries whose time the archive does not set (implied dirs, whiteouts): compare without it. */
const UNTIMED = new Set(['home', 'deleted']);

function assertFidelity(root: string): void {
  const tree = snapshotTree(root);
  assert.deepEqual([...tree.keys()].sort(), Object.keys(EXPECTED_TREE).sort());
  for (const [path, got] of tree) {
    const want = EXPECTED_TREE[path];
    if (UNTIMED.has(path)) delete got.mtime;
    // a whiteout's mode is whatever the umask left of 0: overlay ignores it
    if (path === 'deleted') got.mode = 0;
    assert.deepEqual(got, want, `entry ${JSON.stringify(path)}`);
  }
}

describe('applyLayer fidelity', () => {
  const plain = tar(FIDELITY, { format: 'pax' });

  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    it(`extracts every entry type exactly (${compression})`, async () => {
      const root = freshDir(`fidelity-${compression}`);
      const warnings: string[] = [];
      const result = await applyLayer(compress([plain], compression), root, {
        onWarning: (m) => warnings.push(m),
      });
      assert.deepEqual(warnings, []);
      assert.equal(result.diffId, sha256Digest(plain));
      assert.equal(result.size, plain.length);
      assert.equal(result.compression, compression);
      assert.equal(result.entries, FIDELITY.length);
      assertFidelity(root);
    });
  }

  it('gives the same tree for GNU and ustar-compatible encodings of the same entries', async () => {
    const root = freshDir('fidelity-gnu');
    await applyLayer([tar(FIDELITY, { format: 'gnu' })], root);
    assertFidelity(root);
  });

  it('reads any chunking of the input, down to single bytes', async () => {
    const entries: TarEntry[] = [
      { type: 'file', name: 'a/b', content: 'hello', xattrs: { 'user.k': 'v' } },
      { type: 'symlink', name: `${'x'.repeat(150)}`, target: 't'.repeat(200) },
    ];
    const bytes = tar(entries);
    const one = freshDir('bytewise');
    const whole = freshDir('whole');
    const bytewise = function* () {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    };
    const r1 = await applyLayer(bytewise(), one);
    const r2 = await applyLayer([bytes], whole);
    assert.equal(r1.diffId, r2.diffId);
    assert.deepEqual(
      asObject(snapshotTree(one, { mtime: false })),
      asObject(snapshotTree(whole, { mtime: false })),
    );
  });

  it('hashes bytes after the end-of-archive marker too (the diffID covers the whole stream)', async () => {
    const bytes = Buffer.concat([tar([{ type: 'file', name: 'f', content: 'x' }]), Buffer.alloc(4096)]);
    const result = await applyLayer([bytes], freshDir('trailing'));
    assert.equal(result.diffId, sha256Digest(bytes));
    assert.equal(result.size, bytes.length);
  });

  it('keeps a directory mtime even when entries are added to it later in the archive', async () => {
    const root = freshDir('dir-mtime');
    await applyLayer(
      [
        tar([
          { type: 'dir', name: 'd', mtime: T1 },
          { type: 'file', name: 'x', content: '' },
          { type: 'file', name: 'd/late', content: 'l' },
          { type: 'dir', name: 'd/sub', mtime: T2 },
          { type: 'file', name: 'd/sub/later', content: '' },
        ]),
      ],
      root,
    );
    assert.equal(lstatSync(join(root, 'd')).mtimeMs, secs(T1));
    assert.equal(lstatSync(join(root, 'd/sub')).mtimeMs, secs(T2));
  });

  it('extracts a legitimately deep tree (200 levels)', async () => {
    const root = freshDir('deep-ok');
    const name = `${'d/'.repeat(200)}leaf`;
    await applyLayer([tar([{ type: 'file', name, content: 'deep' }])], root);
    assert.equal(readFileSync(join(root, name), 'utf8'), 'deep');
  });
});

/** Docker's layer size, the slow way: lstat every non-directory, each inode once. */
function walkedBytes(root: string): number {
  const seen = new Set<string>();
  let total = 0;
  const walk = (dir: Buffer): void => {
    for (const name of readdirSync(dir, { encoding: 'buffer' })) {
      const path = Buffer.concat([dir, Buffer.from('/'), name]); // names need not be UTF-8
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path);
      else if (!seen.has(`${st.ino}`)) {
        seen.add(`${st.ino}`);
        total += st.size;
      }
    }
  };
  walk(Buffer.from(root));
  return total;
}

describe('applyLayer contentBytes', () => {
  const cases: Record<string, TarEntry[]> = {
    'every entry type': FIDELITY,
    'files replaced, by files, links, directories and whiteouts': [
      { type: 'file', name: 'a', content: 'x'.repeat(100) },
      { type: 'file', name: 'a', content: 'y'.repeat(7) },
      { type: 'file', name: 'b', content: 'z'.repeat(50) },
      { type: 'symlink', name: 'b', target: 'twelve-bytes' },
      { type: 'file', name: 'c', content: 'c'.repeat(30) },
      { type: 'file', name: '.wh.c' },
      { type: 'file', name: 'd/e/f', content: 'f'.repeat(40) },
      { type: 'file', name: 'd/e/g', content: 'g'.repeat(9) },
      { type: 'file', name: 'd', content: 'now a file' },
    ],
    'hard links counted once, until the last name goes': [
      { type: 'file', name: 'one', content: 'o'.repeat(64) },
      { type: 'hardlink', name: 'two', target: 'one' },
      { type: 'hardlink', name: 'three', target: 'two' },
      { type: 'file', name: 'one', content: 'new' },
      { type: 'file', name: 'two', content: '' },
      { type: 'file', name: 'solo', content: 's'.repeat(11) },
      { type: 'hardlink', name: 'solo-link', target: 'solo' },
      { type: 'file', name: 'solo', content: '' },
      { type: 'file', name: 'solo-link', content: '' },
      { type: 'symlink', name: 'ln', target: 'abc' },
      { type: 'hardlink', name: 'ln2', target: 'ln' },
    ],
  };
  for (const [label, entries] of Object.entries(cases)) {
    it(`equals a walk of the extracted tree: ${label}`, async () => {
      const root = freshDir('content-bytes');
      const result = await applyLayer([tar(entries)], root);
      assert.equal(result.contentBytes, walkedBytes(root));
    });
  }
});

describe('applyLayer confinement (beyond the table)', () => {
  const cases: { name: string; entries: TarEntry[]; check: (root: string) => void }[] = [
    {
      name: 'a symlink with many ".." lands at the root',
      entries: [
        { type: 'symlink', name: 'up', target: '../../../../../..' },
        { type: 'file', name: 'up/x', content: 'x' },
      ],
      check: (root) => assert.equal(readFileSync(join(root, 'x'), 'utf8'), 'x'),
    },
    {
      name: 'a symlink named "" is skipped with a warning',
      entries: [{ type: 'symlink', name: '', target: '/tmp' }],
      check: (root) => assert.deepEqual(readdirSync(root), []),
    },
    {
      name: 'a symlink named "dir/" is a symlink "dir" in the root',
      entries: [
        { type: 'symlink', name: 'dir/', target: '/tmp' },
        { type: 'file', name: 'dir/y', content: 'y' },
      ],
      check: (root) => {
        assert.equal(readlinkSync(join(root, 'dir')), '/tmp');
        assert.equal(readFileSync(join(root, 'tmp/y'), 'utf8'), 'y');
      },
    },
    {
      name: 'AUFS bookkeeping (.wh..wh.plnk/…, .wh..wh.aufs) is skipped',
      entries: [
        { type: 'dir', name: '.wh..wh.plnk' },
        { type: 'file', name: '.wh..wh.plnk/123.456', content: 'x' },
        { type: 'file', name: '.wh..wh.aufs' },
        { type: 'file', name: 'real', content: 'r' },
      ],
      check: (root) => assert.deepEqual(readdirSync(root), ['real']),
    },
    {
      name: 'a hardlink through an in-root symlinked parent links the in-root inode',
      entries: [
        { type: 'file', name: 'real/f', content: 'inode' },
        { type: 'symlink', name: 'p', target: '/real' },
        { type: 'hardlink', name: 'h', target: 'p/f' },
      ],
      check: (root) => assert.equal(lstatSync(join(root, 'h')).ino, lstatSync(join(root, 'real/f')).ino),
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const root = freshDir('confine');
      const warnings: string[] = [];
      await applyLayer([tar(c.entries)], root, { onWarning: (m) => warnings.push(m) });
      c.check(root);
    });
  }

  const rejected: { name: string; entries: TarEntry[]; pattern: RegExp }[] = [
    {
      name: 'a symlink loop used as a directory',
      entries: [
        { type: 'symlink', name: 'a', target: 'b' },
        { type: 'symlink', name: 'b', target: 'a' },
        { type: 'file', name: 'a/x', content: '' },
      ],
      pattern: /too many symlinks/,
    },
    {
      name: 'a file used as a directory (directly or through a symlink)',
      entries: [
        { type: 'file', name: 'f', content: '' },
        { type: 'symlink', name: 'l', target: 'f' },
        { type: 'file', name: 'l/x', content: '' },
      ],
      pattern: /not a directory/,
    },
    {
      name: 'a symlink named "x/.."',
      entries: [{ type: 'symlink', name: 'x/..', target: '/tmp' }],
      pattern: /"\.\."/,
    },
    {
      name: 'a hardlink to a directory',
      entries: [
        { type: 'dir', name: 'd' },
        { type: 'hardlink', name: 'h', target: 'd' },
      ],
      pattern: /names a directory/,
    },
    {
      name: 'a truncated archive',
      entries: [{ type: 'raw', header: tar([{ type: 'file', name: 'f', content: 'abc' }]).subarray(0, 512) }],
      pattern: /truncated/,
    },
  ];
  for (const c of rejected) {
    it(`rejects ${c.name} and leaves the root empty`, async () => {
      const root = freshDir('reject');
      await assert.rejects(
        applyLayer([tar(c.entries, { end: c.name !== 'a truncated archive' })], root),
        c.pattern,
      );
      assert.deepEqual(readdirSync(root), []);
    });
  }
});

describe('applyLayer where devices are not permitted (#13)', () => {
  it('skips device nodes with a warning inside a user namespace, and keeps the rest', () => {
    const root = freshDir('userns');
    const script = join(root, '..', 'apply.mjs');
    const applyUrl = new URL('./apply-layer.js', import.meta.url).href;
    const tarUrl = new URL('../../test/fixtures/tar-builder.js', import.meta.url).href;
    writeFileSync(
      script,
      `import { applyLayer } from ${JSON.stringify(applyUrl)};
       import { tar } from ${JSON.stringify(tarUrl)};
       const warnings = [];
       const entries = [
         { type: 'char', name: 'null', major: 1, minor: 3 },
         { type: 'block', name: 'sda', major: 8, minor: 0 },
         { type: 'fifo', name: 'fifo' },
         { type: 'file', name: 'f', content: 'x' },
       ];
       await applyLayer([tar(entries)], ${JSON.stringify(root)}, { onWarning: (m) => warnings.push(m) });
       console.log(JSON.stringify(warnings));`,
    );
    // A new user namespace: root inside, but mknod of devices is refused by the kernel.
    const run = spawnSync('unshare', ['--user', '--map-root-user', process.execPath, script], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const warnings = JSON.parse(run.stdout) as string[];
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /skipped char "null"/);
    assert.match(warnings[1] ?? '', /skipped block "sda"/);
    assert.deepEqual(readdirSync(root).sort(), ['f', 'fifo']);
  });
});

describe('applyLayer limits and clean-up', () => {
  it('stops at maxHeaderBytes for an oversized PAX record', async () => {
    const root = freshDir('pax-limit');
    const entries: TarEntry[] = [
      { type: 'file', name: 'f', content: '', pax: { comment: 'c'.repeat(10_000) } },
    ];
    await assert.rejects(applyLayer([tar(entries)], root, { limits: { maxHeaderBytes: 4096 } }), (err) => {
      assert.ok(err instanceof ArchiveLimitError);
      assert.equal(err.limit, 'maxHeaderBytes');
      return true;
    });
  });

  it('stops at maxNameBytes', async () => {
    const root = freshDir('name-limit');
    const entries: TarEntry[] = [{ type: 'file', name: 'n'.repeat(300), content: '' }];
    await assert.rejects(applyLayer([tar(entries)], root, { limits: { maxNameBytes: 255 } }), {
      limit: 'maxNameBytes',
    });
  });

  it('refuses a target that is not empty, touching nothing', async () => {
    const root = freshDir('not-empty');
    mkdirSync(join(root, 'keep'));
    await assert.rejects(applyLayer([tar([])], root), /not empty/);
    assert.deepEqual(readdirSync(root), ['keep']);
  });

  it('after a failure mid-layer: removes what was written, restores the root, and kills zstd', async () => {
    const root = freshDir('rollback');
    const before = describeEntry(root);
    // 8 MiB of data then a hostile entry, zstd-compressed: fails after real work was done.
    const entries: TarEntry[] = [
      { type: 'dir', name: './', mode: 0o700, uid: 1234 },
      { type: 'file', name: 'data', content: patternContent(8 * 1024 * 1024) },
      { type: 'dir', name: 'o' },
      { type: 'file', name: 'o/.wh..wh..opq' },
      { type: 'file', name: '../escape', content: 'x' },
    ];
    await assert.rejects(applyLayer(compress(tarChunks(entries), 'zstd'), root), /"\.\."/);
    assert.deepEqual(readdirSync(root), []);
    assert.deepEqual(describeEntry(root), before);
    assert.deepEqual(zstdChildren(), []);
  });

  it('kills zstd when the consumer aborts', async () => {
    const root = freshDir('abort');
    const controller = new AbortController();
    const entries = (function* (): Generator<TarEntry> {
      for (let i = 0; ; i++) {
        if (i === 50) controller.abort();
        yield { type: 'file', name: `f${i}`, content: patternContent(64 * 1024, String(i)) };
      }
    })();
    await assert.rejects(
      applyLayer(compress(tarChunks(entries), 'zstd'), root, { signal: controller.signal }),
      /abort/i,
    );
    assert.deepEqual(readdirSync(root), []);
    assert.deepEqual(zstdChildren(), []);
  });

  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    it(`reports a failing source as itself, not as a bad ${compression} stream`, async () => {
      const root = freshDir(`source-fails-${compression}`);
      const packed: Buffer[] = [];
      const entries: TarEntry[] = [{ type: 'file', name: 'f', content: patternContent(4 << 20) }];
      for await (const c of compress(tarChunks(entries), compression)) packed.push(c);
      const whole = Buffer.concat(packed);
      const failing = (async function* () {
        yield whole.subarray(0, whole.length >> 1);
        throw new Error('connection reset by registry');
      })();
      await assert.rejects(applyLayer(failing, root), /connection reset by registry/);
      assert.deepEqual(readdirSync(root), []);
      assert.deepEqual(zstdChildren(), []);
    });
  }

  it('rejects a corrupt gzip stream and leaves nothing behind', async () => {
    const root = freshDir('corrupt');
    const chunks: Buffer[] = [];
    for await (const c of compress(
      [tar([{ type: 'file', name: 'f', content: patternContent(1 << 20) }])],
      'gzip',
    )) {
      chunks.push(c);
    }
    const gz = Buffer.concat(chunks);
    gz.writeUInt8(gz.readUInt8(gz.length - 5) ^ 0xff, gz.length - 5); // the stored length
    gz.writeUInt8(gz.readUInt8(200) ^ 0xff, 200);
    await assert.rejects(applyLayer([gz], root), /gzip|checksum|header/i);
    assert.deepEqual(readdirSync(root), []);
  });
});

/** Decompressing zstd processes whose parent is this process (the fixture compresses with zstd too). */
function zstdChildren(): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (m?.[1] === 'zstd' && Number(m[2]) === process.pid && args.includes('-d')) found.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
