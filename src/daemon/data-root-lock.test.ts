import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ConflictError } from '../errors/index.js';
import { DataRootLock, LOCK_FILE_NAME } from './data-root-lock.js';
import { processStartTime } from '../runtime/process-identity.js';

describe('data root lock', () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lading-lock-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes our pid and refuses a second holder', async () => {
    const lock = await DataRootLock.acquire(root);
    const record = await readFile(join(root, LOCK_FILE_NAME), 'utf8');
    assert.match(record, new RegExp(`^${process.pid} \\d+\\n$`));
    await assert.rejects(DataRootLock.acquire(root), (err: Error) => {
      assert.ok(err instanceof ConflictError);
      assert.equal(err.message, `another ladingd (pid ${process.pid}) is using data root ${root}`);
      return true;
    });
    await lock.release();
    await assert.rejects(stat(join(root, LOCK_FILE_NAME)), { code: 'ENOENT' });
    const again = await DataRootLock.acquire(root);
    await again.release();
  });

  it('takes over a lock whose process is gone', async () => {
    // A pid that certainly existed and has exited: a child we ran and reaped.
    const child = spawnSync('/bin/true');
    assert.ok(child.pid);
    await writeFile(join(root, LOCK_FILE_NAME), `${child.pid} 12345\n`);
    const lock = await DataRootLock.acquire(root);
    assert.match(await readFile(join(root, LOCK_FILE_NAME), 'utf8'), new RegExp(`^${process.pid} `));
    await lock.release();
  });

  it('takes over a lock whose pid was reused by another process', async () => {
    // pid 1 exists, but not with this start time: the writer is gone and its pid was reused.
    const realStart = Number(await processStartTime(1));
    await writeFile(join(root, LOCK_FILE_NAME), `1 ${realStart + 1}\n`);
    const lock = await DataRootLock.acquire(root);
    await lock.release();
  });

  it('takes over a garbage lock file', async () => {
    await writeFile(join(root, LOCK_FILE_NAME), 'not a pid');
    const lock = await DataRootLock.acquire(root);
    await lock.release();
  });

  it('leaves no temp files behind', async () => {
    const lock = await DataRootLock.acquire(root);
    await assert.rejects(DataRootLock.acquire(root));
    assert.deepEqual(await readdir(root), [LOCK_FILE_NAME]);
    await lock.release();
  });
});
