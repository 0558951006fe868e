/**
 * docker cp both ways (running and stopped containers, a symlink in the container pointing
 * at /etc resolving inside the container: hostile-input row 26), and pause/unpause, top and
 * stats --no-stream, export and diff, with the real docker CLI against ladingd (issue 6 items 4 and 6).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { DOCKER_BIN, docker, runCommand } from '../support/cli.js';
import { LADING_BIN, startDaemon, type TestDaemon } from '../support/daemon.js';
import { makeTestDirs, testBase } from '../support/test-base.js';

describe('cp, pause, top and stats with the docker CLI', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  let work: string;
  const ok = async (...args: string[]): Promise<string> => {
    const result = await docker(daemon.host, ...args);
    assert.equal(result.code, 0, `docker ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };

  before(async () => {
    const dirs = makeTestDirs('cp-observe');
    cleanup.directory(dirs.root);
    work = join(dirs.root, 'work');
    mkdirSync(work);
    const blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const image = await buildImage(
      {
        layers: [[...busyboxRootfs(), { type: 'symlink', name: 'etc-link', target: '/etc' }]],
        config: { Cmd: ['sh'] },
      },
      blobs,
    );
    await image.writeDockerArchive(join(work, 'busybox.tar'), { repoTags: ['busybox:latest'] });
    daemon = await startDaemon({ cleanup, label: 'cp-observe' });
    await ok('load', '-q', '-i', join(work, 'busybox.tar'));
  });

  it('copies into and out of running and stopped containers, never outside them', async () => {
    await ok('run', '-d', '--name', 'cpc', 'busybox', 'sleep', '100');
    const source = join(work, 'hello.txt');
    writeFileSync(source, 'hello from the host\n');
    await ok('cp', source, 'cpc:/tmp/');
    assert.equal(await ok('exec', 'cpc', 'cat', '/tmp/hello.txt'), 'hello from the host\n');
    // /etc-link points at /etc: inside the container, whatever the host has there.
    await ok('cp', source, 'cpc:/etc-link/');
    assert.equal(await ok('exec', 'cpc', 'cat', '/etc/hello.txt'), 'hello from the host\n');
    assert.ok(!existsSync('/etc/hello.txt'), 'the host /etc is untouched');
    await ok('exec', 'cpc', 'sh', '-c', 'mkdir -p /data/sub && echo inner > /data/sub/f');
    await ok('stop', '-t', '0', 'cpc');
    const out = join(work, 'out');
    mkdirSync(out);
    await ok('cp', 'cpc:/data', out);
    assert.equal(readFileSync(join(out, 'data', 'sub', 'f'), 'utf8'), 'inner\n');
    const missing = await docker(daemon.host, 'cp', 'cpc:/nope', out);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Could not find the file \/nope in container cpc/);
    await ok('rm', 'cpc');
  });

  it("exports the root filesystem with the container's changes, from docker and lading", async () => {
    await ok('run', '--name', 'exp', 'busybox', 'sh', '-c', 'echo changed > /etc/motd-new && rm /etc-link');
    const file = join(work, 'exp.tar');
    await ok('export', '-o', file, 'exp');
    const listing = await runCommand('tar', ['-tf', file]);
    assert.equal(listing.code, 0, listing.stderr);
    const names = listing.stdout.split('\n').filter((line) => line !== '');
    assert.ok(names.includes('bin/') && names.includes('bin/busybox'), listing.stdout.slice(0, 400));
    assert.ok(names.includes('etc/motd-new'), 'the changed file is in the export');
    assert.ok(!names.includes('etc-link'), 'the deleted symlink is not');
    assert.ok(!names.some((name) => name === './' || name.startsWith('/')));
    const extracted = join(work, 'exp-out');
    mkdirSync(extracted);
    assert.equal((await runCommand('tar', ['-xf', file, '-C', extracted])).code, 0);
    assert.equal(readFileSync(join(extracted, 'etc', 'motd-new'), 'utf8'), 'changed\n');
    // The lading CLI gives the same archive, to stdout.
    const viaLading = await runCommand('sh', [
      '-c',
      `${LADING_BIN} -H ${daemon.host} export exp | tar -tf - | sort`,
    ]);
    const viaDocker = await runCommand('sh', ['-c', `tar -tf ${file} | sort`]);
    assert.equal(viaLading.code, 0, viaLading.stderr);
    assert.equal(viaLading.stdout, viaDocker.stdout, viaLading.stderr);
    const toTerminalCheck = await docker(daemon.host, 'export', 'nope');
    assert.notEqual(toTerminalCheck.code, 0);
    assert.match(toTerminalCheck.stderr, /No such container: nope/);
    await ok('rm', 'exp');
  });

  it("lists a container's changes with docker diff and lading diff, read from its upper dir", async () => {
    await ok(
      'run',
      '--name',
      'dif',
      'busybox',
      'sh',
      '-c',
      'echo x >> /etc/passwd && rm /etc/group && mkdir -p /new/sub && echo y > /new/sub/f',
    );
    const expected = ['C /etc', 'D /etc/group', 'C /etc/passwd', 'A /new', 'A /new/sub', 'A /new/sub/f'];
    assert.deepEqual((await ok('diff', 'dif')).split('\n').filter(Boolean), expected);
    const viaLading = await runCommand(LADING_BIN, ['-H', daemon.host, 'diff', 'dif']);
    assert.equal(viaLading.code, 0, viaLading.stderr);
    assert.deepEqual(viaLading.stdout.split('\n').filter(Boolean), expected);
    await ok('run', '--name', 'nodiff', 'busybox', 'true');
    assert.equal(await ok('diff', 'nodiff'), '');
    await ok('rm', 'dif', 'nodiff');
  });

  it('pauses and unpauses, lists processes with top, and reports stats', async () => {
    await ok('run', '-d', '--name', 'obs', 'busybox', 'sleep', '100');
    await ok('pause', 'obs');
    assert.match(await ok('ps', '--filter', 'name=obs', '--format', '{{.Status}}'), /\(Paused\)/);
    const paused = await docker(daemon.host, 'exec', 'obs', 'true');
    assert.notEqual(paused.code, 0);
    assert.match(paused.stderr, /is paused, unpause the container before exec/);
    await ok('unpause', 'obs');
    assert.equal(await ok('exec', 'obs', 'echo', 'thawed'), 'thawed\n');
    const top = await ok('top', 'obs');
    assert.match(top, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/m);
    assert.match(top, /sleep 100/);
    const stats = await ok('stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}} {{.PIDs}}', 'obs');
    assert.match(stats, /^obs \d+(\.\d+)?[KMG]?i?B \/ \d+(\.\d+)?[KMGT]iB 1\n$/);
    // Streaming stats redraw the table every second until interrupted.
    const streamed = await runCommand(
      DOCKER_BIN,
      ['-H', daemon.host, 'stats', 'obs'],
      { DOCKER_CONFIG: join(testBase(), 'docker-config') },
      3500,
    );
    assert.equal(streamed.code, null, 'still streaming when stopped');
    assert.ok((streamed.stdout.match(/CONTAINER ID/g) ?? []).length >= 2, streamed.stdout);
    assert.equal(await ok('port', 'obs'), '', 'no published ports');
    await ok('rm', '-f', 'obs');
  });

  it('updates limits of a running container live, and its restart policy', async () => {
    await ok('run', '-d', '--name', 'upd', '--memory', '32m', 'busybox', 'sleep', '100');
    const limit = () => ok('exec', 'upd', 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes');
    assert.equal(await limit(), `${32 * 1024 * 1024}\n`);
    assert.equal(
      await ok('update', '--memory', '64m', '--memory-swap', '128m', '--restart', 'on-failure:3', 'upd'),
      'upd\n',
    );
    assert.equal(await limit(), `${64 * 1024 * 1024}\n`);
    const policy = await ok(
      'inspect',
      '--format',
      '{{.HostConfig.Memory}} {{json .HostConfig.RestartPolicy}}',
      'upd',
    );
    assert.equal(policy, `${64 * 1024 * 1024} {"Name":"on-failure","MaximumRetryCount":3}\n`);
    const tooSmall = await docker(daemon.host, 'update', '--memory', '1m', 'upd');
    assert.notEqual(tooSmall.code, 0);
    assert.match(tooSmall.stderr, /Minimum memory limit allowed is 6MB/);
    await ok('rm', '-f', 'upd');
  });
});
