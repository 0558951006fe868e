import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { atomicWriteFile } from './atomic-write.js';
import { loadOrCreateDaemonId } from './daemon-id.js';

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

  it('creates the daemon id once and keeps it', async () => {
    const root = join(dir, 'root');
    await mkdir(root);
    const first = await loadOrCreateDaemonId(root);
    assert.match(first, /^[0-9a-f-]{36}$/);
    assert.equal(await loadOrCreateDaemonId(root), first);
  });
});
