/**
 * docker diff from the upper dir alone must equal what dockerd computes by comparing the
 * two whole mounted trees (moby's ChangesDirs). The oracle here is that comparison done on
 * real overlay mounts: the container's view (upper over the lowers) against the parent's
 * (the lowers alone), walked in full by treeChanges. Each scenario makes its upper dir the
 * way a container does, by writing through a real read-write overlay mount.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { markOpaque, writeOverlayWhiteout } from '../../archive/index.js';
import { lsetxattr, mount, umount2 } from '../../sys/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { CHANGE_ADD, CHANGE_DELETE, CHANGE_MODIFY, type LayerChange } from './layer-change.js';
import { overlayChanges, treeChanges } from './overlay-changes.js';

const T = new Date('2024-01-02T03:04:05Z');

/** The image: a bottom layer and a top layer that deletes and hides some of it. */
function makeLowers(bottom: string, top: string): void {
  const file = (root: string, path: string, content: string, mode = 0o644): void => {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content, { mode });
    utimesSync(full, T, T);
  };
  file(bottom, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
  file(bottom, 'etc/group', 'root:x:0:\n');
  file(bottom, 'bin/tool', '#!/bin/sh\n', 0o755);
  file(bottom, 'opt/tree/a/b', 'deep\n');
  file(bottom, 'opt/tree/c', 'c\n');
  file(bottom, 'data/a', 'a\n');
  file(bottom, 'var/d/inner', 'inner\n');
  file(bottom, 'srv/f', 'f\n');
  file(bottom, 'lib/sub/one', '1\n');
  file(bottom, 'lib/sub/two', '2\n');
  file(bottom, 'gone/x', 'x\n');
  file(bottom, 'op/old', 'old\n');
  file(bottom, 'keep/same', 'same\n');
  // The top layer deletes /gone/x and makes /op opaque with a file of its own.
  mkdirSync(join(top, 'gone'), { recursive: true });
  writeOverlayWhiteout(join(top, 'gone', 'x'), 0, 0);
  mkdirSync(join(top, 'op'));
  markOpaque(join(top, 'op'));
  file(top, 'op/top', 'top\n');
  file(top, 'etc/motd', 'hello\n');
}

interface Layout {
  bottom: string;
  top: string;
  upper: string;
}

