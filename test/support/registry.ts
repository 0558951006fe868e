/**
 * Debian's docker-registry (distribution 2.8) for tests: filesystem storage in a temp dir,
 * no auth, delete enabled, listening on a free 127.0.0.1 port. stop() ends exactly the pid
 * we spawned and removes the storage.
 *
 *   const registry = await startRegistry();
 *   after(() => registry.stop());
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface TestRegistry {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** host:port, as image references spell it. */
  host: string;
  pid: number;
  /** The storage root, for tests that inspect or corrupt what the registry stored. */
  rootDirectory: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** How long to wait for GET /v2/ to answer 200. */
  startTimeoutMs?: number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function configYaml(root: string, port: number): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${root}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n');
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'lading-registry-'));
  const rootDirectory = join(dir, 'storage');
  const port = await freePort();
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, configYaml(rootDirectory, port));

  const child = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid;

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  try {
    if (pid === undefined) throw await spawnError;
    while (true) {
      if (child.exitCode !== null)
        throw new Error(`docker-registry exited ${child.exitCode}: ${stderr.trim()}`);
      try {
        const res = await fetch(`${url}/v2/`);
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`docker-registry did not answer on ${url}: ${stderr.trim()}`);
      await sleep(50);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, host: `127.0.0.1:${port}`, pid, rootDirectory, stop };
}
