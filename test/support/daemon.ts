/**
 * Starts a real ladingd for a test: its own data root, exec root and socket under the test
 * base, its output in a log file beside them. Registered with the test's Cleanup, so it is
 * stopped (and anything it left, by path) even when the test fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from './cleanup.js';
import { engineRequest } from './engine-request.js';
import { isAlive, terminate, waitForExit } from './processes.js';
import { makeTestDirs, type TestDirs } from './test-base.js';

/** bin/ladingd of this checkout (dist/test/support → ../../../bin). */
export const LADINGD_BIN = fileURLToPath(new URL('../../../bin/ladingd', import.meta.url));
export const LADING_BIN = fileURLToPath(new URL('../../../bin/lading', import.meta.url));

export interface TestDaemon extends TestDirs {
  pid: number;
  socketPath: string;
  host: string;
  configFile: string;
  logFile: string;
  logs(): string;
  /** Sends a signal and waits for the daemon to exit; returns its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  cleanup: Cleanup;
  label?: string;
  config?: Record<string, unknown>;
  extraArgs?: string[];
  /** Reuse directories (for a second daemon on the same data root). */
  dirs?: TestDirs;
  /** Resolve once the process exits instead of waiting for the socket (for start-up failures). */
  expectExit?: boolean;
  timeoutMs?: number;
}

export interface ExitedDaemon {
  code: number | null;
  logs: string;
}

function launch(options: StartOptions) {
  const dirs = options.dirs ?? makeTestDirs(options.label ?? 'ladingd');
  if (!options.dirs) options.cleanup.directory(dirs.root);
  const socketPath = join(dirs.execRoot, 'lading.sock');
  const configFile = join(dirs.root, `daemon-${Date.now()}.json`);
  writeFileSync(configFile, JSON.stringify(options.config ?? {}, null, 2));
  const logFile = join(dirs.root, `ladingd-${Date.now()}.log`);
  const logFd = openSync(logFile, 'a');
  const child = spawn(
    LADINGD_BIN,
    [
      '--config-file',
      configFile,
      '--data-root',
      dirs.dataRoot,
      '--exec-root',
      dirs.execRoot,
      '-H',
      `unix://${socketPath}`,
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', logFd, logFd], detached: true },
  );
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error('ladingd did not start');
  options.cleanup.process(pid, `ladingd ${pid}`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  return { dirs, socketPath, configFile, logFile, pid, exited, logs };
}

export async function startDaemon(options: StartOptions): Promise<TestDaemon> {
  const { dirs, socketPath, configFile, logFile, pid, exited, logs } = launch(options);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (true) {
    if (exitCode !== undefined)
      throw new Error(`ladingd exited with ${exitCode} before it was ready:\n${logs()}`);
    if (Date.now() > deadline) throw new Error(`ladingd was not ready in time:\n${logs()}`);
    try {
      if ((await engineRequest(socketPath, 'GET', '/_ping')).status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  return {
    ...dirs,
    pid,
    socketPath,
    host: `unix://${socketPath}`,
    configFile,
    logFile,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (isAlive(pid)) process.kill(pid, signal);
      const code = await Promise.race([exited, sleep(20_000).then(() => undefined)]);
      if (code === undefined) {
        await terminate(pid, 0);
        throw new Error(`ladingd did not stop on ${signal}:\n${logs()}`);
      }
      await waitForExit(pid, 1000);
      return code;
    },
  };
}

/** Runs ladingd expecting it to refuse to start; returns its exit code and output. */
export async function runDaemonToExit(options: StartOptions): Promise<ExitedDaemon> {
  const { exited, logs } = launch(options);
  const code = await Promise.race([
    exited,
    sleep(options.timeoutMs ?? 30_000).then(() => 'timeout' as const),
  ]);
  if (code === 'timeout')
    throw new Error(`ladingd kept running although it should have refused to start:\n${logs()}`);
  return { code, logs: logs() };
}
