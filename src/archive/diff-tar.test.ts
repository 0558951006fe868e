/**
 * diffTarChunks over a directory that changes while it is read (a container committed with
 * --pause=false): a directory swapped for a symlink to a host directory after the walk has
 * listed it must not lead the walk into the host directory, and a file swapped the same way
 * must not be read through the link.
 */
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { diffTarChunks } from './diff-tar.js';
import { readTarEntries } from './tar-entries.js';

async function entryNames(chunks: AsyncIterable<Buffer>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const entry of readTarEntries(Readable.from(chunks))) {
    const parts: Buffer[] = [];
    for await (const part of entry.body) parts.push(part);
    out.set(entry.name, Buffer.concat(parts).toString());
  }
  return out;
}

describe('diffTarChunks', () => {
  const cleanup = useCleanup();

  it('never follows a directory or file swapped for a symlink while it walks', async () => {
    const dirs = makeTestDirs('diff-tar-swap');
    cleanup.directory(dirs.root);
    const secret = join(dirs.root, 'host-secret');
    mkdirSync(secret);
    writeFileSync(join(secret, 'key'), 'host secret\n');
    const upper = join(dirs.root, 'upper');
    mkdirSync(join(upper, 'a'), { recursive: true });
    writeFileSync(join(upper, 'a', 'first'), 'first\n');
    mkdirSync(join(upper, 'z'));
    writeFileSync(join(upper, 'z', 'inner'), 'inner\n');
    writeFileSync(join(upper, 'zz'), 'plain\n');

    const source = diffTarChunks(upper);
    const taken: Buffer[] = [];
    // The root is listed and the walk is inside /a: now swap the later entries.
    for (let i = 0; i < 2; i++) {
      const next = await source.next();
      assert.equal(next.done, false);
      taken.push(next.value as Buffer);
    }
    renameSync(join(upper, 'z'), join(dirs.root, 'z-moved'));
    symlinkSync(secret, join(upper, 'z'));
    rmSync(join(upper, 'zz'));
    symlinkSync(join(secret, 'key'), join(upper, 'zz'));

    async function* rest(): AsyncGenerator<Buffer> {
      yield* taken;
      yield* source;
    }
    const entries = await entryNames(rest());
    assert.ok(entries.has('a/first'));
    assert.ok(!entries.has('z/key'), 'the walk did not enter the host directory');
    for (const [name, body] of entries)
      assert.ok(!body.includes('host secret'), `${name} carries no host data`);
    // What the walk found instead is the symlink itself, as lstat now sees it.
    assert.ok(entries.has('z') && entries.has('zz'));
  });
});
