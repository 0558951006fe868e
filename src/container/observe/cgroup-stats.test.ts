import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cgroupStats, cgroupVersion } from './cgroup-stats.js';
import { emptyStats } from './empty-stats.js';
import { formatGoTime } from '../model/go-time.js';

const goTime = (date: Date): string => formatGoTime(BigInt(date.getTime()) * 1_000_000n);
import { parseProcStat } from './system-cpu.js';

const base = mkdtempSync(join(process.env.LADING_TEST_BASE ?? tmpdir(), 'observe-stats-'));
after(() => rmSync(base, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(base, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const PROC_STAT =
  'cpu  100 0 50 800 10 0 5 0 0 0\ncpu0 50 0 25 400 5 0 3 0 0 0\ncpu1 50 0 25 400 5 0 2 0 0 0\nintr 1\n';
const GiB = 1024 ** 3;

describe('cgroupStats', () => {
  const proc = tree('proc', { stat: PROC_STAT });
  const procStat = join(proc, 'stat');

  it('reads cgroup v1 controllers as dockerd reports them', async () => {
    const p = 'lading/abc';
    const root = tree('v1', {
      [`cpuacct/${p}/cgroup.procs`]: '42\n',
      [`cpuacct/${p}/cpuacct.usage`]: '123456789\n',
      [`cpuacct/${p}/cpuacct.usage_percpu`]: '100000000 23456789 \n',
      [`cpuacct/${p}/cpuacct.stat`]: 'user 7\nsystem 3\n',
      [`cpu/${p}/cgroup.procs`]: '42\n',
      [`cpu/${p}/cpu.stat`]: 'nr_periods 4\nnr_throttled 1\nthrottled_time 999\n',
      [`memory/${p}/memory.usage_in_bytes`]: '1048576\n',
      [`memory/${p}/memory.max_usage_in_bytes`]: '2097152\n',
      [`memory/${p}/memory.failcnt`]: '0\n',
      [`memory/${p}/memory.limit_in_bytes`]: '9223372036854771712\n',
      [`memory/${p}/memory.stat`]: 'cache 4096\nrss 8192\ntotal_inactive_file 4096\n',
      [`pids/${p}/pids.current`]: '3\n',
      [`pids/${p}/pids.max`]: 'max\n',
      [`blkio/${p}/blkio.io_service_bytes_recursive`]: 'Total 0\n',
      [`blkio/${p}/blkio.throttle.io_service_bytes_recursive`]:
        '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Total 12288\nTotal 12288\n',
      [`blkio/${p}/blkio.sectors_recursive`]: '8:0 24\n',
    });
    const now = new Date('2026-11-29T18:00:01.250Z');
    const stats = await cgroupStats('/lading/abc', undefined, {
      root,
      procStat,
      machineMemory: 2 * GiB,
      version: 1,
      now,
      name: '/web',
      id: 'abc',
    });
    assert.equal(stats.read, '2026-11-29T18:00:01.25Z');
    assert.equal(stats.preread, '0001-01-01T00:00:00Z');
    assert.deepEqual(stats.cpu_stats, {
      cpu_usage: {
        total_usage: 123456789,
        percpu_usage: [100000000, 23456789],
        usage_in_kernelmode: 30_000_000,
        usage_in_usermode: 70_000_000,
      },
      system_cpu_usage: 965 * 10_000_000, // user+nice+system+idle+iowait+irq+softirq ticks
      online_cpus: 2,
      throttling_data: { periods: 4, throttled_periods: 1, throttled_time: 999 },
    });
    assert.deepEqual(stats.precpu_stats.cpu_usage, {
      total_usage: 0,
      usage_in_kernelmode: 0,
      usage_in_usermode: 0,
    });
    // Unlimited memory is reported as the machine's; failcnt 0 is omitted like Go's omitempty.
    assert.deepEqual(stats.memory_stats, {
      usage: 1048576,
      max_usage: 2097152,
      stats: { cache: 4096, rss: 8192, total_inactive_file: 4096 },
      limit: 2 * GiB,
    });
    assert.deepEqual(stats.pids_stats, { current: 3 });
    assert.deepEqual(stats.blkio_stats.io_service_bytes_recursive, [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 8192 },
      { major: 8, minor: 0, op: 'Sync', value: 0 },
      { major: 8, minor: 0, op: 'Async', value: 12288 },
      { major: 8, minor: 0, op: 'Total', value: 12288 },
    ]);
    assert.deepEqual(stats.blkio_stats.sectors_recursive, [{ major: 8, minor: 0, op: '', value: 24 }]);
    assert.deepEqual(stats.blkio_stats.io_merged_recursive, []);
    assert.equal(stats.num_procs, 0);
    assert.deepEqual(stats.storage_stats, {});
    assert.equal(stats.name, '/web');
    assert.equal(stats.id, 'abc');
    assert.equal('networks' in stats, false);

    // The next sample carries this one as its precpu_stats and preread.
    const next = await cgroupStats('/lading/abc', stats, {
      root,
      procStat,
      machineMemory: 2 * GiB,
      version: 1,
    });
    assert.equal(next.preread, stats.read);
    assert.deepEqual(next.precpu_stats, stats.cpu_stats);
  });

  it('keeps a real limit below the machine memory and reads pids.max', async () => {
    const root = tree('v1-limited', {
      'memory/x/memory.limit_in_bytes': `${64 * 1024 * 1024}\n`,
      'pids/x/pids.max': '100\n',
      'pids/x/pids.current': '1\n',
    });
    const stats = await cgroupStats('/x', undefined, { root, procStat, machineMemory: 2 * GiB, version: 1 });
    assert.equal(stats.memory_stats.limit, 64 * 1024 * 1024);
    assert.deepEqual(stats.pids_stats, { current: 1, limit: 100 });
  });

  it('reads the unified hierarchy (v2) in microseconds and io.stat', async () => {
    const root = tree('v2', {
      'cgroup.controllers': 'cpu memory pids io\n',
      'lading/abc/cpu.stat':
        'usage_usec 2000\nuser_usec 1500\nsystem_usec 500\nnr_periods 2\nnr_throttled 1\nthrottled_usec 7\n',
      'lading/abc/memory.current': '4096\n',
      'lading/abc/memory.max': `${GiB}\n`,
      'lading/abc/memory.stat': 'anon 1024\ninactive_file 512\n',
      'lading/abc/pids.current': '2\n',
      'lading/abc/pids.max': 'max\n',
      'lading/abc/io.stat': '8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n',
    });
    assert.equal(await cgroupVersion(root), 2);
    const stats = await cgroupStats('/lading/abc', undefined, { root, procStat, machineMemory: 2 * GiB });
    assert.deepEqual(stats.cpu_stats.cpu_usage, {
      total_usage: 2_000_000,
      usage_in_kernelmode: 500_000,
      usage_in_usermode: 1_500_000,
    });
    assert.deepEqual(stats.cpu_stats.throttling_data, {
      periods: 2,
      throttled_periods: 1,
      throttled_time: 7000,
    });
    assert.deepEqual(stats.memory_stats, {
      usage: 4096,
      stats: { anon: 1024, inactive_file: 512 },
      limit: GiB,
    });
    assert.deepEqual(stats.pids_stats, { current: 2 });
    assert.deepEqual(stats.blkio_stats.io_service_bytes_recursive, [
      { major: 8, minor: 0, op: 'read', value: 100 },
      { major: 8, minor: 0, op: 'write', value: 200 },
    ]);
    assert.equal(stats.blkio_stats.io_serviced_recursive, null);
  });

  it('detects v1 on a hybrid root and reads a vanished cgroup as zeros', async () => {
    const root = tree('gone', { 'unified/cgroup.controllers': '' });
    assert.equal(await cgroupVersion(root), 1);
    const stats = await cgroupStats('/lading/none', undefined, { root, procStat, machineMemory: GiB });
    assert.equal(stats.cpu_stats.cpu_usage.total_usage, 0);
    assert.deepEqual(stats.memory_stats, { limit: GiB });
  });

  it('reads this host’s own cgroup root', async () => {
    // The root cgroup always exists; its usage is that of the whole machine.
    const stats = await cgroupStats('/', undefined);
    assert.ok(stats.cpu_stats.system_cpu_usage !== undefined && stats.cpu_stats.system_cpu_usage > 0);
    assert.ok((stats.cpu_stats.online_cpus ?? 0) >= 1);
    assert.ok((stats.memory_stats.usage ?? 0) > 0);
  });
});

describe('stats helpers', () => {
  it('emptyStats is dockerd’s sample for a stopped container', () => {
    const s = emptyStats('/web', 'abc');
    assert.equal(s.read, '0001-01-01T00:00:00Z');
    assert.deepEqual(s.memory_stats, {});
    assert.equal(s.blkio_stats.io_service_bytes_recursive, null);
    assert.equal(s.name, '/web');
  });

  it('goTime trims the fraction as Go does', () => {
    assert.equal(goTime(new Date('2026-01-02T03:04:05.000Z')), '2026-01-02T03:04:05Z');
    assert.equal(goTime(new Date('2026-01-02T03:04:05.120Z')), '2026-01-02T03:04:05.12Z');
  });

  it('parseProcStat refuses a short cpu line', () => {
    assert.throws(() => parseProcStat('cpu 1 2 3\n'), /invalid number of cpu fields/);
  });
});
