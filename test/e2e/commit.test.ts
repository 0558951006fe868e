/**
 * docker commit against ladingd with the real docker CLI (issue 7): a container's changes
 * (an added file and a deletion, which must travel as a whiteout) become an image layer that
 * new containers see; --change, author and message land in the config and the history;
 * a running container is paused for the commit and running again after it; a container
 * with no changes adds an empty-layer history entry and no layer; a bad --change is refused
 * before anything is read.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { docker, runCommand } from '../support/cli.js';
import { LADING_BIN, startDaemon, type TestDaemon } from '../support/daemon.js';
import { makeTestDirs } from '../support/test-base.js';

describe('commit with the docker CLI', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  const ok = async (...args: string[]): Promise<string> => {
    const result = await docker(daemon.host, ...args);
    assert.equal(result.code, 0, `docker ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- inspect JSON, asserted field by field
  const inspect = async (image: string): Promise<Record<string, any>> =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (JSON.parse(await ok('image', 'inspect', image)) as Record<string, any>[])[0]!;

  before(async () => {
    const dirs = makeTestDirs('commit');
    cleanup.directory(dirs.root);
    const work = join(dirs.root, 'work');
    mkdirSync(work);
    const blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const image = await buildImage(
      { layers: [busyboxRootfs()], config: { Cmd: ['sh'], Env: ['PATH=/bin'] } },
      blobs,
    );
    await image.writeDockerArchive(join(work, 'busybox.tar'), { repoTags: ['busybox:latest'] });
    daemon = await startDaemon({ cleanup, label: 'commit' });
    await ok('load', '-q', '-i', join(work, 'busybox.tar'));
  });

  it("turns a container's changes into a layer that new containers see, with --change, author and message", async () => {
    await ok('run', '--name', 'c1', 'busybox', 'sh', '-c', 'echo hi > /hello && rm /etc/group');
    const id = (
      await ok(
        'commit',
        '-a',
        'Jane <jane@example.com>',
        '-m',
        'add hello',
        '-c',
        'ENV A=1',
        '-c',
        'CMD ["cat", "/hello"]',
        'c1',
        'committed:v1',
      )
    ).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await ok('run', '--rm', 'committed:v1'), 'hi\n');
    const gone = await docker(daemon.host, 'run', '--rm', 'committed:v1', 'ls', '/etc/group');
    assert.notEqual(gone.code, 0, 'the deleted file stays deleted in the committed image');
    const committed = await inspect('committed:v1');
    const parent = await inspect('busybox');
    assert.equal(committed.Id, id);
    assert.equal(committed.Author, 'Jane <jane@example.com>');
    assert.deepEqual(committed.Config.Cmd, ['cat', '/hello']);
    assert.ok(committed.Config.Env.includes('A=1') && committed.Config.Env.includes('PATH=/bin'));
    assert.equal(committed.RootFS.Layers.length, parent.RootFS.Layers.length + 1);
    assert.deepEqual(committed.RootFS.Layers.slice(0, -1), parent.RootFS.Layers);
    const history = await ok(
      'history',
      '--no-trunc',
      '--format',
      '{{.CreatedBy}}|{{.Comment}}',
      'committed:v1',
    );
    assert.equal(history.split('\n')[0], 'sh -c echo hi > /hello && rm /etc/group|add hello');
    await ok('rm', 'c1');
  });

  it('pauses a running container for the commit and leaves it running', async () => {
    await ok('run', '-d', '--name', 'c2', 'busybox', 'sleep', '100');
    await ok('exec', 'c2', 'sh', '-c', 'mkdir -p /data && echo live > /data/f');
    await ok('commit', 'c2', 'committed:live');
    assert.equal(await ok('inspect', '--format', '{{.State.Status}}', 'c2'), 'running\n');
    assert.equal(await ok('run', '--rm', 'committed:live', 'cat', '/data/f'), 'live\n');
    // lading's own CLI, without pausing.
    const viaLading = await runCommand(LADING_BIN, [
      '-H',
      daemon.host,
      'commit',
      '--pause=false',
      'c2',
      'committed:lading',
    ]);
    assert.equal(viaLading.code, 0, viaLading.stderr);
    assert.equal((await inspect('committed:lading')).Id, viaLading.stdout.trim());
    await ok('rm', '-f', 'c2');
  });

  it('adds only an empty-layer history entry when nothing changed', async () => {
    await ok('create', '--name', 'c3', 'busybox', 'true');
    await ok('commit', '-m', 'nothing', 'c3', 'committed:empty');
    const committed = await inspect('committed:empty');
    const parent = await inspect('busybox');
    assert.deepEqual(committed.RootFS.Layers, parent.RootFS.Layers);
    const history = await ok('history', '--format', '{{.Size}}|{{.Comment}}', 'committed:empty');
    assert.equal(history.split('\n')[0], '0B|nothing');
    await ok('rm', 'c3');
  });

  it('refuses a change that is not a config instruction, naming it', async () => {
    await ok('create', '--name', 'c4', 'busybox', 'true');
    const bad = await docker(daemon.host, 'commit', '-c', 'RUN echo hi', 'c4', 'committed:bad');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /RUN is not a valid change command/);
    const missing = await docker(daemon.host, 'image', 'inspect', 'committed:bad');
    assert.notEqual(missing.code, 0, 'no image was made');
    const noSuch = await docker(daemon.host, 'commit', 'nope');
    assert.match(noSuch.stderr, /No such container: nope/);
    await ok('rm', 'c4');
  });
});
