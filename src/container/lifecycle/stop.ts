/**
 * `docker stop` and `docker kill`. Stop sends the stop signal (the request's, else the
 * container's StopSignal, else SIGTERM), waits the timeout (the request's, else StopTimeout,
 * else 10 s; -1 waits forever), then SIGKILLs every process of the container. Events follow
 * Docker: `kill` for every signal sent, `die` on exit, then `stop`.
 */
import { ConflictError } from '../../errors/index.js';
import { parseSignal, SIGKILL, SIGTERM, signalName } from '../process/signals.js';
import type { ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';
import { cancelRestart } from './restart.js';

export const DEFAULT_STOP_TIMEOUT_SECONDS = 10;

export interface StopOptions {
  signal?: string;
  timeoutSeconds?: number;
  /** false for the daemon's shutdown: `always` and `unless-stopped` containers come back. */
  manual?: boolean;
}

function notRunning(record: ContainerRecord): ConflictError {
  return new ConflictError(`container ${record.ID} is not running`);
}

/** Resolves with the exit code once the container's next exit has been recorded. */
export function nextExit(
  ctx: ManagerContext,
  record: ContainerRecord,
  timeoutMs?: number,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const event = `exit:${record.ID}`;
    let timer: NodeJS.Timeout | undefined;
    const done = (code: number | undefined) => {
      if (timer) clearTimeout(timer);
      ctx.lifecycle.off(event, done);
      resolve(code);
    };
    ctx.lifecycle.on(event, done);
    if (timeoutMs !== undefined && timeoutMs >= 0) timer = setTimeout(() => done(undefined), timeoutMs);
  });
}

export async function signalContainer(
  ctx: ManagerContext,
  record: ContainerRecord,
  signal: number,
): Promise<void> {
  if (record.State.Restarting) {
    throw new ConflictError(`Container ${record.ID} is restarting, wait until the container is running`);
  }
  if (!record.State.Running || !ctx.running.has(record.ID)) throw notRunning(record);
  await ctx.options.runtime.kill(record.ID, signal, { all: signal === SIGKILL });
  ctx.options.publish('kill', record, { signal: String(signal) });
}

/**
 * `docker kill`: ConflictError `container <id> is not running` when it is not (the API adds
 * "cannot kill container: <name>: " in front, as moby's router does).
 */
export async function killContainer(
  ctx: ManagerContext,
  record: ContainerRecord,
  rawSignal: string,
): Promise<void> {
  await signalContainer(ctx, record, rawSignal === '' ? SIGKILL : parseSignal(rawSignal));
}

/** Resolves false when it was not running. */
export async function stopContainer(
  ctx: ManagerContext,
  record: ContainerRecord,
  options: StopOptions,
): Promise<boolean> {
  if (await cancelRestart(ctx, record)) {
    if (options.manual !== false) record.HasBeenManuallyStopped = true;
    ctx.options.publish('stop', record);
    return true;
  }
  // Still restarting with nothing pending: the restart's start is under way. Let it finish
  // (it holds the container's lock), then stop what it started.
  if (record.State.Restarting) await ctx.locks.run(record.ID, () => Promise.resolve());
  if (options.manual !== false) record.HasBeenManuallyStopped = true;
  if (!record.State.Running) return false;
  const signal =
    options.signal !== undefined && options.signal !== ''
      ? parseSignal(options.signal)
      : record.Config.StopSignal
        ? parseSignal(record.Config.StopSignal)
        : SIGTERM;
  const timeoutSeconds = options.timeoutSeconds ?? record.Config.StopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS;
  const exited = nextExit(ctx, record, timeoutSeconds < 0 ? undefined : timeoutSeconds * 1000);
  if (signal !== SIGKILL) {
    await signalContainer(ctx, record, signal).catch(() => undefined);
    const code = await exited;
    if (code === undefined && record.State.Running) {
      ctx.options.logger.info(
        `Container failed to exit within ${timeoutSeconds}s of signal ${signalName(signal)} - using the force`,
        { container: record.ID },
      );
    }
  }
  if (record.State.Running) {
    const killed = nextExit(ctx, record);
    await signalContainer(ctx, record, SIGKILL).catch(() => undefined);
    if (record.State.Running) await killed;
  }
  ctx.options.publish('stop', record);
  return true;
}
