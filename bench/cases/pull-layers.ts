/**
 * Pull: an image of a busybox layer and four ~24 MB layers of generated files, served by
 * Debian's docker-registry on 127.0.0.1. The floor fetches and unpacks every layer with
 * `curl | unpigz | tar -x`, three at a time as dockerd does. lading's own pull arrives with
 * issue 4; until then its column is empty and the case records the peer and the floor.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BlobDir,
  buildImage,
  busyboxRootfs,
  patternContent,
  type BuiltImage,
  type TarEntry,
} from '../../test/fixtures/index.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import type { BenchCase, BenchContext } from '../harness/bench-case.js';
import { startEngine } from '../harness/engines.js';
import { repeat, timeCommand, type Sample } from '../harness/measure.js';

const LAYERS = 4;
const FILES_PER_LAYER = 240;
const FILE_SIZE = 100 * 1024;
const CONCURRENCY = 3;

function generatedLayer(index: number): TarEntry[] {
  return [
    { type: 'dir', name: `data${index}` },
    ...Array.from({ length: FILES_PER_LAYER }, (_, i): TarEntry => ({
      type: 'file',
      name: `data${index}/file-${i}.bin`,
      content: patternContent(FILE_SIZE, `layer-${index}-file-${i}`),
    })),
  ];
}

let floorRun = 0;

function floorOnce(ctx: BenchContext, registry: TestRegistry, image: BuiltImage): Sample {
  const target = join(ctx.workDir, `floor-${floorRun++}`);
  mkdirSync(target);
  // One shell pipeline per layer, at most CONCURRENCY at once (xargs -P), timed as a whole.
  const urls = image.layers.map((layer) => `${registry.url}/v2/bench/pull/blobs/${layer.descriptor.digest}`);
  const script = `printf '%s\\n' ${urls.join(' ')} | xargs -P ${CONCURRENCY} -I{} sh -c 'curl -sf {} | unpigz | tar -x -C ${target}'`;
  return timeCommand([script], { shell: true });
}

export const pullLayers: BenchCase = {
  name: 'pull-layers',
  description: `pull of a ${LAYERS + 1}-layer gzip image from a registry on 127.0.0.1`,
  async run(ctx) {
    // Registry storage and blobs on the benchmark filesystem, not on /.
    process.env.TMPDIR = ctx.workDir;
    const blobs = await BlobDir.create(ctx.workDir);
    const registry = await startRegistry();
    try {
      const image = await buildImage(
        { layers: [busyboxRootfs(), ...Array.from({ length: LAYERS }, (_, i) => generatedLayer(i))] },
        blobs,
      );
      await image.pushToRegistry(registry.url, 'bench/pull', 'latest');
      const options = { warmups: ctx.warmups, runs: ctx.runs };
      const floor = await repeat(options, async () => floorOnce(ctx, registry, image));
      let docker = null;
      if (ctx.withDocker) {
        const engine = await startEngine('docker', join(ctx.workDir, 'docker-pull'));
        try {
          const ref = `${registry.host}/bench/pull:latest`;
          docker = await repeat(options, async () => {
            const cpuBefore = engine.usage().cpuSeconds;
            const started = performance.now();
            execFileSync('docker', ['-H', engine.host, 'pull', '-q', ref], { stdio: 'ignore' });
            const sample = {
              wallMs: performance.now() - started,
              cpuSeconds: engine.usage().cpuSeconds - cpuBefore,
            };
            execFileSync('docker', ['-H', engine.host, 'rmi', ref], { stdio: 'ignore' });
            return sample;
          });
        } finally {
          await engine.stop();
        }
      }
      const total = image.layers.reduce((sum, layer) => sum + layer.uncompressedSize, 0);
      return {
        measures: `pull of ${(total / 2 ** 20).toFixed(0)} MiB uncompressed in ${image.layers.length} layers`,
        lading: null,
        docker,
        floor,
        notes: [
          'lading pull arrives with issue 4',
          `floor: curl | unpigz | tar -x per layer, ${CONCURRENCY} at a time`,
          'dockerd CPU is its process tree (dockerd + containerd); rmi between runs',
        ],
      };
    } finally {
      await registry.stop();
      await blobs.dispose();
    }
  },
};
