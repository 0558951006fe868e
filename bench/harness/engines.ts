/**
 * The engines a benchmark compares: ladingd from this checkout and Debian's dockerd (the
 * peer), each with its own data root, exec root and socket on the benchmark filesystem and
 * each starting its own containerd, so neither gets a warm containerd for free.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { engineRequest } from '../../test/support/engine-request.js';
import { LADINGD_BIN } from '../../test/support/daemon.js';
import { childrenOf, terminate } from '../../test/support/processes.js';
import { cpuSecondsOf, peakRssOf } from './measure.js';

export type EngineName = 'lading' | 'docker';

export interface RunningEngine {
  name: EngineName;
  pid: number;
  socketPath: string;
  host: string;
  readyMs: number;
  /**
   * CPU seconds of the daemon and every process below it (its containerd, shims), and the
   * peak RSS of the daemon process itself: both engines run the same containerd, so its
   * memory says nothing about either.
   */
  usage(): { cpuSeconds: number; peakRssKiB: number };
  stop(): Promise<void>;
}

export const DOCKERD = '/usr/sbin/dockerd';

export function dockerdAvailable(): boolean {
  return existsSync(DOCKERD);
}

function processTree(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(processTree)];
}

export async function startEngine(
  name: EngineName,
  dir: string,
  extraArgs: string[] = [],
  /** daemon.json for both engines (e.g. the same registry-mirrors). */
  config: Record<string, unknown> = {},
): Promise<RunningEngine> {
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'exec');
  mkdirSync(dataRoot, { recursive: true });
  mkdirSync(execRoot, { recursive: true });
  const socketPath = join(execRoot, `${name}.sock`);
  const configFile = join(dir, 'daemon.json');
  writeFileSync(configFile, `${JSON.stringify(config)}\n`);
  const logFile = join(dir, `${name}.log`);
  const failed = (why: string) =>
    new Error(
      `${name} ${why}:\n${existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4000) : '(no log)'}`,
    );
  const common = ['--data-root', dataRoot, '--exec-root', execRoot, '-H', `unix://${socketPath}`];
  const argv =
    name === 'lading'
      ? [LADINGD_BIN, '--config-file', configFile, ...common, ...extraArgs]
      : // No bridge and no iptables: the peer does what lading does so far, nothing more.
        [
          DOCKERD,
          ...common,
          '--pidfile',
          join(execRoot, 'docker.pid'),
          '--bridge=none',
          '--iptables=false',
          '--config-file',
          configFile,
          ...extraArgs,
        ];
  const logFd = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', logFd, logFd], detached: true });
  closeSync(logFd);
  const pid = child.pid!;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (true) {
    if (exited) throw failed('exited during start');
    try {
      if ((await engineRequest(socketPath, 'GET', '/_ping')).status === 200) break;
    } catch {
      // not yet listening
    }
    if (performance.now() - started > 60_000) throw failed('was not ready after 60 s');
    await sleep(5);
  }
  const readyMs = performance.now() - started;
  return {
    name,
    pid,
    socketPath,
    host: `unix://${socketPath}`,
    readyMs,
    usage() {
      const tree = processTree(pid);
      return {
        cpuSeconds: tree.reduce((sum, p) => sum + cpuSecondsOf(p), 0),
        peakRssKiB: peakRssOf(pid),
      };
    },
    async stop() {
      await terminate(pid, 20_000);
    },
  };
}
