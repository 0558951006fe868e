import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { atomicWriteFile, removeFileDurably } from './atomic-write.js';

describe('atomic write', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lading-atomic-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates and replaces a file, leaving no temp files', async () => {
    const path = join(dir, 'f');
    await atomicWriteFile(path, 'one', { mode: 0o600 });
    await atomicWriteFile(path, 'two', { mode: 0o600 });
    assert.equal(await readFile(path, 'utf8'), 'two');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['f']);
  });

  it('fails without leaving a temp file when the directory is missing', async () => {
    await assert.rejects(atomicWriteFile(join(dir, 'missing', 'f'), 'x'), { code: 'ENOENT' });
  });

  it('removes a file durably, and absent is fine', async () => {
    const path = join(dir, 'gone');
    await atomicWriteFile(path, 'x');
    await removeFileDurably(path);
    await removeFileDurably(path);
    assert.deepEqual((await readdir(dir)).includes('gone'), false);
  });
});
