/**
 * The usual engine sample: start an engine, then per run time one CLI command (each engine
 * with its own CLI) and undo it untimed, so every run starts from the same state. CPU is the
 * daemon's process tree over the timed command; peak RSS is the daemon process alone.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LADING_BIN } from '../../test/support/daemon.js';
import type { BenchContext } from './bench-case.js';
import { startEngine, type EngineName } from './engines.js';
import { repeat, type Summary } from './measure.js';

export interface CliRunSpec {
  /** The timed command's arguments, after `-H <host>`. */
  timed: string[];
  /** Run untimed after each sample (e.g. `rmi` of what the command made). */
  undo: string[];
  /** daemon.json for the engine. */
  config?: Record<string, unknown>;
  /** Commands run once before the samples (e.g. loading the image a run needs). */
  setup?: string[][];
  /** The docker CLI for both engines (the container cases), instead of each engine's own. */
  dockerCli?: boolean;
}

export async function timedCliRuns(ctx: BenchContext, name: EngineName, spec: CliRunSpec): Promise<Summary> {
  const engine = await startEngine(name, join(ctx.workDir, `${name}-engine`), [], spec.config ?? {});
  const cli = name === 'lading' && spec.dockerCli !== true ? LADING_BIN : 'docker';
  const run = (args: string[]) =>
    execFileSync(cli, ['-H', engine.host, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (const args of spec.setup ?? []) run(args);
    return await repeat(ctx, async () => {
      const before = engine.usage();
      const started = performance.now();
      run(spec.timed);
      const wallMs = performance.now() - started;
      const after = engine.usage();
      run(spec.undo);
      return { wallMs, cpuSeconds: after.cpuSeconds - before.cpuSeconds, peakRssKiB: after.peakRssKiB };
    });
  } finally {
    await engine.stop();
  }
}
