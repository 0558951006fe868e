/**
 * Cold pulls (issue 4's targets), from Debian's docker-registry on 127.0.0.1 configured as
 * the docker.io mirror of both engines, so each pulls `bench/<case>` = docker.io/bench/<case>
 * through the same mirror:
 * - pull-big-layer:    one gzip layer of ~500 MB uncompressed.
 * - pull-many-layers:  20 gzip layers of 5 MB.
 * - pull-small-files:  one gzip layer of 20,000 small files.
 * The floor fetches and unpacks every layer with `curl | unpigz | tar -x`, layers in
 * parallel (three at a time, as both engines download). The image is removed between runs.
 * CPU is the daemon's process tree; peak RSS is the daemon process alone.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BlobDir, buildImage, type BuiltImage, type TarEntry } from '../../test/fixtures/index.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import type { BenchCase, BenchContext, CaseResult } from '../harness/bench-case.js';
import { timedCliRuns } from '../harness/cli-runs.js';
import type { EngineName } from '../harness/engines.js';
import { repeat, timeCommand, type Sample, type Summary } from '../harness/measure.js';
import { filesLayer } from '../harness/text-content.js';

const CONCURRENCY = 3;

interface PullSpec {
  name: string;
  description: string;
  layers: () => TarEntry[][];
}

const SPECS: PullSpec[] = [
  {
    name: 'pull-big-layer',
    description: 'cold pull of one gzip layer of ~500 MB uncompressed',
    layers: () => [filesLayer('big', 50, 10 * 1024 * 1024)],
  },
  {
    name: 'pull-many-layers',
    description: 'cold pull of 20 gzip layers of 5 MB each',
    layers: () => Array.from({ length: 20 }, (_, i) => filesLayer(`layer${i}`, 5, 1024 * 1024)),
  },
  {
    name: 'pull-small-files',
    description: 'cold pull of one gzip layer of 20,000 small files',
    layers: () => [Array.from({ length: 20 }, (_, d) => filesLayer(`d${d}`, 1000, 2048)).flat()],
  },
];

let floorRun = 0;

function floorOnce(ctx: BenchContext, registry: TestRegistry, repository: string, image: BuiltImage): Sample {
  const target = join(ctx.workDir, `floor-${floorRun++}`);
  mkdirSync(target);
  try {
    const urls = image.layers.map((l) => `${registry.url}/v2/${repository}/blobs/${l.descriptor.digest}`);
    const script = `printf '%s\\n' ${urls.join(' ')} | xargs -P ${CONCURRENCY} -I{} sh -c 'curl -sf {} | unpigz | tar -x -C ${target}'`;
    return timeCommand([script], { shell: true });
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
}

function engineRuns(
  ctx: BenchContext,
  name: EngineName,
  registry: TestRegistry,
  reference: string,
): Promise<Summary> {
  return timedCliRuns(ctx, name, {
    timed: ['pull', '-q', reference],
    undo: ['rmi', reference],
    config: { 'registry-mirrors': [registry.url] },
  });
}

function pullCase(spec: PullSpec): BenchCase {
  return {
    name: spec.name,
    description: spec.description,
    async run(ctx): Promise<CaseResult> {
      // Registry storage and blobs on the benchmark filesystem, not on /.
      process.env.TMPDIR = ctx.workDir;
      const blobs = await BlobDir.create(ctx.workDir);
      const registry = await startRegistry();
      const repository = `bench/${spec.name}`;
      try {
        const image = await buildImage({ layers: spec.layers(), compression: 'gzip' }, blobs);
        await image.pushToRegistry(registry.url, repository, 'latest');
        const total = image.layers.reduce((sum, layer) => sum + layer.uncompressedSize, 0);
        return {
          measures: `${spec.description}: ${(total / 2 ** 20).toFixed(0)} MiB uncompressed`,
          lading: await engineRuns(ctx, 'lading', registry, `${repository}:latest`),
          docker: ctx.withDocker ? await engineRuns(ctx, 'docker', registry, `${repository}:latest`) : null,
          floor: await repeat(ctx, async () => floorOnce(ctx, registry, repository, image)),
          notes: [
            `floor: curl | unpigz | tar -x per layer, ${CONCURRENCY} at a time`,
            'both engines pull docker.io/' + repository + ' through the same registry-mirrors entry',
            'CPU of the daemon tree, peak RSS of the daemon itself; rmi between runs',
          ],
        };
      } finally {
        await registry.stop();
        await blobs.dispose();
      }
    },
  };
}

export const pullCases: BenchCase[] = SPECS.map(pullCase);
