/**
 * Live restore (issue 6 item 3) with a real ladingd, containerd, shims and runc, driven by the
 * docker CLI. With `"live-restore": true` in daemon.json, 20 containers that log a numbered
 * line every 50 ms survive a SIGKILL of ladingd: while it is down one of them exits by itself
 * (code 7) and the shim of another is killed; the next ladingd re-attaches to the survivors
 * (same pids, logs go on, wait/stop/kill/exec/logs -f work), records the exit code 7, and
 * cleans up the one whose shim died. A graceful SIGTERM leaves containers running too (a
 * paused one stays paused, a volume's own mount is taken over). Without live restore a
 * SIGTERM stops containers, and after a SIGKILL the next ladingd kills what is left; a SIGHUP
 * can turn live restore on.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlobDir, buildImage, busyboxRootfs } from '../fixtures/index.js';
import { useCleanup, type Cleanup } from '../support/cleanup.js';
import { docker } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { mountsUnder } from '../support/mounts.js';
import { commandLineOf, isAlive, waitForExit } from '../support/processes.js';
import { makeTestDirs, type TestDirs } from '../support/test-base.js';
import { waitFor } from '../support/wait.js';

/**
 * Logs `tick <n> end` every 50 ms. SIGUSR1 makes it exit with 7, SIGTERM with 0 (a shell as
 * pid 1 ignores signals it has no trap for).
 */
const TICKER =
  'trap "exit 7" USR1; trap "exit 0" TERM; i=0; ' +
  'while true; do i=$((i+1)); echo "tick $i end"; sleep 0.05; done';

interface Inspected {
  Id: string;
  State: { Status: string; Running: boolean; Paused: boolean; ExitCode: number; Pid: number };
  GraphDriver: { Data: Record<string, string> };
}

/** The tick numbers in a container's log, in order; pieces of lines are ignored. */
function ticks(log: string): number[] {
  return [...log.matchAll(/^tick (\d+) end$/gm)].map((match) => Number(match[1]));
}

/**
 * The ticks must only go up, one by one, except for at most `gaps` gaps of at most 2 lines
 * each: output ladingd had read but not yet written when it was SIGKILLed is lost (as with
 * dockerd); what the container wrote while ladingd was away waits in the FIFO, which cannot
 * fill at this rate (20 short lines a second against 64 KiB).
 */
function assertContinuous(name: string, numbers: number[], gaps: number): void {
  assert.ok(numbers.length > 0, `${name}: no ticks logged`);
  assert.equal(numbers[0], 1, `${name}: the log starts at tick ${numbers[0]}`);
  const missing: string[] = [];
  for (let i = 1; i < numbers.length; i++) {
    const step = numbers[i]! - numbers[i - 1]!;
    assert.ok(step > 0, `${name}: tick ${numbers[i]} after ${numbers[i - 1]}`);
    if (step > 1) missing.push(`${numbers[i - 1]! + 1}..${numbers[i]! - 1}`);
    assert.ok(step <= 3, `${name}: ticks ${numbers[i - 1]! + 1}..${numbers[i]! - 1} are missing`);
  }
  assert.ok(missing.length <= gaps, `${name}: ticks missing at ${missing.join(', ')}`);
}

function parentOf(pid: number): number {
  // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ")".
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
}

class Engine {
  daemon!: TestDaemon;
  constructor(
    readonly cleanup: Cleanup,
    readonly dirs: TestDirs,
  ) {}

  async start(config: Record<string, unknown>): Promise<void> {
    this.daemon = await startDaemon({ cleanup: this.cleanup, dirs: this.dirs, config });
  }

