/**
 * Containers end to end (issue 5): a real ladingd, its containerd, shims and runc, driven by
 * the real docker CLI — run (with -itd, --rm, -e, -w, -u, --entrypoint), create, start -a,
 * attach, logs -f, exec -it, stop, kill, restart, rm, ps, inspect, wait, rename, Docker's exit
 * codes, and hostile-input row 27. The TTY cases run the CLI on a pseudo-terminal.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { DOCKER_BIN, docker } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { mountsUnder } from '../support/mounts.js';
import { runOnPty } from '../support/pty.js';
import { makeTestDirs, testBase } from '../support/test-base.js';

async function ok(host: string, ...args: string[]): Promise<string> {
  const result = await docker(host, ...args);
  assert.equal(result.code, 0, `docker ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

interface InspectOutput {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; ExitCode: number; StartedAt: string; Pid: number };
  Config: { Env: string[]; Cmd: string[]; WorkingDir: string; Tty: boolean; Labels: Record<string, string> };
  HostConfig: { AutoRemove: boolean };
  GraphDriver: { Name: string; Data: Record<string, string> };
  LogPath: string;
}

describe('containers with the docker CLI', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let daemon: TestDaemon;
  let host: string;
  const inspect = async (name: string): Promise<InspectOutput> =>
    (JSON.parse(await ok(host, 'inspect', name)) as InspectOutput[])[0]!;

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'the e2e tests run as root');
    const dirs = makeTestDirs('containers');
    cleanup.directory(dirs.root);
    const work = join(dirs.root, 'work');
    await mkdir(work);
    const blobs = await BlobDir.create(work);
    cleanup.defer('fixture blobs', () => blobs.dispose());
    const busybox = await buildImage(
      {
        layers: [busyboxRootfs()],
        config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      },
      blobs,
    );
    await busybox.writeDockerArchive(join(work, 'busybox.tar'), { repoTags: ['busybox:latest'] });
    // Hostile-input row 27: a working directory that would reach into the runtime's fds, and
    // an image whose /dev is a symlink out of the container.
    const procCwd = await buildImage(
      { layers: [busyboxRootfs()], config: { Cmd: ['pwd'], WorkingDir: '/proc/self/fd/7' } },
      blobs,
    );
    await procCwd.writeDockerArchive(join(work, 'proc-cwd.tar'), { repoTags: ['proc-cwd:latest'] });
    const devLink = await buildImage(
      {
        layers: [
          [
            ...busyboxRootfs().filter((e) => !('name' in e) || !String(e.name).startsWith('dev')),
            { type: 'symlink', name: 'dev', target: '/tmp' },
          ],
        ],
        config: { Cmd: ['sh', '-c', 'test -d /dev && ! test -L /dev && test -e /dev/null && echo real-dev'] },
      },
      blobs,
    );
    await devLink.writeDockerArchive(join(work, 'dev-link.tar'), { repoTags: ['dev-link:latest'] });
    daemon = await startDaemon({ cleanup, label: 'containers' });
    host = daemon.host;
    for (const archive of ['busybox.tar', 'proc-cwd.tar', 'dev-link.tar']) {
      await ok(host, 'load', '-q', '-i', join(work, archive));
    }
  });

  it('runs a command and removes the container with --rm', async () => {
    assert.equal(await ok(host, 'run', '--rm', 'busybox', 'echo', 'hello'), 'hello\n');
    assert.equal(await ok(host, 'ps', '-aq'), '');
  });

  it('passes -e, -w, -u and --entrypoint, and merges the image env', async () => {
    const out = await ok(
      host,
      'run',
      '--rm',
      '-e',
      'FOO=bar',
      '-w',
      '/tmp/work',
      '-u',
      'nobody',
      'busybox',
      'sh',
      '-c',
      'echo $FOO; pwd; id -u; id -g; echo $PATH; hostname | wc -c',
    );
    assert.equal(
      out,
      'bar\n/tmp/work\n65534\n65534\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n13\n',
    );
    assert.equal(
      await ok(host, 'run', '--rm', '--entrypoint', '/bin/echo', 'busybox', 'via', 'entrypoint'),
      'via entrypoint\n',
    );
  });

  it("gives Docker's exit codes: the container's, 125, 126 and 127", async () => {
    const three = await docker(host, 'run', '--name', 'exit3', 'busybox', 'sh', '-c', 'exit 3');
    assert.equal(three.code, 3);
    const state = (await inspect('exit3')).State;
    assert.equal(state.Status, 'exited');
    assert.equal(state.ExitCode, 3);
    assert.match(
      await ok(host, 'ps', '-a', '--filter', 'name=exit3', '--format', '{{.Status}}'),
      /^Exited \(3\) .* ago\n$/,
    );
    await ok(host, 'rm', 'exit3');

    const missing = await docker(host, 'run', '--rm', 'busybox', 'nosuchcommand');
    assert.equal(missing.code, 127, missing.stderr);
    assert.match(missing.stderr, /executable file not found/);
    const notExecutable = await docker(host, 'run', '--rm', 'busybox', '/etc/passwd');
    assert.equal(notExecutable.code, 126, notExecutable.stderr);
    assert.match(notExecutable.stderr, /permission denied/);
    const noImage = await docker(host, 'run', '--rm', '--pull', 'never', 'nosuchimage');
    assert.equal(noImage.code, 125);
    assert.match(noImage.stderr, /No such image: nosuchimage:latest/);
    assert.equal(await ok(host, 'ps', '-aq'), '', 'failed runs leave no container behind with --rm');
  });

  it('runs -itd with a name, execs into it, and shows the overlay in inspect', async () => {
    const id = (await ok(host, 'run', '-itd', '--name', 'web1', 'busybox', 'sh')).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const info = await inspect('web1');
    assert.equal(info.Id, id);
    assert.equal(info.Name, '/web1');
    assert.equal(info.State.Status, 'running');
    assert.equal(info.Config.Tty, true);
    assert.equal(info.GraphDriver.Name, 'overlay2');
    const data = info.GraphDriver.Data;
    const lower = data['LowerDir']!.split(':');
    assert.match(lower[0]!, /-init\/diff$/);
    assert.equal(lower.length, 2, 'init layer + the busybox layer');
    for (const dir of [...lower, data['UpperDir']!, data['WorkDir']!, data['MergedDir']!]) {
      assert.ok(existsSync(dir), dir);
    }
    assert.ok(mountsUnder(daemon.dataRoot).includes(data['MergedDir']!), 'merged dir is mounted');
    assert.equal(await ok(host, 'exec', 'web1', 'echo', 'from exec'), 'from exec\n');
    assert.equal((await docker(host, 'exec', 'web1', 'sh', '-c', 'exit 7')).code, 7);
    assert.match(await ok(host, 'ps', '--format', '{{.Names}} {{.Status}}'), /^web1 Up /m);
    await ok(host, 'stop', '-t', '1', 'web1');
    assert.equal((await inspect('web1')).State.Running, false);
    await ok(host, 'rm', 'web1');
    assert.ok(!existsSync(data['UpperDir']!), 'rm removes the read-write layer');
    assert.ok(!mountsUnder(daemon.dataRoot).includes(data['MergedDir']!));
  });

  it('passes piped stdin with -i and closes it at EOF', async () => {
    const result = spawnSync(
      DOCKER_BIN,
      ['-H', host, 'run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; echo eof-seen'],
      {
        input: 'piped line\n',
        env: { PATH: process.env['PATH'], DOCKER_CONFIG: join(testBase(), 'docker-config') },
        timeout: 30_000,
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'piped line\neof-seen\n');
  });

  it('creates, then start -a prints the output', async () => {
    await ok(
      host,
      'create',
      '--name',
      'c1',
      '--label',
      'role=test',
      'busybox',
      'echo',
      'created then started',
    );
    assert.equal((await inspect('c1')).State.Status, 'created');
    assert.match(
      await ok(host, 'ps', '-a', '--filter', 'label=role=test', '--format', '{{.Status}}'),
      /^Created\n$/,
    );
    assert.equal(await ok(host, 'start', '-a', 'c1'), 'created then started\n');
    assert.equal(await ok(host, 'wait', 'c1'), '0\n');
    await ok(host, 'rm', 'c1');
  });

  it('attaches to a running container and sees later output', async () => {
    await ok(host, 'run', '-d', '--name', 'att', 'busybox', 'sh', '-c', 'sleep 1; echo late output');
    const attached = await docker(host, 'attach', 'att');
    assert.equal(attached.code, 0, attached.stderr);
    assert.equal(attached.stdout, 'late output\n');
    await ok(host, 'rm', 'att');
  });

  it('keeps logs in json-file and serves logs -f, --tail and --timestamps', async () => {
    await ok(
      host,
      'run',
      '-d',
      '--name',
      'lg',
      'busybox',
      'sh',
      '-c',
      'echo one; sleep 0.3; echo two >&2; sleep 1; echo three',
    );
    const followed = await docker(host, 'logs', '-f', 'lg');
    assert.equal(followed.stdout, 'one\nthree\n');
    assert.equal(followed.stderr, 'two\n');
    assert.equal(await ok(host, 'logs', '--tail', '1', 'lg'), 'three\n');
    assert.match(await ok(host, 'logs', '-t', 'lg'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z one\n/);
    const logPath = (await inspect('lg')).LogPath;
    const lines = readFileSync(logPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepEqual(
      lines.map((l) => [l['log'], l['stream']]),
      [
        ['one\n', 'stdout'],
        ['two\n', 'stderr'],
        ['three\n', 'stdout'],
      ],
    );
    assert.ok(lines.every((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(l['time'] ?? '')));
    await ok(host, 'rm', 'lg');
  });

  it('rotates the json-file log with max-size and max-file', async () => {
    await ok(
      host,
      'run',
      '--name',
      'rot',
      '--log-opt',
      'max-size=2k',
      '--log-opt',
      'max-file=2',
      'busybox',
      'sh',
      '-c',
      'yes line | head -n 400',
    );
    const logPath = (await inspect('rot')).LogPath;
    assert.ok(existsSync(`${logPath}.1`), 'one rotated file');
    assert.ok(!existsSync(`${logPath}.2`), 'max-file=2 keeps only one rotated file');
    assert.ok(readFileSync(logPath).length <= 2048 + 100);
    const logs = (await ok(host, 'logs', 'rot')).split('\n').filter(Boolean);
    assert.ok(logs.length > 0 && logs.length < 400 && logs.every((l) => l === 'line'));
    await ok(host, 'rm', 'rot');
  });

  it('kills, waits, restarts and renames', async () => {
    await ok(host, 'run', '-d', '--name', 'k1', 'busybox', 'sleep', '100');
    const started = (await inspect('k1')).State.StartedAt;
    await ok(host, 'restart', '-t', '0', 'k1');
    const after = await inspect('k1');
    assert.equal(after.State.Running, true);
    assert.notEqual(after.State.StartedAt, started);
    await ok(host, 'rename', 'k1', 'k2');
    assert.equal((await inspect('k2')).Name, '/k2');
    assert.equal((await docker(host, 'inspect', 'k1')).code, 1);
    await ok(host, 'run', '-d', '--name', 'k1', 'busybox', 'sleep', '100');
    const clash = await docker(host, 'rename', 'k2', 'k1');
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /Conflict\. The container name "\/k1" is already in use by container/);
    assert.equal(await ok(host, 'kill', 'k2'), 'k2\n');
    assert.equal(await ok(host, 'wait', 'k2'), '137\n');
    const notRunning = await docker(host, 'kill', 'k2');
    assert.match(notRunning.stderr, /is not running/);
    const running = await docker(host, 'rm', 'k1');
    assert.equal(running.code, 1);
    assert.match(running.stderr, /container is running: stop the container before removing or force remove/);
    await ok(host, 'rm', '-f', 'k1', 'k2');
    assert.equal(await ok(host, 'ps', '-aq'), '');
  });

  it('names a container like Docker when no name is given, and refuses a taken name', async () => {
    const id = (await ok(host, 'create', 'busybox')).trim();
    const name = (await ok(host, 'inspect', '--format', '{{.Name}}', id)).trim();
    assert.match(name, /^\/[a-z]+_[a-z]+\d*$/);
    const taken = await docker(host, 'create', '--name', name.slice(1), 'busybox');
    assert.equal(taken.code, 1, 'docker create exits 1 on a daemon error (run exits 125)');
    assert.match(
      taken.stderr,
      /You have to remove \(or rename\) that container to be able to reuse that name/,
    );
    await ok(host, 'rm', id);
  });

  it('runs -it on a terminal: a shell that reads input, and exec -it', async () => {
    const session = runOnPty(
      cleanup,
      [DOCKER_BIN, '-H', host, 'run', '-it', '--name', 'tty1', 'busybox', 'sh'],
      {
        DOCKER_CONFIG: join(testBase(), 'docker-config'),
      },
    );
    await session.waitFor('# ');
    session.write('stty size; tty\r');
    await session.waitFor(/24 80\r?\n\/dev\/pts\/0/);
    const exec = runOnPty(
      cleanup,
      [DOCKER_BIN, '-H', host, 'exec', '-it', 'tty1', 'sh', '-c', 'tty; echo exec-done'],
      {
        DOCKER_CONFIG: join(testBase(), 'docker-config'),
      },
    );
    await exec.waitFor('exec-done');
    assert.equal(await exec.exited, 0);
    session.write('exit 5\r');
    assert.equal(await session.exited, 5);
    await ok(host, 'rm', 'tty1');
  });

  it('detaches with ctrl-p ctrl-q and leaves the container running', async () => {
    const session = runOnPty(
      cleanup,
      [DOCKER_BIN, '-H', host, 'run', '-it', '--name', 'dk', 'busybox', 'sh'],
      {
        DOCKER_CONFIG: join(testBase(), 'docker-config'),
      },
    );
    await session.waitFor('# ');
    session.write('\x10\x11');
    assert.equal(await session.exited, 0);
    assert.equal((await inspect('dk')).State.Running, true);
    await ok(host, 'rm', '-f', 'dk');
  });

  it('refuses a working directory under /proc and masks an image /dev symlink (row 27)', async () => {
    const proc = await docker(host, 'run', '--rm', 'proc-cwd');
    assert.notEqual(proc.code, 0);
    assert.match(proc.stderr, /working directory/i);
    assert.equal(await ok(host, 'run', '--rm', 'dev-link'), 'real-dev\n');
  });

  it('applies the security and resource flags of run', async () => {
    const script = [
      'grep CapEff /proc/self/status',
      'touch /ro 2>&1 | grep -c Read-only',
      'touch /scratch/x && echo tmpfs-writable',
      'ulimit -n',
      'df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2',
      'hostname',
      'cat /proc/1/cmdline | tr "\\0" " "; echo',
    ].join('; ');
    const out = await ok(
      host,
      'run',
      '--rm',
      '--read-only',
      '--tmpfs',
      '/scratch:size=1m',
      '--cap-drop',
      'ALL',
      '--cap-add',
      'CHOWN',
      '--ulimit',
      'nofile=512:512',
      '--shm-size',
      '8m',
      '-h',
      'myhost',
      '--init',
      'busybox',
      'sh',
      '-c',
      script,
    );
    const lines = out.trim().split('\n');
    assert.equal(lines[0], 'CapEff:\t0000000000000001', 'only CAP_CHOWN is left');
    assert.equal(lines[1], '1', '--read-only makes / read-only');
    assert.equal(lines[2], 'tmpfs-writable');
    assert.equal(lines[3], '512');
    assert.equal(lines[4], '8192');
    assert.equal(lines[5], 'myhost');
    assert.match(lines[6]!, /^\/sbin\/docker-init -- sh -c /, '--init runs tini as pid 1');
    const privileged = await ok(
      host,
      'run',
      '--rm',
      '--privileged',
      'busybox',
      'grep',
      'CapEff',
      '/proc/self/status',
    );
    assert.notEqual(
      privileged.trim(),
      'CapEff:\t00000000a80425fb',
      'privileged has more than the default set',
    );
    assert.equal(
      (await ok(host, 'run', '--rm', 'busybox', 'grep', 'CapEff', '/proc/self/status')).trim(),
      'CapEff:\t00000000a80425fb',
      "Docker's default capability set",
    );
  });

  it('stops with --stop-signal and --stop-timeout', async () => {
    // A shell as pid 1 ignores SIGTERM; with SIGUSR1 trapped it exits at once with 42.
    await ok(
      host,
      'run',
      '-d',
      '--name',
      'sig',
      '--stop-signal',
      'USR1',
      '--stop-timeout',
      '30',
      'busybox',
      'sh',
      '-c',
      'trap "exit 42" USR1; while true; do sleep 0.1; done',
    );
    const started = Date.now();
    await ok(host, 'stop', 'sig');
    assert.ok(Date.now() - started < 10_000, 'stopped by the stop signal, not the timeout');
    assert.equal((await inspect('sig')).State.ExitCode, 42);
    await ok(host, 'rm', 'sig');
  });

  it("shares the host network or another container's, and refuses what it cannot do yet", async () => {
    assert.equal(
      await ok(host, 'run', '--rm', '--network', 'host', 'busybox', 'hostname'),
      `${hostname()}\n`,
    );
    await ok(host, 'run', '-d', '--name', 'netns', 'busybox', 'sleep', '60');
    const own = await ok(host, 'exec', 'netns', 'stat', '-L', '-c', '%i', '/proc/self/ns/net');
    const joined = await ok(
      host,
      'run',
      '--rm',
      '--network',
      'container:netns',
      'busybox',
      'stat',
      '-L',
      '-c',
      '%i',
      '/proc/self/ns/net',
    );
    assert.equal(joined, own);
    assert.notEqual(
      await ok(host, 'run', '--rm', 'busybox', 'stat', '-L', '-c', '%i', '/proc/self/ns/net'),
      own,
    );
    await ok(host, 'rm', '-f', 'netns');
    // Ports are published now (test/e2e/network-bridge.test.ts); legacy links are still refused.
    const refused = await docker(host, 'run', '--rm', '--link', 'other:alias', 'busybox', 'true');
    assert.equal(refused.code, 125);
    assert.match(refused.stderr, /not supported by this version of lading/);
    const noNetwork = await docker(
      host,
      'run',
      '--rm',
      '--pull',
      'never',
      '--network',
      'nosuchnet',
      'busybox',
      'true',
    );
    assert.equal(noNetwork.code, 125);
    assert.match(noNetwork.stderr, /network nosuchnet not found/);
    assert.equal(await ok(host, 'ps', '-aq'), '');
  });

  it('limits memory, CPUs and pids, and records an OOM kill', async () => {
    const limits = await ok(
      host,
      'run',
      '--rm',
      '--memory',
      '32m',
      '--cpus',
      '0.5',
      '--pids-limit',
      '20',
      '--cpu-shares',
      '512',
      'busybox',
      'sh',
      '-c',
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.shares',
    );
    assert.deepEqual(limits.trim().split('\n'), [String(32 * 1024 * 1024), '50000', '20', '512']);
    const tooSmall = await docker(host, 'run', '--rm', '--memory', '1m', 'busybox', 'true');
    assert.equal(tooSmall.code, 125);
    assert.match(tooSmall.stderr, /Minimum memory limit allowed is 6MB/);
    // tail holds a line with no newline in memory: 200 MB of zeros cannot fit in 16 MB.
    const oom = await docker(
      host,
      'run',
      '--name',
      'oom',
      '--memory',
      '16m',
      '--memory-swap',
      '16m',
      'busybox',
      'sh',
      '-c',
      'head -c 200000000 /dev/zero | tail',
    );
    assert.equal(oom.code, 137, oom.stderr);
    const state = (await inspect('oom')).State as unknown as { OOMKilled: boolean; ExitCode: number };
    assert.equal(state.OOMKilled, true);
    assert.equal(state.ExitCode, 137);
    await ok(host, 'rm', 'oom');
  });

  it('reports every transition as an event', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await ok(host, 'run', '--rm', '--name', 'ev', 'busybox', 'true');
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = await ok(
      host,
      'events',
      '--since',
      String(since),
      '--until',
      String(until),
      '--filter',
      'container=ev',
      '--format',
      '{{.Action}}',
    );
    assert.deepEqual(
      events
        .trim()
        .split('\n')
        .filter((a) => a !== 'resize'),
      ['create', 'attach', 'start', 'die', 'destroy'],
    );
  });
});
