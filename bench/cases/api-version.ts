/**
 * API round trips: 100 sequential GET /version on one keep-alive connection, the call every
 * client makes first. The floor is a bare node:http server on a unix socket answering a
 * fixed body of the same size.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { terminate } from '../../test/support/processes.js';
import type { BenchCase, BenchContext } from '../harness/bench-case.js';
import { startEngine, type EngineName } from '../harness/engines.js';
import { cpuSecondsOf, repeat, type Sample } from '../harness/measure.js';

const CALLS = 100;

function get(agent: Agent, socketPath: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ socketPath, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

async function batch(socketPath: string, path: string, pid: number): Promise<Sample> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const cpuBefore = cpuSecondsOf(pid);
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) await get(agent, socketPath, path);
  const wallMs = performance.now() - started;
  agent.destroy();
  return { wallMs, cpuSeconds: cpuSecondsOf(pid) - cpuBefore };
}

async function measureEngine(ctx: BenchContext, name: EngineName) {
  const engine = await startEngine(name, join(ctx.workDir, `${name}-api`));
  try {
    return await repeat(ctx, () => batch(engine.socketPath, '/v1.41/version', engine.pid));
  } finally {
    await engine.stop();
  }
}

async function measureFloor(ctx: BenchContext, bodySize: number) {
  const socketPath = join(ctx.workDir, 'floor.sock');
  const script = `const body = 'x'.repeat(${bodySize});
require('http').createServer((q, s) => { s.setHeader('Content-Type', 'application/json'); s.end(body); }).listen(${JSON.stringify(socketPath)});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  while (!existsSync(socketPath)) await sleep(5);
  try {
    return await repeat(ctx, () => batch(socketPath, '/version', child.pid!));
  } finally {
    await terminate(child.pid!);
  }
}

export const apiVersion: BenchCase = {
  name: 'api-version',
  description: `${CALLS} sequential GET /version over one keep-alive unix-socket connection`,
  async run(ctx) {
    const lading = await measureEngine(ctx, 'lading');
    const docker = ctx.withDocker ? await measureEngine(ctx, 'docker') : null;
    return {
      measures: `${CALLS} × GET /version (CPU: server process tree)`,
      lading,
      docker,
      floor: await measureFloor(ctx, 900),
      notes: ['floor: bare node:http on a unix socket with a fixed 900-byte body'],
    };
  },
};
