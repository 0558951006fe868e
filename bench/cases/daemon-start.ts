/**
 * Cold start: spawn the daemon on an empty data root and time it to the first answered
 * /_ping, with its containerd up. The floor is containerd alone reaching its socket, since
 * both engines must start one before they are useful.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { terminate } from '../../test/support/processes.js';
import type { BenchCase, BenchContext } from '../harness/bench-case.js';
import { startEngine, type EngineName } from '../harness/engines.js';
import { repeat, type Sample } from '../harness/measure.js';

let runCounter = 0;

async function startOnce(ctx: BenchContext, name: EngineName): Promise<Sample> {
  const dir = join(ctx.workDir, `${name}-start-${runCounter++}`);
  const engine = await startEngine(name, dir);
  const usage = engine.usage();
  await engine.stop();
  return { wallMs: engine.readyMs, cpuSeconds: usage.cpuSeconds, peakRssKiB: usage.peakRssKiB };
}

async function containerdOnce(ctx: BenchContext): Promise<Sample> {
  const dir = join(ctx.workDir, `containerd-${runCounter++}`);
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  writeFileSync(
    config,
    `version = 2\nroot = "${dir}/root"\nstate = "${dir}/state"\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "${socket}"\n`,
  );
  const started = performance.now();
  const child = spawn('containerd', ['--config', config], { stdio: 'ignore', detached: true });
  while (!existsSync(socket)) {
    if (performance.now() - started > 30_000) throw new Error('containerd did not create its socket');
    await sleep(2);
  }
  const wallMs = performance.now() - started;
  await terminate(child.pid!);
  return { wallMs };
}

export const daemonStart: BenchCase = {
  name: 'daemon-start',
  description: 'cold start of the daemon and its containerd, to the first answered /_ping',
  async run(ctx) {
    const options = { warmups: ctx.warmups, runs: ctx.runs };
    return {
      measures: 'spawn → first /_ping 200 (CPU: daemon + containerd; RSS: the daemon)',
      lading: await repeat(options, () => startOnce(ctx, 'lading')),
      docker: ctx.withDocker ? await repeat(options, () => startOnce(ctx, 'docker')) : null,
      floor: await repeat(options, () => containerdOnce(ctx)),
      notes: ['floor: containerd alone, spawn → socket created'],
    };
  },
};
