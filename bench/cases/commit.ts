/**
 * Commit and diff (issue 7's targets), side by side with dockerd, timed over the Engine API
 * (one request on the daemon's socket, no CLI process: the diff target is tens of ms):
 * - diff-20k:      GET /containers/{id}/changes of a stopped container with 6 changes on a
 *                  20,000-file image; target ≤ 30 ms (dockerd walks the whole image).
 * - commit-20k:    POST /commit of a stopped container with a 1-file change on the same
 *                  image; target ≤ dockerd's time. Undo: DELETE the new image.
 * - commit-100mb:  POST /commit of a stopped container that wrote 100 × 1 MiB new files;
 *                  target ≤ 1.2× the floor `tar -c | tar -x` of those files (from the
 *                  container's upper dir to a fresh directory on the same filesystem).
 * Containers are made untimed with the docker CLI (`docker run --network none`), on a
 * busybox-static image built by the fixtures (plus the 20,000 files) and loaded into each
 * engine. CPU is the daemon's process tree over the request; peak RSS the daemon alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  BlobDir,
  buildImage,
  busyboxRootfs,
  DEFAULT_APPLETS,
  type TarEntry,
} from '../../test/fixtures/index.js';
import { EngineApi } from '../../test/support/engine-api.js';
import type { BenchCase, BenchContext, CaseResult } from '../harness/bench-case.js';
import { startEngine, type EngineName, type RunningEngine } from '../harness/engines.js';
import { repeat, timeCommand, type Sample, type Summary } from '../harness/measure.js';
import { filesLayer } from '../harness/text-content.js';

const IMAGE = 'bench/commit:latest';

/** busybox, and with `files` a second layer of 20 directories × 1,000 files of 2 KiB. */
async function imageArchive(ctx: BenchContext, files: boolean): Promise<string> {
  const archive = join(ctx.workDir, files ? 'image-20k.tar' : 'image.tar');
  const blobs = await BlobDir.create(ctx.workDir);
  try {
    const layers: TarEntry[][] = [busyboxRootfs({ applets: [...DEFAULT_APPLETS, 'seq'] })];
    if (files) layers.push(Array.from({ length: 20 }, (_, d) => filesLayer(`d${d}`, 1000, 2048)).flat());
    const image = await buildImage({ layers, compression: 'none', config: { Env: ['PATH=/bin'] } }, blobs);
    await image.writeDockerArchive(archive, { repoTags: [IMAGE] });
  } finally {
    await blobs.dispose();
  }
  return archive;
}

interface Prepared {
  engine: RunningEngine;
  api: EngineApi;
  /** The stopped container the script ran in. */
  container: string;
}