  async ok(...args: string[]): Promise<string> {
    const result = await docker(this.daemon.host, ...args);
    assert.equal(result.code, 0, `docker ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  }

  async inspect(name: string): Promise<Inspected> {
    return (JSON.parse(await this.ok('inspect', name)) as Inspected[])[0]!;
  }

  async ticks(name: string): Promise<number[]> {
    return ticks(await this.ok('logs', name));
  }

  /**
   * Starts tickers (with `runOptions` for the ones named there), and registers each
   * container's process so a failed test still ends it.
   */
  async runTickers(
    names: string[],
    runOptions: Record<string, string[]> = {},
  ): Promise<Map<string, Inspected>> {
    const started = new Map<string, Inspected>();
    for (const name of names) {
      await this.ok('run', '-d', '--name', name, ...(runOptions[name] ?? []), 'busybox', 'sh', '-c', TICKER);
      const info = await this.inspect(name);
      this.cleanup.process(info.State.Pid, `container ${name} (pid ${info.State.Pid})`);
      started.set(name, info);
    }
    for (const name of names) {
      await waitFor(`${name} logging`, async () => (await this.ticks(name)).length >= 3);
    }
    return started;
  }

  fifoDir(id: string): string {
    return join(this.dirs.execRoot, 'fifo', id);
  }

  mounted(info: Inspected): boolean {
    return mountsUnder(this.dirs.root).includes(info.GraphDriver.Data['MergedDir']!);
  }
}

async function loadBusybox(engine: Engine, work: string): Promise<void> {
  await engine.ok('load', '-q', '-i', join(work, 'busybox.tar'));
}

async function prepare(cleanup: Cleanup, label: string): Promise<{ dirs: TestDirs; work: string }> {
  const dirs = makeTestDirs(label);
  cleanup.directory(dirs.root);
  const work = join(dirs.root, 'work');
  await mkdir(work);
  const blobs = await BlobDir.create(work);
  cleanup.defer('fixture blobs', () => blobs.dispose());
  const image = await buildImage({ layers: [busyboxRootfs()], config: { Cmd: ['sh'] } }, blobs);
  await image.writeDockerArchive(join(work, 'busybox.tar'), { repoTags: ['busybox:latest'] });
  return { dirs, work };
}

describe('live restore', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  const config = { 'live-restore': true };
  let engine: Engine;

  before(async () => {
    const { dirs, work } = await prepare(cleanup, 'live-restore');
    engine = new Engine(cleanup, dirs);
    await engine.start(config);
    // Runs before the daemon and the directory are cleaned up: remove what is left by id.
    cleanup.defer('containers', async () => {
      if (!isAlive(engine.daemon.pid)) return;
      const ids = (await docker(engine.daemon.host, 'ps', '-aq')).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(engine.daemon.host, 'rm', '-f', ...ids);
    });
    await loadBusybox(engine, work);
  });

  it('says so in docker info', async () => {
    assert.equal((await engine.ok('info', '--format', '{{.LiveRestoreEnabled}}')).trim(), 'true');
    assert.match(await engine.ok('info'), /^ Live Restore Enabled: true$/m);
  });

  it('re-attaches to 20 logging containers after a SIGKILL of ladingd', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `lr-${i}`);
    const before = await engine.runTickers(names);
    const exits = before.get('lr-18')!;
    const gone = before.get('lr-19')!;
    const survivors = names.slice(0, 18);
    const shim = parentOf(gone.State.Pid);
    const shimCommand = commandLineOf(shim) ?? '';
    assert.match(shimCommand, /containerd-shim-runc-v2/);
    assert.ok(shimCommand.includes(`-id ${gone.Id}`), `pid ${shim} is not the shim of lr-19: ${shimCommand}`);

    assert.equal(await engine.daemon.stop('SIGKILL'), null);
    // ladingd is away: one container ends by itself, another loses its shim.
    process.kill(exits.State.Pid, 'SIGUSR1');
    assert.ok(await waitForExit(exits.State.Pid, 10_000), 'lr-18 did not exit');
    process.kill(shim, 'SIGKILL');
    assert.ok(await waitForExit(shim, 10_000), 'the shim of lr-19 did not die');
    await sleep(1000); // the survivors write on into their FIFOs meanwhile
    for (const name of survivors) assert.ok(isAlive(before.get(name)!.State.Pid), `${name} died`);

    await engine.start(config);
    for (const name of survivors) {
      const now = await engine.inspect(name);
      assert.equal(now.State.Status, 'running', name);
      assert.equal(now.State.Pid, before.get(name)!.State.Pid, `${name} has another pid`);
    }
    const exited = await waitFor('lr-18 recorded as exited', async () => {
      const info = await engine.inspect('lr-18');
      return info.State.Status === 'exited' && info;
    });
    assert.equal(exited.State.ExitCode, 7);
    const goneNow = await engine.inspect('lr-19');
    assert.equal(goneNow.State.Status, 'exited');
    assert.equal(goneNow.State.ExitCode, 255);
    assert.equal(existsSync(engine.fifoDir(gone.Id)), false, 'the FIFO dir of lr-19 is left');
    assert.equal(engine.mounted(gone), false, 'the rootfs of lr-19 is still mounted');
    assert.ok(await waitForExit(gone.State.Pid, 10_000), 'the process of lr-19 still runs');
    await waitFor('the FIFO dir of lr-18 removed', () => !existsSync(engine.fifoDir(exits.Id)));
    assert.equal(engine.mounted(exits), false, 'the rootfs of lr-18 is still mounted');

    // The logs go on: every survivor logs at least 10 more ticks, with no loss but what
    // ladingd held when it was killed.
    const atRestart = new Map<string, number>();
    for (const name of survivors) atRestart.set(name, Math.max(...(await engine.ticks(name))));
    for (const name of survivors) {
      const numbers = await waitFor(`${name} logging after the restart`, async () => {
        const numbers = await engine.ticks(name);
        return numbers[numbers.length - 1]! >= atRestart.get(name)! + 10 && numbers;
      });
      assertContinuous(name, numbers, 1);
    }

    // wait, stop, kill, exec and logs -f work on re-attached containers.
    assert.equal((await engine.ok('exec', 'lr-3', 'echo', 'still here')).trim(), 'still here');
    const waited = docker(engine.daemon.host, 'wait', 'lr-0');
    const following = docker(engine.daemon.host, 'logs', '-f', 'lr-2');
    await sleep(500); // both requests are registered before the containers stop
    await engine.ok('stop', 'lr-0');
    assert.equal((await waited).stdout.trim(), '0');
    assert.equal((await engine.inspect('lr-0')).State.ExitCode, 0);
    await engine.ok('kill', 'lr-1');
    const killed = await waitFor('lr-1 killed', async () => {
      const info = await engine.inspect('lr-1');
      return !info.State.Running && info;
    });
    assert.equal(killed.State.ExitCode, 137);
    await engine.ok('stop', 'lr-2');
    const followed = await following;
    assert.equal(followed.code, 0, followed.stderr);
    assert.ok(Math.max(...ticks(followed.stdout)) > atRestart.get('lr-2')!, 'logs -f saw no new ticks');

    await engine.ok('rm', '-f', ...names);
    assert.deepEqual(readdirSync(join(engine.dirs.execRoot, 'fifo')), []);
  });

  it('leaves containers running through a graceful SIGTERM; a paused one stays paused', async () => {
    const names = ['lg-0', 'lg-1', 'lg-2'];
    // A volume with a filesystem of its own: its mount must be counted again, so that the
    // container's exit after the restart unmounts it.
    await engine.ok('volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', 'lrtmp');
    const volume = (await engine.ok('volume', 'inspect', '-f', '{{.Mountpoint}}', 'lrtmp')).trim();
    const before = await engine.runTickers(names, { 'lg-1': ['-v', 'lrtmp:/data'] });
    assert.ok(mountsUnder(volume).includes(volume), 'the volume is not mounted');
    // An exec that runs on: it is not re-attached, and its FIFOs are removed at the next start.
    await engine.ok('exec', '-d', 'lg-0', 'sleep', '1000');
    await engine.ok('pause', 'lg-2');

    assert.equal(await engine.daemon.stop('SIGTERM'), 0, engine.daemon.logs());
    for (const name of names) {
      const info = before.get(name)!;
      assert.ok(isAlive(info.State.Pid), `${name} was stopped`);
      assert.ok(engine.mounted(info), `${name}'s rootfs was unmounted`);
      assert.ok(existsSync(engine.fifoDir(info.Id)), `${name}'s FIFOs were removed`);
    }
    await sleep(500);

    await engine.start(config);
    assert.deepEqual(
      readdirSync(join(engine.dirs.execRoot, 'fifo')).sort(),
      names.map((n) => before.get(n)!.Id).sort(),
    );
    for (const name of names) {
      const info = await engine.inspect(name);
      assert.equal(info.State.Status, name === 'lg-2' ? 'paused' : 'running', name);
      assert.equal(info.State.Pid, before.get(name)!.State.Pid, name);
    }
    await engine.ok('unpause', 'lg-2');
    assert.equal((await engine.inspect('lg-2')).State.Status, 'running');
    await engine.ok('exec', 'lg-1', 'sh', '-c', 'echo kept > /data/file');
    assert.equal(readFileSync(join(volume, 'file'), 'utf8'), 'kept\n');
    for (const name of names) {
      const last = Math.max(...(await engine.ticks(name)));
      const numbers = await waitFor(`${name} logging after the restart`, async () => {
        const numbers = await engine.ticks(name);
        return numbers[numbers.length - 1]! >= last + 10 && numbers;
      });
      // A graceful stop loses nothing: what ladingd read is logged, the rest waited in the FIFO.
      assertContinuous(name, numbers, 0);
    }
    await engine.ok('rm', '-f', ...names);
    assert.deepEqual(mountsUnder(volume), [], 'the volume stayed mounted after its container went');
    await engine.ok('volume', 'rm', 'lrtmp');
    assert.equal(await engine.daemon.stop('SIGTERM'), 0, engine.daemon.logs());
    assert.deepEqual(mountsUnder(engine.dirs.root), []);
  });
});

