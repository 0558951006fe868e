/**
 * Restart policies with the docker CLI (issue 6 item 2): on-failure:N gives up after N
 * restarts, always keeps restarting until stopped, and always / unless-stopped containers
 * come back when ladingd starts again (a manually stopped unless-stopped one does not).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlobDir, buildImage, busyboxRootfs } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { docker } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { makeTestDirs, type TestDirs } from '../support/test-base.js';
import { waitFor } from '../support/wait.js';

interface State {
  Status: string;
  ExitCode: number;
  Running: boolean;
}

describe('restart policies', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let dirs: TestDirs;
  let daemon: TestDaemon;
  const ok = async (...args: string[]): Promise<string> => {
    const result = await docker(daemon.host, ...args);
    assert.equal(result.code, 0, `docker ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };
  const inspect = async (name: string): Promise<{ State: State; RestartCount: number }> =>
    (JSON.parse(await ok('inspect', name)) as { State: State; RestartCount: number }[])[0]!;

  before(async () => {
    dirs = makeTestDirs('restart');
    cleanup.directory(dirs.root);
    const work = join(dirs.root, 'work');
    await mkdir(work);
    const blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const image = await buildImage({ layers: [busyboxRootfs()], config: { Cmd: ['sh'] } }, blobs);
    await image.writeDockerArchive(join(work, 'busybox.tar'), { repoTags: ['busybox:latest'] });
    daemon = await startDaemon({ cleanup, dirs });
    await ok('load', '-q', '-i', join(work, 'busybox.tar'));
  });

  it('restarts on failure at most N times, with back-off', async () => {
    await ok('run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3');
    const settled = await waitFor('two restarts, then exited', async () => {
      const info = await inspect('flaky');
      return info.State.Status === 'exited' && info.RestartCount === 2 ? info : undefined;
    });
    assert.equal(settled.State.ExitCode, 3);
    await sleep(1000);
    assert.equal((await inspect('flaky')).RestartCount, 2, 'no third restart');
    await ok('rm', 'flaky');
  });

  it('restarts always until stopped', async () => {
    await ok(
      'run',
      '-d',
      '--name',
      'again',
      '--restart',
      'always',
      'busybox',
      'sh',
      '-c',
      'sleep 0.2; exit 0',
    );
    await waitFor(
      'at least two restarts',
      async () => (await inspect('again')).RestartCount >= 2 || undefined,
    );
    await ok('stop', '-t', '1', 'again');
    const stopped = await inspect('again');
    assert.equal(stopped.State.Running, false);
    await sleep(1000);
    const later = await inspect('again');
    assert.equal(later.State.Running, false, 'a stopped container stays stopped');
    assert.equal(later.RestartCount, stopped.RestartCount);
    await ok('rm', 'again');
  });

  it('brings always and unless-stopped containers back when ladingd starts', async () => {
    await ok('run', '-d', '--name', 'back', '--restart', 'always', 'busybox', 'sleep', '100');
    await ok('run', '-d', '--name', 'kept-down', '--restart', 'unless-stopped', 'busybox', 'sleep', '100');
    await ok('stop', '-t', '0', 'kept-down');
    await ok('run', '-d', '--name', 'plain', 'busybox', 'sleep', '100');
    assert.equal(await daemon.stop('SIGTERM'), 0);
    daemon = await startDaemon({ cleanup, dirs });
    assert.equal((await inspect('back')).State.Status, 'running');
    assert.equal((await inspect('kept-down')).State.Status, 'exited');
    assert.equal((await inspect('plain')).State.Status, 'exited');
    await ok('rm', '-f', 'back', 'kept-down', 'plain');
  });
});