/** Starts `name`, loads the archive, runs `script` to completion in a container, then `measure`. */
async function withContainer(
  ctx: BenchContext,
  name: EngineName,
  archive: string,
  script: string,
  measure: (prepared: Prepared) => Promise<Summary>,
): Promise<Summary> {
  const dir = join(ctx.workDir, `${name}-engine`);
  const engine = await startEngine(name, dir);
  const docker = (args: string[]) =>
    execFileSync('docker', ['-H', engine.host, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  try {
    docker(['load', '-q', '-i', archive]);
    const container = docker(['create', '--network', 'none', IMAGE, 'sh', '-c', script]).trim();
    docker(['start', '-a', container]);
    return await measure({ engine, api: new EngineApi(engine.socketPath), container });
  } finally {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One timed request per sample, with the daemon tree's CPU over it. */
function timedRequests(
  ctx: BenchContext,
  engine: RunningEngine,
  request: () => Promise<void>,
  undo: () => Promise<void> = async () => {},
): Promise<Summary> {
  return repeat(ctx, async (): Promise<Sample> => {
    const before = engine.usage();
    const started = performance.now();
    await request();
    const wallMs = performance.now() - started;
    const after = engine.usage();
    await undo();
    return { wallMs, cpuSeconds: after.cpuSeconds - before.cpuSeconds, peakRssKiB: after.peakRssKiB };
  });
}

const SIX_CHANGES = [
  'echo changed > /d0/f1.txt',
  'echo more >> /d5/f10.txt',
  'rm /d7/f3.txt',
  'mkdir /new',
  'echo new > /new/file',
  'chmod 600 /d9/f9.txt',
].join('; ');

const diff20k: BenchCase = {
  name: 'diff-20k',
  description: 'GET /containers/{id}/changes: 6 changes on a 20,000-file image',
  async run(ctx): Promise<CaseResult> {
    const archive = await imageArchive(ctx, true);
    const notes: string[] = [];
    const runs = (name: EngineName) =>
      withContainer(ctx, name, archive, SIX_CHANGES, async ({ engine, api, container }) => {
        notes.push(`${name}: ${(await api.changes(container)).length} changes listed`);
        return timedRequests(ctx, engine, async () => void (await api.changes(container)));
      });
    return {
      measures: 'one GET /containers/{id}/changes (docker diff) over the socket',
      lading: await runs('lading'),
      docker: ctx.withDocker ? await runs('docker') : null,
      floor: null,
      notes: [...notes, 'target: lading ≤ 30 ms'],
    };
  },
};

/** Commits the container per sample and deletes the image untimed. */
function commitRuns(ctx: BenchContext, { engine, api, container }: Prepared): Promise<Summary> {
  let image = '';
  return timedRequests(
    ctx,
    engine,
    async () => void (image = await api.commit(container)),
    () => api.removeImage(image),
  );
}

const commit20k: BenchCase = {
  name: 'commit-20k',
  description: 'POST /commit after a 1-file change on a 20,000-file image',
  async run(ctx): Promise<CaseResult> {
    const archive = await imageArchive(ctx, true);
    const runs = (name: EngineName) =>
      withContainer(ctx, name, archive, 'echo changed > /d3/f7.txt', (prepared) => commitRuns(ctx, prepared));
    return {
      measures: 'one POST /commit of a stopped container (1 changed file) over the socket',
      lading: await runs('lading'),
      docker: ctx.withDocker ? await runs('docker') : null,
      floor: null,
      notes: ['target: lading ≤ dockerd'],
    };
  },
};

/** 100 × 1 MiB of random bytes under /big (random: nothing to gain from compression). */
const HUNDRED_MB = 'mkdir /big; for i in $(seq 100); do head -c 1048576 /dev/urandom > /big/f$i; done';

const commit100mb: BenchCase = {
  name: 'commit-100mb',
  description: 'POST /commit of 100 MB of new files vs tar -c | tar -x',
  async run(ctx): Promise<CaseResult> {
    const archive = await imageArchive(ctx, false);
    // The floor copies the same files out of lading's container, while its engine runs.
    let floor: Summary | null = null;
    const runs = (name: EngineName) =>
      withContainer(ctx, name, archive, HUNDRED_MB, async (prepared) => {
        const commits = await commitRuns(ctx, prepared);
        if (name === 'lading') {
          const inspect = await prepared.api.inspectContainer(prepared.container);
          floor = await tarFloor(ctx, (inspect.GraphDriver as { Data: { UpperDir: string } }).Data.UpperDir);
        }
        return commits;
      });
    const lading = await runs('lading');
    return {
      measures: 'one POST /commit of a stopped container with 100 × 1 MiB new files',
      lading,
      docker: ctx.withDocker ? await runs('docker') : null,
      floor,
      notes: [
        'floor: tar -c -C <upper dir> big | tar -x -C <fresh dir>, on the same ext4; target lading ≤ 1.2× floor',
      ],
    };
  },
};

/** Copies the container's new files with two tars, as a commit must at least. */
function tarFloor(ctx: BenchContext, upper: string): Promise<Summary> {
  const target = join(ctx.workDir, 'floor-copy');
  return repeat(ctx, async (): Promise<Sample> => {
    mkdirSync(target);
    const sample = timeCommand([`tar -c -C '${upper}' big | tar -x -C '${target}'`], { shell: true });
    rmSync(target, { recursive: true, force: true });
    return sample;
  });
}

export const commitCases: BenchCase[] = [diff20k, commit20k, commit100mb];
