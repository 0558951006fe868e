/**
 * The lading CLI's container commands against a real ladingd: `run` pulls an absent image
 * from the registry it names (here one on 127.0.0.1) and runs it, then ps, logs, exec, stop,
 * start -a, rename, inspect, wait, rm and container prune, with Docker's output and exit codes.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { lading } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { makeTestDirs } from '../support/test-base.js';
import { waitFor } from '../support/wait.js';

describe('containers with the lading CLI', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let registry: TestRegistry;
  let daemon: TestDaemon;
  let image: string;

  const run = (...args: string[]) => lading(['-H', daemon.host, ...args]);
  const ok = async (...args: string[]): Promise<string> => {
    const result = await run(...args);
    assert.equal(result.code, 0, `lading ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  };

  before(async () => {
    const dirs = makeTestDirs('containers-lading');
    cleanup.directory(dirs.root);
    const blobs = await BlobDir.create(dirs.root);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const busybox = await buildImage(
      { layers: [{ entries: busyboxRootfs(), createdBy: 'ADD rootfs' }], config: { Cmd: ['sh'] } },
      blobs,
    );
    registry = await startRegistry();
    cleanup.defer('registry', () => registry.stop());
    await busybox.pushToRegistry(registry.url, 'tools/busybox', 'latest');
    image = `${new URL(registry.url).host}/tools/busybox`;
    daemon = await startDaemon({ cleanup, label: 'containers-lading' });
  });

  it('pulls an absent image on run, then runs it', async () => {
    const result = await run('run', '--rm', image, 'echo', 'pulled and ran');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`^Unable to find image '${image}:latest' locally$`, 'm'));
    assert.match(result.stderr, /Status: Downloaded newer image for/);
    assert.equal(result.stdout, 'pulled and ran\n');
    assert.equal(await ok('ps', '-aq'), '');
  });

  it('runs detached; ps, logs, exec, stop, start -a, rename, wait and rm', async () => {
    const id = (
      await ok('run', '-d', '--name', 'svc', image, 'sh', '-c', 'echo ready; exec sleep 100')
    ).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = await ok('ps');
    assert.match(ps, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/m);
    assert.match(
      ps,
      new RegExp(
        `^${id.slice(0, 12)}\\s+${image.replace(/[.]/g, '\\.')}\\s+"sh -c 'echo ready; …"\\s+.*Up .*\\s+svc$`,
        'm',
      ),
    );
    assert.equal(await ok('logs', 'svc'), 'ready\n');
    assert.equal(await ok('exec', 'svc', 'sh', '-c', 'echo $HOSTNAME'), `${id.slice(0, 12)}\n`);
    assert.equal((await run('exec', 'svc', 'nosuchcommand')).code, 127);
    assert.equal(await ok('stop', '-t', '1', 'svc'), 'svc\n');
    assert.equal(
      await ok('inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'svc'),
      'exited 137\n',
    );
    await ok('rename', 'svc', 'svc2');
    assert.equal(await ok('start', 'svc2'), 'svc2\n');
    await ok('kill', 'svc2');
    assert.equal(await ok('logs', 'svc2'), 'ready\nready\n');
    assert.equal(await ok('wait', 'svc2'), '137\n');
    assert.equal(await ok('rm', 'svc2'), 'svc2\n');
    const gone = await run('inspect', 'svc2');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No such object: svc2/);
  });

  it("exits with the container's status, and 125 on a daemon error", async () => {
    assert.equal((await run('run', '--rm', image, 'sh', '-c', 'exit 42')).code, 42);
    const bad = await run('run', '--rm', '--cap-add', 'NOT_A_CAP', image, 'true');
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /unknown capability: "CAP_NOT_A_CAP"/);
  });

  it('passes resource limits and a restart policy', async () => {
    const out = await ok(
      'run',
      '--rm',
      '-m',
      '32m',
      '--cpus',
      '0.5',
      '--pids-limit',
      '20',
      image,
      'cat',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
      '/sys/fs/cgroup/pids/pids.max',
    );
    assert.deepEqual(out.trim().split('\n'), [String(32 * 1024 * 1024), '50000', '20']);
    await ok('run', '-d', '--name', 'rp', '--restart', 'on-failure:1', image, 'sh', '-c', 'exit 1');
    await waitFor('one restart', async () => {
      const status = await ok('inspect', '--format', '{{.State.Status}} {{.RestartCount}}', 'rp');
      return status === 'exited 1\n' || undefined;
    });
    await ok('rm', 'rp');
  });

  it('prunes stopped containers', async () => {
    await ok('create', '--name', 'p1', image, 'true');
    await ok('run', '--name', 'p2', image, 'true');
    const out = await ok('container', 'prune', '-f');
    assert.match(out, /^Deleted Containers:$/m);
    assert.match(out, /^Total reclaimed space: /m);
    assert.equal(await ok('ps', '-aq'), '');
  });
});
