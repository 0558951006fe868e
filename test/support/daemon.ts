/**
 * Starts a real ladingd for a test: its own data root, exec root and socket under the test
 * base, its output in a log file beside them. Registered with the test's Cleanup, so it is
 * stopped (and anything it left, by path) even when the test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from './cleanup.js';
import { engineRequest } from './engine-request.js';
import { childrenOf, commandLineOf, isAlive, terminate, waitForExit } from './processes.js';
import { makeTestDirs, type TestDirs } from './test-base.js';
import { waitFor } from './wait.js';
import { testNetworkConfig } from './test-network-config.js';

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
  /** Resolves once the daemon's output contains `text` (fails after `timeoutMs`, showing the output). */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  /** Sends a signal and waits for the daemon to exit; returns its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  cleanup: Cleanup;
  label?: string;
  config?: Record<string, unknown>;
  extraArgs?: string[];
  /**
   * Reuse directories (for a second daemon on the same data root). The caller owns them: they
   * are not registered with `cleanup` here.
   */
  dirs?: TestDirs;
  /** The API socket (`-H unix://…`); default `<execRoot>/lading.sock`. */
  socketPath?: string;
  /** Resolve once the process exits instead of waiting for the socket (for start-up failures). */
  expectExit?: boolean;
  timeoutMs?: number;
}

export interface ExitedDaemon extends TestDirs {
  code: number | null;
  /** stdout and stderr together, in the order they arrived. */
  logs: string;
  stdout: string;
  stderr: string;
  configFile: string;
}

/**
 * Spawns ladingd. Its output goes to a log file (a daemon that keeps running must not block on
 * a pipe nobody reads), or with `pipes` to in-memory buffers that keep stdout and stderr apart
 * (for a daemon expected to exit at start-up).
 */
function launch(options: StartOptions, output: 'log-file' | 'pipes' = 'log-file') {
  const dirs = options.dirs ?? makeTestDirs(options.label ?? 'ladingd');
  if (!options.dirs) options.cleanup.directory(dirs.root);
  const socketPath = options.socketPath ?? join(dirs.execRoot, 'lading.sock');
  const configFile = join(dirs.root, `daemon-${Date.now()}.json`);
  // Every test daemon gets a bridge, subnet and iptables chains of its own, never lading0/LADING.
  const config = { ...testNetworkConfig(dirs.root, options.cleanup), ...(options.config ?? {}) };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const logFile = join(dirs.root, `ladingd-${Date.now()}.log`);
  const args = [
    '--config-file',
    configFile,
    '--data-root',
    dirs.dataRoot,
    '--exec-root',
    dirs.execRoot,
    '-H',
    `unix://${socketPath}`,
    ...(options.extraArgs ?? []),
  ];
  const captured = { all: '', stdout: '', stderr: '' };
  let child: ChildProcess;
  if (output === 'pipes') {
    child = spawn(LADINGD_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.on('data', (chunk: Buffer) => {
        captured[stream] += chunk.toString();
        captured.all += chunk.toString();
      });
    }
  } else {
    const logFd = openSync(logFile, 'a');
    child = spawn(LADINGD_BIN, args, { stdio: ['ignore', logFd, logFd], detached: true });
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('ladingd did not start');
  options.cleanup.process(pid, `ladingd ${pid}`);
  // With pipes, 'close' (not 'exit') so that all of the output has been read by then.
  const exited = new Promise<number | null>((resolve) =>
    child.once(output === 'pipes' ? 'close' : 'exit', (code: number | null) => resolve(code)),
  );
  const logs = () =>
    output === 'pipes' ? captured.all : existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  return { dirs, socketPath, configFile, logFile, pid, exited, logs, captured };
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
    async waitForLog(text: string, timeoutMs = 20_000) {
      try {
        await waitFor(`"${text}" in the ladingd output`, () => logs().includes(text), timeoutMs);
      } catch (err) {
        throw new Error(`${err instanceof Error ? err.message : String(err)}:\n${logs()}`);
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (isAlive(pid)) process.kill(pid, signal);
      // An unref'd timer: once the daemon has exited, it must not hold the test process open.
      const code = await Promise.race([
        exited,
        sleep(20_000, undefined, { ref: false }).then(() => undefined),
      ]);
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
  const { dirs, configFile, exited, logs, captured } = launch(options, 'pipes');
  const code = await Promise.race([
    exited,
    sleep(options.timeoutMs ?? 30_000, undefined, { ref: false }).then(() => 'timeout' as const),
  ]);
  if (code === 'timeout')
    throw new Error(`ladingd kept running although it should have refused to start:\n${logs()}`);
  return { ...dirs, code, logs: logs(), stdout: captured.stdout, stderr: captured.stderr, configFile };
}

/**
 * The live containerd that a daemon started: a child of its pid whose command line names its
 * exec root (where ladingd puts containerd's config), so a reused pid is never mistaken for it.
 */
export function containerdOf(daemon: { pid: number; execRoot: string }): number | undefined {
  return childrenOf(daemon.pid).find((pid) => {
    const command = commandLineOf(pid) ?? '';
    return command.includes('containerd') && command.includes(daemon.execRoot) && isAlive(pid);
  });
}
