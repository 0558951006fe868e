/**
 * The userland proxy process: `node proxy-main.js '<json ProxyProcessConfig>'`.
 *
 * Why a child process and not a server inside ladingd: containers outlive ladingd (live
 * restore), and so must their published ports. Like docker-proxy, this process keeps
 * forwarding while ladingd restarts; the new ladingd finds it by its pid file (and checks its
 * command line before trusting the pid) and adopts it, or kills it when its container is gone.
 * Unlike docker-proxy there is one process per container endpoint, not per port, so
 * `-p 8000-8100:8000-8100` costs one Node process rather than a hundred and one.
 *
 * Start-up handshake, as docker-proxy's: fd 3 is a pipe to the parent. All listeners are
 * opened first; then the pid file is written and `0\n` is sent, or `1\n` and a JSON
 * `{index, message}` naming the binding that failed, and the process exits 1.
 * SIGTERM or SIGINT closes every listener and connection and exits 0.
 */
import { writeSync, closeSync } from 'node:fs';
import { atomicWriteFile } from '../../durable/index.js';
import { startProxyBinding, type ProxyBinding, type RunningProxy } from './proxy-listen.js';

export interface ProxyProcessConfig {
  /** Written with this process's pid once every listener is open. */
  pidFile: string;
  bindings: ProxyBinding[];
  udpIdleMs?: number;
}

const STATUS_FD = 3;

function report(text: string): void {
  try {
    writeSync(STATUS_FD, text);
    closeSync(STATUS_FD);
  } catch {
    // The parent went away; keep serving (or exiting) regardless.
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ProxyProcessConfig;
  const running: RunningProxy[] = [];
  const stop = async (code: number): Promise<never> => {
    await Promise.allSettled(running.map((proxy) => proxy.close()));
    process.exit(code);
  };
  for (const [index, binding] of config.bindings.entries()) {
    try {
      running.push(await startProxyBinding(binding, config.udpIdleMs));
    } catch (err) {
      report(`1\n${JSON.stringify({ index, message: err instanceof Error ? err.message : String(err) })}`);
      await stop(1);
    }
  }
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  process.on('SIGHUP', () => {});
  await atomicWriteFile(config.pidFile, `${process.pid}\n`);
  report('0\n');
}

main().catch((err: unknown) => {
  report(`1\n${JSON.stringify({ index: -1, message: err instanceof Error ? err.message : String(err) })}`);
  process.exit(1);
});
