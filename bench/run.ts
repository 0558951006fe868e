/**
 * npm run bench [case…] [--with-docker] [--runs N] [--warmups N]
 * Runs each case on a fresh loop-mounted ext4 and prints medians, CPU seconds, peak RSS and
 * the ratios to dockerd and to the physical floor; results go to bench/results/*.json.
 * --with-docker installs Debian's docker.io if dockerd is missing and runs it side by side.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { apiVersion } from './cases/api-version.js';
import { commitCases } from './cases/commit.js';
import { containerCases } from './cases/containers.js';
import { daemonStart } from './cases/daemon-start.js';
import { loadCases } from './cases/load-images.js';
import { pullCases } from './cases/pull-images.js';
import type { BenchCase } from './harness/bench-case.js';
import { dockerdAvailable } from './harness/engines.js';
import { createLoopExt4 } from './harness/loop-fs.js';
import { formatResult, saveResult } from './harness/report.js';

const CASES: BenchCase[] = [
  daemonStart,
  apiVersion,
  ...pullCases,
  ...loadCases,
  ...containerCases,
  ...commitCases,
];
const RESULTS_DIR = fileURLToPath(new URL('../../bench/results', import.meta.url));

function installDocker(): void {
  if (dockerdAvailable()) return;
  console.log('installing Debian docker.io for the side-by-side peer…');
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'docker.io', 'time'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'with-docker': { type: 'boolean', default: false },
      runs: { type: 'string', default: '5' },
      warmups: { type: 'string', default: '1' },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const c of CASES) console.log(`${c.name.padEnd(16)} ${c.description}`);
    return;
  }
  const unknown = positionals.filter((name) => !CASES.some((c) => c.name === name));
  if (unknown.length)
    throw new Error(`unknown case ${unknown.join(', ')}; known: ${CASES.map((c) => c.name).join(', ')}`);
  const selected = positionals.length ? CASES.filter((c) => positionals.includes(c.name)) : CASES;
  if (values['with-docker']) installDocker();

  const fs = createLoopExt4();
  try {
    for (const benchCase of selected) {
      const workDir = join(fs.mountPoint, benchCase.name);
      mkdirSync(workDir);
      const result = await benchCase.run({
        workDir,
        withDocker: values['with-docker'],
        runs: Number(values.runs),
        warmups: Number(values.warmups),
        log: (message) => console.log(`  ${message}`),
      });
      console.log(formatResult(benchCase.name, result));
      const meta = {
        date: new Date().toISOString(),
        kernel: release(),
        cpus: cpus().length,
        fs: 'ext4 on loop',
      };
      console.log(`saved ${saveResult(RESULTS_DIR, benchCase.name, result, meta)}\n`);
    }
  } finally {
    fs.remove();
  }
}

await main();
