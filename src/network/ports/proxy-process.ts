/**
 * ladingd's side of the userland proxy process (proxy-main.ts): start it detached, read its
 * start-up status, find it again after a restart, and stop it.
 *
 * Processes are only ever signalled by pid after checking that the pid's command line is a
 * proxy naming the expected pid file, so a pid reused by an unrelated process is never hit.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SystemError } from '../../errors/index.js';
import type { ProxyBinding } from './proxy-listen.js';
import type { ProxyProcessConfig } from './proxy-main.js';

/** The compiled entry beside this file. */
export const PROXY_ENTRY = fileURLToPath(new URL('./proxy-main.js', import.meta.url));

/** How long a proxy may take to open its listeners (docker's limit for docker-proxy is 16 s). */
const START_TIMEOUT_MS = 16_000;
const STOP_TIMEOUT_MS = 5_000;

/** The proxy could not open binding `index`; `message` is Docker's `listen tcp4 …: bind: …` text. */
export class ProxyStartError extends SystemError {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`Error starting userland proxy: ${reason}`);
  }
}

export interface StartProxyOptions {
  pidFile: string;
  bindings: ProxyBinding[];
  udpIdleMs?: number;
  /** Node binary; default the running one. */
  nodePath?: string;
  /** Entry script; default PROXY_ENTRY. */
  entry?: string;
}

function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** The proxy config a proxy process was started with, or undefined if `pid` is not a proxy. */
function configOf(pid: number): ProxyProcessConfig | undefined {
  const argv = commandLine(pid);
  if (argv === undefined || isZombie(pid)) return undefined;
  const entryAt = argv.findIndex((arg) => arg.endsWith('/proxy-main.js'));
  if (entryAt < 0) return undefined;
  try {
    return JSON.parse(argv[entryAt + 1] ?? '') as ProxyProcessConfig;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a live proxy process started for `pidFile`. */
export function isProxyProcess(pid: number, pidFile: string): boolean {
  return configOf(pid)?.pidFile === pidFile;
}

/** Live proxy processes whose pid file lies in `dir` (leftovers a restart may find without a record). */
export function proxyProcessesIn(dir: string): { pid: number; pidFile: string }[] {
  const found: { pid: number; pidFile: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const pidFile = configOf(pid)?.pidFile;
    if (pidFile !== undefined && pidFile.startsWith(`${dir}/`)) found.push({ pid, pidFile });
  }
  return found;
}

/** The pid in a proxy's pid file, if that process is still that proxy. */
export function runningProxyPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isProxyProcess(pid, pidFile) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a proxy process for `bindings` in its own session (so it outlives ladingd) and waits
 * for its status: resolves with its pid once every listener is open and the pid file written;
 * rejects with ProxyStartError naming the binding that failed (the process has exited then).
 */
export function startProxyProcess(options: StartProxyOptions): Promise<number> {
  const config: ProxyProcessConfig = { pidFile: options.pidFile, bindings: options.bindings };
  if (options.udpIdleMs !== undefined) config.udpIdleMs = options.udpIdleMs;
  const child = spawn(
    options.nodePath ?? process.execPath,
    [options.entry ?? PROXY_ENTRY, JSON.stringify(config)],
    { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
  );
  return new Promise<number>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const status = child.stdio[3] as NodeJS.ReadableStream;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new SystemError('timed out starting the userland proxy'));
    }, START_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new SystemError(`cannot start the userland proxy: ${err.message}`, { cause: err }));
    });
    status.on('data', (chunk: Buffer) => chunks.push(chunk));
    status.once('end', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '0\n' && child.pid !== undefined) {
        // Not ours to wait for any more: it lives on in its own session.
        child.unref();
        resolve(child.pid);
        return;
      }
      let failure: { index: number; message: string } = { index: -1, message: text || 'no status' };
      if (text.startsWith('1\n')) {
        try {
          failure = JSON.parse(text.slice(2)) as typeof failure;
        } catch {
          failure = { index: -1, message: text.slice(2) };
        }
      }
      reject(new ProxyStartError(failure.index, failure.message));
    });
  });
}

/** kill(2) that accepts the process having exited in the meantime. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function alive(pid: number): boolean {
  return commandLine(pid) !== undefined && !isZombie(pid);
}

/**
 * Stops the proxy started for `pidFile` (SIGTERM, SIGKILL after 5 s) and removes the pid file.
 * A pid that is not that proxy any more is left alone.
 */
export async function stopProxyProcess(pid: number, pidFile: string): Promise<void> {
  if (isProxyProcess(pid, pidFile)) {
    signal(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (alive(pid) && isProxyProcess(pid, pidFile)) signal(pid, 'SIGKILL');
    const killDeadline = Date.now() + STOP_TIMEOUT_MS;
    while (alive(pid) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 10));
  }
  await rm(pidFile, { force: true });
}
