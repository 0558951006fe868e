/**
 * Starts and supervises the containerd that ladingd owns.
 *
 * Lifecycle: start() writes the config, stops a containerd left running by a ladingd that
 * crashed (found through the pid file), spawns containerd in its own session/process group
 * (so a ^C to ladingd's terminal reaches ladingd, which then stops containerd in order), and
 * resolves once containerd answers a gRPC Version call. If containerd later dies, it is
 * restarted with exponential backoff. stop() sends SIGTERM, then SIGKILL after a timeout,
 * waits for the exit and removes the sockets and pid file.
 *
 * Shims (containerd-shim-runc-v2) run in sessions of their own and are not signalled here, so
 * containers survive a containerd restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError, messageOf } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { containerdConfigToml, containerdPaths, type ContainerdPaths } from './containerd-config.js';
import { relogContainerdLine } from './containerd-log.js';
import { processStartTime } from './process-identity.js';

export interface ContainerdProcessOptions {
  dataRoot: string;
  execRoot: string;
  logger: Logger;
  /** Answers once containerd serves gRPC (the daemon passes its client's version()). */
  probe: () => Promise<unknown>;
  binary?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** How long to wait for the first gRPC answer after a start (default 20 s). */
  startTimeoutMs?: number;
  /** How long SIGTERM gets before SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  /** First restart delay; doubles per quick crash up to maxRestartDelayMs (defaults 250 ms, 10 s). */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
}

export interface ContainerdStartedEvent {
  pid: number;
  restart: boolean;
}

/** Unix socket paths are limited to 107 bytes (sun_path); say so instead of failing oddly. */
const MAX_SOCKET_PATH = 107;
/** A containerd that ran at least this long resets the restart backoff. */
const STABLE_AFTER_MS = 30_000;
/** Lines of containerd output kept to explain a failed start. */
const TAIL_LINES = 15;

export class ContainerdProcess {
  readonly paths: ContainerdPaths;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs: number;
  private readonly tail: string[] = [];
  private readonly listeners: ((event: ContainerdStartedEvent) => void)[] = [];
  private readonly log: Logger;

  constructor(private readonly options: ContainerdProcessOptions) {
    this.paths = containerdPaths(options.dataRoot, options.execRoot);
    this.restartDelayMs = options.restartDelayMs ?? 250;
    this.log = options.logger;
  }

  /** The gRPC socket path. */
  get address(): string {
    return this.paths.socket;
  }