async function withLayout(
  cleanup: ReturnType<typeof useCleanup>,
  label: string,
  change: (rootfs: string) => void,
  check: (layout: Layout, expected: LayerChange[]) => void,
): Promise<void> {
  const dirs = makeTestDirs(`changes-${label}`);
  cleanup.directory(dirs.root);
  const path = (name: string): string => {
    const dir = join(dirs.root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const [bottom, top, upper, work, rootfs, newView, oldView] = [
    'bottom',
    'top',
    'upper',
    'work',
    'rootfs',
    'new',
    'old',
  ].map(path) as [string, string, string, string, string, string, string];
  makeLowers(bottom, top);
  mount('overlay', rootfs, 'overlay', 0, `lowerdir=${top}:${bottom},upperdir=${upper},workdir=${work}`);
  try {
    change(rootfs);
  } finally {
    umount2(rootfs, ['MNT_DETACH']);
  }
  mount('overlay', newView, 'overlay', ['MS_RDONLY'], `lowerdir=${upper}:${top}:${bottom}`);
  cleanup.mount(newView);
  mount('overlay', oldView, 'overlay', ['MS_RDONLY'], `lowerdir=${top}:${bottom}`);
  cleanup.mount(oldView);
  const expected = treeChanges(newView, oldView);
  check({ bottom, top, upper }, expected);
  await Promise.resolve();
}

const lines = (changes: LayerChange[]): string[] =>
  changes.map((c) => `${['C', 'A', 'D'][c.Kind]} ${c.Path}`);

describe('overlayChanges (docker diff from the upper dir)', () => {
  const cleanup = useCleanup();

  it('gives what a comparison of the whole mounted trees gives, for every kind of change', async () => {
    await withLayout(
      cleanup,
      'kinds',
      (root) => {
        writeFileSync(join(root, 'new.txt'), 'new\n');
        appendFileSync(join(root, 'etc/passwd'), 'u:x:1:1::/:/bin/sh\n');
        chmodSync(join(root, 'bin/tool'), 0o700);
        unlinkSync(join(root, 'etc/group'));
        rmSync(join(root, 'opt/tree'), { recursive: true });
        mkdirSync(join(root, 'opt/tree'));
        writeFileSync(join(root, 'opt/tree/fresh'), 'fresh\n');
        renameSync(join(root, 'data/a'), join(root, 'data/b'));
        rmSync(join(root, 'var/d'), { recursive: true });
        writeFileSync(join(root, 'var/d'), 'now a file\n');
        unlinkSync(join(root, 'srv/f'));
        mkdirSync(join(root, 'srv/f'));
        writeFileSync(join(root, 'srv/f/in'), 'in\n');
        linkSync(join(root, 'bin/tool'), join(root, 'bin/tool2'));
        symlinkSync('/etc/passwd', join(root, 'etc/link'));
        mkdirSync(join(root, 'x/y/z/w'), { recursive: true });
        writeFileSync(join(root, 'x/y/z/w/file'), 'deep\n');
        rmSync(join(root, 'lib/sub'), { recursive: true });
        mkdirSync(join(root, 'lib/sub'));
        writeFileSync(join(root, 'lib/sub/two'), '2\n');
        utimesSync(join(root, 'lib/sub/two'), T, T);
        utimesSync(
          join(root, 'keep/same'),
          new Date('2025-01-01T00:00:00Z'),
          new Date('2025-01-01T00:00:00Z'),
        );
        writeFileSync(join(root, 'gone/x'), 'back\n');
        writeFileSync(join(root, 'op/new'), 'new\n');
        // A copy-up that changes nothing diff compares: no line for it.
        chownSync(join(root, 'etc/motd'), 0, 0);
        lsetxattr(join(root, 'new.txt'), 'user.note', 'x');
      },
      ({ upper, top, bottom }, expected) => {
        const actual = overlayChanges(upper, [top, bottom]);
        assert.deepEqual(lines(actual), lines(expected));
        const text = lines(actual);
        for (const line of [
          'A /new.txt',
          'C /etc',
          'C /etc/passwd',
          'D /etc/group',
          'C /bin/tool',
          'A /bin/tool2',
          'A /data/b',
          'D /data/a',
          'C /var/d',
          'C /srv/f',
          'A /srv/f/in',
          'D /opt/tree/a',
          'D /opt/tree/c',
          'A /opt/tree/fresh',
          'D /lib/sub/one',
          'C /keep/same',
          'A /gone/x',
          'A /op/new',
          'A /x/y/z/w/file',
        ]) {
          assert.ok(text.includes(line), `${line} in:\n${text.join('\n')}`);
        }
        assert.ok(!text.includes('C /etc/motd'), 'an unchanged copy-up is not a change');
        assert.ok(
          !text.some((l) => l.endsWith(' /lib/sub/two')),
          'an identical recreated file is not a change',
        );
        // Parents come before their children.
        assert.ok(text.indexOf('C /etc') < text.indexOf('C /etc/passwd'));
      },
    );
  });

  it('reports a changed security.capability as a change', async () => {
    await withLayout(
      cleanup,
      'caps',
      (root) => {
        // version 2 file capabilities granting cap_net_bind_service (bit 10), permitted
        const caps = Buffer.alloc(20);
        caps.writeUInt32LE(0x02000000, 0);
        caps.writeUInt32LE(1 << 10, 4);
        const before = join(root, 'bin/tool');
        // Keep size and mtime: only the xattr differs.
        lsetxattr(before, 'security.capability', caps);
        utimesSync(before, T, T);
      },
      ({ upper, top, bottom }, expected) => {
        const actual = overlayChanges(upper, [top, bottom]);
        assert.deepEqual(lines(actual), ['C /bin', 'C /bin/tool']);
        assert.deepEqual(lines(actual), lines(expected));
      },
    );
  });

  it('matches the full comparison for random sequences of file operations', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      let state = seed * 7919;
      const random = (n: number): number => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state % n;
      };
      const paths = [
        'etc/passwd',
        'etc/group',
        'etc/motd',
        'bin/tool',
        'opt/tree',
        'opt/tree/a',
        'opt/tree/a/b',
        'opt/tree/c',
        'data/a',
        'data/n',
        'var/d',
        'var/d/inner',
        'srv/f',
        'lib/sub',
        'lib/sub/one',
        'gone/x',
        'op/old',
        'op/top',
        'keep/same',
        'new/dir',
        'new/dir/f',
      ];
      await withLayout(
        cleanup,
        `random-${seed}`,
        (root) => {
          for (let step = 0; step < 25; step++) {
            const target = join(root, paths[random(paths.length)]!);
            try {
              switch (random(7)) {
                case 0:
                  rmSync(target, { recursive: true });
                  break;
                case 1:
                  mkdirSync(target, { recursive: true });
                  break;
                case 2:
                  writeFileSync(target, `step ${step}\n`);
                  break;
                case 3:
                  chmodSync(target, 0o600 + random(2) * 0o100);
                  break;
                case 4:
                  appendFileSync(target, 'more\n');
                  break;
                case 5:
                  renameSync(target, join(root, paths[random(paths.length)]!));
                  break;
                default:
                  chownSync(target, random(3), random(3));
              }
            } catch {
              // an operation that does not apply to the current tree: the next one may
            }
          }
        },
        ({ upper, top, bottom }, expected) => {
          assert.deepEqual(lines(overlayChanges(upper, [top, bottom])), lines(expected), `seed ${seed}`);
        },
      );
    }
  });

  it('treeChanges alone (vfs) lists additions, changes and deletions', async () => {
    const dirs = makeTestDirs('changes-vfs');
    cleanup.directory(dirs.root);
    const [before, after] = ['before', 'after'].map((name) => join(dirs.root, name)) as [string, string];
    for (const root of [before, after]) {
      mkdirSync(join(root, 'etc'), { recursive: true });
      writeFileSync(join(root, 'etc', 'keep'), 'k\n');
      utimesSync(join(root, 'etc', 'keep'), T, T);
    }
    writeFileSync(join(before, 'etc', 'old'), 'o\n');
    writeFileSync(join(after, 'etc', 'new'), 'n\n');
    const changes = treeChanges(after, before);
    assert.deepEqual(lines(changes), ['C /etc', 'A /etc/new', 'D /etc/old']);
    assert.deepEqual(
      changes.map((c) => c.Kind),
      [CHANGE_MODIFY, CHANGE_ADD, CHANGE_DELETE],
    );
    await Promise.resolve();
  });
});