describe('without live restore', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let engine: Engine;

  before(async () => {
    const { dirs, work } = await prepare(cleanup, 'no-live-restore');
    engine = new Engine(cleanup, dirs);
    await engine.start({});
    cleanup.defer('containers', async () => {
      if (!isAlive(engine.daemon.pid)) return;
      const ids = (await docker(engine.daemon.host, 'ps', '-aq')).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(engine.daemon.host, 'rm', '-f', ...ids);
    });
    await loadBusybox(engine, work);
  });

  it('stops containers on SIGTERM, and kills what a SIGKILLed ladingd left', async () => {
    const first = (await engine.runTickers(['nl-0'])).get('nl-0')!;
    assert.equal(await engine.daemon.stop('SIGTERM'), 0, engine.daemon.logs());
    assert.equal(isAlive(first.State.Pid), false, 'a SIGTERM without live restore stops containers');
    assert.equal(engine.mounted(first), false);

    await engine.start({});
    assert.equal((await engine.inspect('nl-0')).State.Status, 'exited');
    const second = (await engine.runTickers(['nl-1'])).get('nl-1')!;
    await engine.daemon.stop('SIGKILL');
    assert.ok(isAlive(second.State.Pid), 'the container outlives a SIGKILLed ladingd');
    await engine.start({});
    assert.equal(isAlive(second.State.Pid), false, 'the next ladingd did not stop the leftover');
    const info = await engine.inspect('nl-1');
    assert.equal(info.State.Status, 'exited');
    assert.equal(info.State.ExitCode, 137);
    assert.equal(existsSync(engine.fifoDir(second.Id)), false);
    assert.equal(engine.mounted(second), false);
    await engine.ok('rm', 'nl-0', 'nl-1');
  });

  it('turns live restore on with a SIGHUP', async () => {
    const info = (await engine.runTickers(['nl-2'])).get('nl-2')!;
    writeFileSync(engine.daemon.configFile, JSON.stringify({ 'live-restore': true }));
    process.kill(engine.daemon.pid, 'SIGHUP');
    await engine.daemon.waitForLog('reloaded the configuration');
    assert.match(engine.daemon.logs(), /reloaded the configuration.*changed=live-restore/);
    assert.equal(await engine.daemon.stop('SIGTERM'), 0, engine.daemon.logs());
    assert.ok(isAlive(info.State.Pid), 'the container was stopped');
    await engine.start({ 'live-restore': true });
    assert.equal((await engine.inspect('nl-2')).State.Pid, info.State.Pid);
    await engine.ok('rm', '-f', 'nl-2');
    assert.equal(await engine.daemon.stop('SIGTERM'), 0, engine.daemon.logs());
  });
});
