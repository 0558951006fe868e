/**
 * Containers (issue 5's targets), the real docker CLI against each daemon:
 * - run-rm-true:   `docker run --rm --network none busybox true`; target lading ≤ 0.7×
 *                  dockerd. Floor: bare `runc run` of a prepared bundle (no daemon at all).
 * - create-100:    100 × `docker create busybox true`; per-container time and data-root disk
 *                  (target: both ≤ dockerd's). Undo: `docker container prune -f`.
 * - running-50:    the daemon's RSS idle and with 50 `sleep` containers running; reported,
 *                  with the RSS of everything below it (containerd, shims).
 * The image is a busybox-static image built by the fixtures and loaded into each engine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobDir, buildImage, busyboxPath, busyboxRootfs } from '../../test/fixtures/index.js';
import { childrenOf } from '../../test/support/processes.js';
import type { BenchCase, BenchContext, CaseResult } from '../harness/bench-case.js';
import { timedCliRuns } from '../harness/cli-runs.js';
import { startEngine, type EngineName } from '../harness/engines.js';
import { repeat, summarise, type Sample, type Summary } from '../harness/measure.js';

const IMAGE = 'bench/busybox:latest';

async function busyboxArchive(ctx: BenchContext): Promise<string> {
  const archive = join(ctx.workDir, 'busybox.tar');
  const blobs = await BlobDir.create(ctx.workDir);
  try {
    const image = await buildImage({ layers: [busyboxRootfs()], compression: 'none' }, blobs);
    await image.writeDockerArchive(archive, { repoTags: [IMAGE] });
  } finally {
    await blobs.dispose();
  }
  return archive;
}

/** A runc bundle of the same busybox: `runc spec`'s defaults, running `true`, no terminal. */
function runcBundle(ctx: BenchContext): string {
  const bundle = join(ctx.workDir, 'runc-bundle');
  const rootfs = join(bundle, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  cpSync(busyboxPath(), join(rootfs, 'bin', 'busybox'));
  execFileSync('ln', ['-s', 'busybox', join(rootfs, 'bin', 'true')]);
  execFileSync('runc', ['spec', '--bundle', bundle]);
  const specPath = join(bundle, 'config.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
    process: { terminal: boolean; args: string[] };
  };
  spec.process.terminal = false;
  spec.process.args = ['/bin/true'];
  writeFileSync(specPath, JSON.stringify(spec));
  return bundle;
}

function runcFloor(ctx: BenchContext, bundle: string): Promise<Summary> {
  const root = join(ctx.workDir, 'runc-root');
  let n = 0;
  return repeat(ctx, async (): Promise<Sample> => {
    const id = `lading-bench-${process.pid}-${n++}`;
    const started = performance.now();
    const result = spawnSync('runc', ['--root', root, 'run', '--bundle', bundle, id], { stdio: 'ignore' });
    const wallMs = performance.now() - started;
    spawnSync('runc', ['--root', root, 'delete', '-f', id], { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`runc run failed with status ${result.status}`);
    return { wallMs };
  });
}

const runRmTrue: BenchCase = {
  name: 'run-rm-true',
  description: 'docker run --rm --network none busybox true',
  async run(ctx): Promise<CaseResult> {
    const archive = await busyboxArchive(ctx);
    const runs = (name: EngineName) =>
      timedCliRuns(ctx, name, {
        dockerCli: true,
        setup: [['load', '-q', '-i', archive]],
        timed: ['run', '--rm', '--network', 'none', IMAGE, 'true'],
        undo: ['version'],
      });
    return {
      measures: 'one `docker run --rm --network none busybox true`, CLI start to exit',
      lading: await runs('lading'),
      docker: ctx.withDocker ? await runs('docker') : null,
      floor: await runcFloor(ctx, runcBundle(ctx)),
      notes: ['floor: runc run of a prepared bundle (runc spec defaults), runc delete untimed'],
    };
  },
};

function dataRootBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

const create100: BenchCase = {
  name: 'create-100',
  description: '100 × docker create busybox true',
  async run(ctx): Promise<CaseResult> {
    const archive = await busyboxArchive(ctx);
    const notes: string[] = [];
    const runs = async (name: EngineName): Promise<Summary> => {
      const dir = join(ctx.workDir, `${name}-create`);
      const engine = await startEngine(name, dir);
      const docker = (args: string[]) =>
        execFileSync('docker', ['-H', engine.host, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        docker(['load', '-q', '-i', archive]);
        return await repeat(ctx, async (): Promise<Sample> => {
          const before = engine.usage();
          const diskBefore = dataRootBytes(join(dir, 'data'));
          const started = performance.now();
          for (let i = 0; i < 100; i++) docker(['create', IMAGE, 'true']);
          const wallMs = (performance.now() - started) / 100;
          const perContainer = (dataRootBytes(join(dir, 'data')) - diskBefore) / 100;
          notes.push(`${name}: ${(perContainer / 1024).toFixed(1)} KiB of data root per container`);
          const after = engine.usage();
          docker(['container', 'prune', '-f']);
          return {
            wallMs,
            cpuSeconds: (after.cpuSeconds - before.cpuSeconds) / 100,
            peakRssKiB: after.peakRssKiB,
          };
        });
      } finally {
        await engine.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    };
    return {
      measures: 'one `docker create` (mean of 100 in a row); disk per container in the notes',
      lading: await runs('lading'),
      docker: ctx.withDocker ? await runs('docker') : null,
      floor: null,
      notes,
    };
  },
};

function rssKiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The daemon and its children (its containerd). */
function treeRssKiB(pid: number): number {
  return rssKiB(pid) + childrenOf(pid).reduce((sum, child) => sum + treeRssKiB(child), 0);
}

/** The shims of an engine: they daemonize, so they are found by the socket path they name. */
function shimsRssKiB(engineDir: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('containerd-shim') && cmdline.includes(engineDir)) total += rssKiB(Number(entry));
  }
  return total;
}

const running50: BenchCase = {
  name: 'running-50',
  description: 'daemon RSS idle and with 50 running containers',
  async run(ctx): Promise<CaseResult> {
    const archive = await busyboxArchive(ctx);
    const notes: string[] = [];
    const measure = async (name: EngineName): Promise<Summary> => {
      const dir = join(ctx.workDir, `${name}-running`);
      const engine = await startEngine(name, dir);
      const docker = (args: string[]) =>
        execFileSync('docker', ['-H', engine.host, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        docker(['load', '-q', '-i', archive]);
        const idle = treeRssKiB(engine.pid);
        const ids: string[] = [];
        const started = performance.now();
        for (let i = 0; i < 50; i++) {
          ids.push(docker(['run', '-d', '--network', 'none', IMAGE, 'sleep', '600']).toString().trim());
        }
        const wallMs = performance.now() - started;
        const daemonOnly = Number(
          /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${engine.pid}/status`, 'utf8'))?.[1] ?? 0,
        );
        const busy = treeRssKiB(engine.pid);
        const shims = shimsRssKiB(dir);
        const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
        notes.push(
          `${name}: idle: daemon + containerd ${mib(idle)}; with 50 running: daemon ${mib(daemonOnly)}, daemon + containerd ${mib(busy)}, 50 shims ${mib(shims)}`,
        );
        docker(['rm', '-f', ...ids]);
        return summarise([{ wallMs, peakRssKiB: daemonOnly }]);
      } finally {
        await engine.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    };
    return {
      measures: 'starting 50 `sleep` containers one after another (-d); RSS with them running',
      lading: await measure('lading'),
      docker: ctx.withDocker ? await measure('docker') : null,
      floor: null,
      notes,
    };
  },
};

export const containerCases: BenchCase[] = [runRmTrue, create100, running50];
