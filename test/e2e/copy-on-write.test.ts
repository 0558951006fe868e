/**
 * The seed's copy-on-write claims, shown on real overlay mounts (issue 5, item 8): a file
 * changed in a container is copied up into its UpperDir while the image's layer keeps the
 * original; a deleted image file becomes a whiteout (a 0/0 character device) in the UpperDir;
 * two containers of one image do not see each other's changes; removing a container removes
 * its read-write layer and its changes.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs, PASSWD } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { docker } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { makeTestDirs } from '../support/test-base.js';

async function ok(host: string, ...args: string[]): Promise<string> {
  const result = await docker(host, ...args);
  assert.equal(result.code, 0, `docker ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

interface GraphDriverData {
  LowerDir: string;
  UpperDir: string;
  WorkDir: string;
  MergedDir: string;
}

describe('copy-on-write on real overlay mounts', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  let host: string;
  const graphDriver = async (name: string): Promise<GraphDriverData> =>
    JSON.parse(await ok(host, 'inspect', '--format', '{{json .GraphDriver.Data}}', name)) as GraphDriverData;

  before(async () => {
    const dirs = makeTestDirs('cow');
    cleanup.directory(dirs.root);
    const work = join(dirs.root, 'work');
    await mkdir(work);
    const blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const image = await buildImage({ layers: [busyboxRootfs()], config: { Cmd: ['sh'] } }, blobs);
    await image.writeDockerArchive(join(work, 'busybox.tar'), { repoTags: ['busybox:latest'] });
    daemon = await startDaemon({ cleanup, label: 'cow' });
    host = daemon.host;
    await ok(host, 'load', '-q', '-i', join(work, 'busybox.tar'));
  });

  it('copies a changed file up, whites out a deleted one, and leaves the image layer alone', async () => {
    await ok(
      host,
      'run',
      '--name',
      'cow1',
      'busybox',
      'sh',
      '-c',
      'echo changed >> /etc/passwd; rm /bin/yes',
    );
    const data = await graphDriver('cow1');
    const imageLayer = data.LowerDir.split(':').at(-1)!;
    assert.equal(readFileSync(join(data.UpperDir, 'etc/passwd'), 'utf8'), `${PASSWD}changed\n`);
    assert.equal(
      readFileSync(join(imageLayer, 'etc/passwd'), 'utf8'),
      PASSWD,
      'the image layer is untouched',
    );
    const whiteout = lstatSync(join(data.UpperDir, 'bin/yes'));
    assert.ok(whiteout.isCharacterDevice(), 'a deleted image file is a whiteout in the UpperDir');
    assert.equal(whiteout.rdev, 0);
    assert.ok(lstatSync(join(imageLayer, 'bin/yes')).isSymbolicLink(), 'the image still has it');
    // Only what changed is in the UpperDir.
    assert.ok(!existsSync(join(data.UpperDir, 'bin/sh')));

    // Another container of the same image sees the image, not cow1's changes.
    assert.equal(await ok(host, 'run', '--rm', 'busybox', 'cat', '/etc/passwd'), PASSWD);
    assert.equal(
      await ok(host, 'run', '--rm', 'busybox', 'sh', '-c', 'test -L /bin/yes && echo present'),
      'present\n',
    );

    // Restarting cow1 shows its own changes again, from its UpperDir.
    await ok(host, 'start', 'cow1');
    await ok(host, 'wait', 'cow1');
    const second = await ok(
      host,
      'run',
      '--name',
      'cow2',
      'busybox',
      'sh',
      '-c',
      'echo mine > /tmp/own; cat /tmp/own',
    );
    assert.equal(second, 'mine\n');
    const data2 = await graphDriver('cow2');
    assert.ok(!existsSync(join(data.UpperDir, 'tmp/own')), "cow1 does not get cow2's file");
    assert.equal(readFileSync(join(data2.UpperDir, 'tmp/own'), 'utf8'), 'mine\n');

    await ok(host, 'rm', 'cow1', 'cow2');
    for (const gone of [data.UpperDir, data2.UpperDir, data.LowerDir.split(':')[0]!]) {
      assert.ok(!existsSync(gone), `${gone} is removed with its container`);
      assert.ok(!existsSync(dirname(gone)), `${dirname(gone)} is removed with its container`);
    }
    assert.ok(existsSync(join(imageLayer, 'etc/passwd')), 'the image layer stays');
  });
});
