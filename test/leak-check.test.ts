import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from './support/cleanup.js';
import { findLeaks } from './support/leak-check.js';
import { mountsUnder } from './support/mounts.js';
import { isAlive } from './support/processes.js';
import { makeTestDirs } from './support/test-base.js';

describe('leak check', () => {
  const cleanup = useCleanup();

  it('finds a process and a mount left under the base, and removes them', async () => {
    const dirs = makeTestDirs('leak-check');
    cleanup.directory(dirs.root);
    const mountPoint = join(dirs.root, 'mnt');
    mkdirSync(mountPoint);
    assert.equal(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', mountPoint]).status, 0);
    cleanup.mount(mountPoint);
    // One process (no fork) that names the directory in its command line for as long as it
    // runs, like a daemon's --data-root.
    const followed = join(dirs.root, 'followed');
    writeFileSync(followed, '');
    const child = spawn('tail', ['-f', followed], { stdio: 'ignore' });
    assert.ok(child.pid);
    cleanup.process(child.pid);

    const leaks = findLeaks(dirs.root);
    assert.deepEqual(leaks.map((leak) => leak.kind).sort(), ['mount', 'process']);
    for (const leak of leaks) await leak.remove();
    assert.equal(isAlive(child.pid), false);
    assert.deepEqual(mountsUnder(dirs.root), []);
    assert.deepEqual(findLeaks(dirs.root), []);
  });
});
