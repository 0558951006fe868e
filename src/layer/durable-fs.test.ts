/** The crash-safe record writes the layer store relies on. */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { removeDirectoryAtomically, writeDirectoryAtomically } from './durable-fs.js';

describe('durable directory records', () => {
  const cleanup = useCleanup();
  const dirs = (): { tmp: string; parent: string } => {
    const d = makeTestDirs('durable');
    cleanup.directory(d.root);
    const tmp = join(d.dataRoot, 'tmp');
    const parent = join(d.dataRoot, 'records');
    mkdirSync(tmp);
    mkdirSync(parent);
    return { tmp, parent };
  };

  it('writes every file and renames the set into place, leaving nothing in tmp', async () => {
    const { tmp, parent } = dirs();
    await writeDirectoryAtomically(tmp, join(parent, 'r'), { a: '1', b: 'two' });
    assert.equal(readFileSync(join(parent, 'r', 'a'), 'utf8'), '1');
    assert.equal(readFileSync(join(parent, 'r', 'b'), 'utf8'), 'two');
    assert.deepEqual(readdirSync(tmp), []);
  });

  it('never replaces an existing record, and cleans its write set up', async () => {
    const { tmp, parent } = dirs();
    await writeDirectoryAtomically(tmp, join(parent, 'r'), { a: '1' });
    await assert.rejects(writeDirectoryAtomically(tmp, join(parent, 'r'), { a: '2' }), /ENOTEMPTY|EEXIST/);
    assert.equal(readFileSync(join(parent, 'r', 'a'), 'utf8'), '1');
    assert.deepEqual(readdirSync(tmp), []);
  });

  it('removes a record by moving it out of the way first; absent is fine', () => {
    const { tmp, parent } = dirs();
    mkdirSync(join(parent, 'r'));
    writeFileSync(join(parent, 'r', 'a'), 'x');
    removeDirectoryAtomically(tmp, join(parent, 'r'));
    removeDirectoryAtomically(tmp, join(parent, 'r'));
    assert.deepEqual(readdirSync(parent), []);
    assert.deepEqual(readdirSync(tmp), []);
  });
});
