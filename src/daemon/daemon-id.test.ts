import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadOrCreateDaemonId } from './daemon-id.js';

describe('daemon id', () => {
  let root = '';
  after(() => rm(root, { recursive: true, force: true }));

  it('is created once and kept', async () => {
    root = await mkdtemp(join(tmpdir(), 'lading-daemon-id-'));
    const first = await loadOrCreateDaemonId(root);
    assert.match(first, /^[0-9a-f-]{36}$/);
    assert.equal(await loadOrCreateDaemonId(root), first);
  });
});
