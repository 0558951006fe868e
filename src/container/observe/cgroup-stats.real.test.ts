/**
 * cgroupStats against the kernel: a busy process moved into fresh v1 cgroups (named `ltst-…`,
 * removed afterwards) must show CPU time, memory, one pid, and a memory limit once set.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { waitFor } from '../../../test/support/wait.js';
import { cgroupStats, cgroupVersion } from './cgroup-stats.js';

const ROOT = '/sys/fs/cgroup';
const CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'pids'];

describe('cgroupStats on this host', () => {
  const cleanup = useCleanup();
  const name = `ltst-observe-${process.pid}`;

  it('reads a running process’s cgroups', async () => {
    assert.equal(await cgroupVersion(ROOT), 1, 'this machine is a v1 hybrid host');
    // Cleanup runs in reverse: the process is ended first, then its (empty) cgroups removed.
    const dirs = CONTROLLERS.map((controller) => join(ROOT, controller, name));
    for (const dir of dirs) {
      mkdirSync(dir);
      // A killed task leaves the cgroup only once it has been reaped, a moment later.
      cleanup.defer(`cgroup ${dir}`, async () => {
        await waitFor(
          'the cgroup to empty',
          () => readFileSync(join(dir, 'cgroup.procs'), 'utf8') === '',
          5000,
        );
        rmdirSync(dir);
      });
    }
    // v1 leaves pages charged where they were first touched, so the child allocates (and
    // then spins) only once it is inside the new cgroups and told to go on.
    const script = "process.stdin.once('data', () => { globalThis.b = Buffer.alloc(8 << 20, 1); for (;;); })";
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'ignore', 'ignore'] });
    const pid = child.pid ?? 0;
    cleanup.process(pid);
    for (const dir of dirs) writeFileSync(join(dir, 'cgroup.procs'), `${pid}\n`);
    const first = await cgroupStats(`/${name}`, undefined, { name: '/x', id: 'x' });
    assert.equal(first.pids_stats.current, 1);
    child.stdin.write('go\n');
    let latest = first;
    await waitFor(
      'the child to use CPU and 8 MiB',
      async () => {
        latest = await cgroupStats(`/${name}`, latest);
        return (
          latest.cpu_stats.cpu_usage.total_usage > first.cpu_stats.cpu_usage.total_usage &&
          (latest.memory_stats.usage ?? 0) >= 8 << 20
        );
      },
      10_000,
    );
    assert.ok(latest.cpu_stats.system_cpu_usage! > first.cpu_stats.system_cpu_usage!);
    assert.ok((latest.cpu_stats.cpu_usage.percpu_usage?.length ?? 0) >= 1);

    writeFileSync(join(ROOT, 'memory', name, 'memory.limit_in_bytes'), `${64 * 1024 * 1024}\n`);
    writeFileSync(join(ROOT, 'pids', name, 'pids.max'), '50\n');
    const limited = await cgroupStats(`/${name}`, latest);
    assert.equal(limited.memory_stats.limit, 64 * 1024 * 1024);
    assert.equal(limited.pids_stats.limit, 50);
  });
});