  /** The pid of the running containerd, if one is running. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Called after every successful start, first and restarts. */
  onStarted(listener: (event: ContainerdStartedEvent) => void): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    if (Buffer.byteLength(this.paths.ttrpcSocket) > MAX_SOCKET_PATH) {
      throw new UnavailableError(
        `exec root ${this.options.execRoot} is too long: containerd's socket ${this.paths.ttrpcSocket} ` +
          `would exceed ${MAX_SOCKET_PATH} bytes`,
      );
    }
    this.stopping = false;
    await mkdir(this.paths.dir, { recursive: true, mode: 0o711 });
    await mkdir(this.paths.root, { recursive: true, mode: 0o711 });
    await this.stopLeftover();
    const oomScore =
      Number((await readFile('/proc/self/oom_score_adj', 'utf8').catch(() => '0')).trim()) || 0;
    await writeFile(
      this.paths.config,
      containerdConfigToml({ paths: this.paths, logLevel: this.options.logLevel ?? 'info', oomScore }),
      { mode: 0o644 },
    );
    await this.launch(false);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      this.log.info('stopping containerd', { pid: child.pid });
      child.kill('SIGTERM');
      const timeout = this.options.stopTimeoutMs ?? 10_000;
      const timer = new AbortController();
      const done = await Promise.race([
        this.exited.then(() => true),
        sleep(timeout, false, { signal: timer.signal }).catch(() => false),
      ]);
      timer.abort(); // the losing timer must not keep the process alive
      if (!done) {
        this.log.warn('containerd did not stop in time; killing it', { pid: child.pid, timeout_ms: timeout });
        child.kill('SIGKILL');
        await this.exited;
      }
    }
    this.child = undefined;
    await this.removeRuntimeFiles();
  }

  private async launch(restart: boolean): Promise<void> {
    const binary = this.options.binary ?? 'containerd';
    // Stale sockets would let the readiness probe talk to nothing (or to a leftover).
    await rm(this.paths.socket, { force: true });
    await rm(this.paths.ttrpcSocket, { force: true });
    const child = spawn(binary, ['--config', this.paths.config], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    this.child = child;
    const startedAt = Date.now();
    // 'exit', not 'close': a shim that inherited containerd's stderr would hold 'close' back.
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

    const logger = this.log.with({ module: 'containerd' });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        relogContainerdLine(logger, line);
      });
    }

    // Until it answers, an exit is launch()'s failure to report (and, on a restart, to retry);
    // after that, it is this handler's crash to recover from. One owner, one retry timer.
    let ready = false;
    child.once('exit', (code, signal) => {
      if (this.child !== child || this.stopping || !ready) return;
      const ranMs = Date.now() - startedAt;
      if (ranMs >= STABLE_AFTER_MS) this.restartDelayMs = this.options.restartDelayMs ?? 250;
      const delay = this.restartDelayMs;
      this.restartDelayMs = Math.min(delay * 2, this.options.maxRestartDelayMs ?? 10_000);
      this.log.error('containerd exited unexpectedly; restarting it', {
        pid: child.pid,
        code: code ?? undefined,
        signal: signal ?? undefined,
        restart_in_ms: delay,
      });
      this.scheduleRestart(delay);
    });

    const cancel = new AbortController();
    const failure = await Promise.race([
      this.waitReady(child, cancel.signal),
      spawnError.then((err) => new UnavailableError(`cannot start ${binary}: ${messageOf(err)}`)),
    ]);
    cancel.abort(); // stop probing if spawning failed first
    if (failure === undefined && (child.exitCode !== null || child.signalCode !== null)) {
      throw new UnavailableError('containerd exited right after it started' + this.tailText());
    }
    if (failure instanceof Error) {
      if (this.child === child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw failure;
    }
    ready = true;
    await this.writePidFile(child.pid!);
    this.log.info(restart ? 'containerd restarted' : 'containerd started', {
      pid: child.pid,
      address: this.paths.socket,
    });
    for (const listener of this.listeners) listener({ pid: child.pid!, restart });
  }

  private scheduleRestart(delay: number): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.launch(true).catch((err: unknown) => {
        if (this.stopping) return;
        const next = this.restartDelayMs;
        this.restartDelayMs = Math.min(next * 2, this.options.maxRestartDelayMs ?? 10_000);
        this.log.error('restarting containerd failed', { error: messageOf(err), retry_in_ms: next });
        this.scheduleRestart(next);
      });
    }, delay);
  }

  /** Resolves undefined once containerd answers, or an error if it exits or times out first. */
  private async waitReady(
    child: ChildProcess,
    cancelled: AbortSignal,
  ): Promise<UnavailableError | undefined> {
    const timeout = this.options.startTimeoutMs ?? 20_000;
    const deadline = Date.now() + timeout;
    let lastError = '';
    while (Date.now() < deadline && !cancelled.aborted) {
      if (child.exitCode !== null || child.signalCode !== null) {
        return new UnavailableError(
          `containerd exited during startup (${child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode})` +
            this.tailText(),
        );
      }
      try {
        await this.options.probe();
        return undefined;
      } catch (err) {
        lastError = messageOf(err);
      }
      await sleep(50);
    }
    return new UnavailableError(
      `containerd did not answer on ${this.paths.socket} within ${timeout / 1000}s (${lastError})` +
        this.tailText(),
    );
  }

  private tailText(): string {
    return this.tail.length > 0 ? `; its last output:\n${this.tail.join('\n')}` : '';
  }

  /** Records the pid with its start time, so a later ladingd can tell it from a reused pid. */
  private async writePidFile(pid: number): Promise<void> {
    const temp = `${this.paths.pidFile}.tmp`;
    await writeFile(temp, `${pid} ${(await processStartTime(pid)) ?? ''}\n`);
    await rename(temp, this.paths.pidFile);
  }

  /**
   * A ladingd that was SIGKILLed leaves its containerd running (it is in its own session).
   * We hold the data-root lock, so a containerd recorded in our exec root is that orphan:
   * stop it before starting ours on the same root.
   */
  private async stopLeftover(): Promise<void> {
    const record = await readFile(this.paths.pidFile, 'utf8').catch(() => undefined);
    if (record === undefined) return;
    const [pidText, startTime] = record.trim().split(/\s+/);
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0 || startTime === undefined) return;
    if ((await processStartTime(pid)) !== startTime) return;
    this.log.warn('stopping a containerd left running by a previous ladingd', { pid });
    const signalAndWait = async (signal: NodeJS.Signals, ms: number): Promise<boolean> => {
      try {
        process.kill(pid, signal);
      } catch {
        return true;
      }
      for (let waited = 0; waited < ms; waited += 50) {
        if ((await processStartTime(pid)) !== startTime) return true;
        await sleep(50);
      }
      return false;
    };
    if (!(await signalAndWait('SIGTERM', this.options.stopTimeoutMs ?? 10_000)))
      await signalAndWait('SIGKILL', 5000);
  }

  private async removeRuntimeFiles(): Promise<void> {
    await rm(this.paths.socket, { force: true });
    await rm(this.paths.ttrpcSocket, { force: true });
    await rm(this.paths.pidFile, { force: true });
  }
}
