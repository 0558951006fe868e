/**
 * Loading images (issue 3's targets), each side by side with dockerd and the floor:
 * - load-big-layer:    one ~500 MB gzip layer; floor `unpigz -c layer | tar -x`.
 * - load-small-files:  one uncompressed layer of 20,000 small files; floor `tar -x`.
 * - load-1g-layer:     one ~1 GB gzip layer, for the daemon's peak RSS (target < 150 MB).
 * - load-many-layers:  20 × 5 MB gzip layers; floor: each layer's `unpigz | tar -x` one
 *                      after another (the sum), so parallel extraction shows as a ratio < 1.
 * Engines load `docker save`-format archives with their own CLI: a single-layer image's
 * archive is gzip-compressed as a whole; the many-layer image keeps its layers gzip-compressed
 * inside a plain archive (as a save of pulled layers does), so engine and floor extract the
 * same gzip layers. The image is removed between runs so every run extracts.
 * CPU is the daemon's process tree; peak RSS is the daemon process alone.
 */
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { BlobDir, buildImage, tarStream, type BuiltImage, type TarEntry } from '../../test/fixtures/index.js';
import type { BenchCase, BenchContext, CaseResult } from '../harness/bench-case.js';
import { timedCliRuns } from '../harness/cli-runs.js';
import type { EngineName } from '../harness/engines.js';
import { repeat, timeCommand, type Sample, type Summary } from '../harness/measure.js';
import { filesLayer } from '../harness/text-content.js';

interface LoadSpec {
  name: string;
  description: string;
  layers: () => TarEntry[][];
  gzip: boolean;
  /** Where the gzip goes: around the whole archive, or on each layer inside it. */
  gzipEach?: boolean;
  /** The floor sums per-layer extractions instead of timing them together. */
  sumFloor: boolean;
}

const SPECS: LoadSpec[] = [
  {
    name: 'load-big-layer',
    description: 'load of one ~500 MB (uncompressed) gzip layer',
    layers: () => [filesLayer('big', 50, 10 * 1024 * 1024)],
    gzip: true,
    sumFloor: false,
  },
  {
    name: 'load-1g-layer',
    description: 'load of one ~1 GB (uncompressed) gzip layer',
    layers: () => [filesLayer('huge', 100, 10 * 1024 * 1024)],
    gzip: true,
    sumFloor: false,
  },
  {
    name: 'load-small-files',
    description: 'load of one uncompressed layer of 20,000 small files',
    layers: () => [Array.from({ length: 20 }, (_, d) => filesLayer(`d${d}`, 1000, 2048)).flat()],
    gzip: false,
    sumFloor: false,
  },
  {
    name: 'load-many-layers',
    description: 'load of 20 gzip layers of 5 MB each',
    layers: () => Array.from({ length: 20 }, (_, i) => filesLayer(`layer${i}`, 5, 1024 * 1024)),
    gzip: true,
    gzipEach: true,
    sumFloor: true,
  },
];

interface Prepared {
  image: BuiltImage;
  archive: string;
  /** Each layer's tar as the floor reads it (.tar.gz or .tar). */
  layerFiles: string[];
}

async function prepare(ctx: BenchContext, spec: LoadSpec, blobs: BlobDir): Promise<Prepared> {
  const layers = spec.layers();
  const image = await buildImage({ layers, compression: spec.gzipEach === true ? 'gzip' : 'none' }, blobs);
  const plain = join(ctx.workDir, 'image.tar');
  await image.writeDockerArchive(plain, { repoTags: [`bench/${spec.name}:latest`] });
  const layerFiles: string[] = [];
  for (const [i, entries] of layers.entries()) {
    const file = join(ctx.workDir, `layer${i}.tar${spec.gzip ? '.gz' : ''}`);
    const source = Readable.from(tarStream(entries));
    await (spec.gzip
      ? pipeline(source, createGzip(), createWriteStream(file))
      : pipeline(source, createWriteStream(file)));
    layerFiles.push(file);
  }
  if (!spec.gzip || spec.gzipEach === true) return { image, archive: plain, layerFiles };
  const archive = `${plain}.gz`;
  await pipeline(createReadStream(plain), createGzip(), createWriteStream(archive));
  rmSync(plain);
  return { image, archive, layerFiles };
}

let floorRun = 0;

function floorOnce(ctx: BenchContext, spec: LoadSpec, prepared: Prepared): Sample {
  const target = join(ctx.workDir, `floor-${floorRun++}`);
  const extract = (file: string) =>
    spec.gzip ? `unpigz -c ${file} | tar -x -C ${target}` : `tar -x -C ${target} -f ${file}`;
  mkdirSync(target);
  try {
    const samples = spec.sumFloor
      ? prepared.layerFiles.map((file) => timeCommand([extract(file)], { shell: true }))
      : [timeCommand([prepared.layerFiles.map(extract).join(' && ')], { shell: true })];
    return {
      wallMs: samples.reduce((sum, s) => sum + s.wallMs, 0),
      cpuSeconds: samples.reduce((sum, s) => sum + (s.cpuSeconds ?? 0), 0),
      peakRssKiB: Math.max(...samples.map((s) => s.peakRssKiB ?? 0)),
    };
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
}

function engineRuns(
  ctx: BenchContext,
  name: EngineName,
  spec: LoadSpec,
  prepared: Prepared,
): Promise<Summary> {
  return timedCliRuns(ctx, name, {
    timed: ['load', '-q', '-i', prepared.archive],
    undo: ['rmi', `bench/${spec.name}:latest`],
  });
}

function loadCase(spec: LoadSpec): BenchCase {
  return {
    name: spec.name,
    description: spec.description,
    async run(ctx): Promise<CaseResult> {
      const blobs = await BlobDir.create(ctx.workDir);
      try {
        const prepared = await prepare(ctx, spec, blobs);
        const total = prepared.image.layers.reduce((sum, layer) => sum + layer.uncompressedSize, 0);
        return {
          measures: `${spec.description}: ${(total / 2 ** 20).toFixed(0)} MiB uncompressed`,
          lading: await engineRuns(ctx, 'lading', spec, prepared),
          docker: ctx.withDocker ? await engineRuns(ctx, 'docker', spec, prepared) : null,
          floor: await repeat(ctx, async () => floorOnce(ctx, spec, prepared)),
          notes: [
            spec.sumFloor
              ? 'floor: sum of per-layer unpigz | tar -x, one after another'
              : `floor: ${spec.gzip ? 'unpigz -c layer | tar -x' : 'tar -x'} of the same layer`,
            'engines: CLI load -q -i <archive>, rmi between runs; CPU of the daemon tree, peak RSS of the daemon itself',
          ],
        };
      } finally {
        await blobs.dispose();
      }
    },
  };
}

export const loadCases: BenchCase[] = SPECS.map(loadCase);
