/**
 * Start and shutdown of the daemon for containers.
 *
 * Shutdown: with live restore the running containers are left running (live-restore.ts);
 * without, every running container is stopped (stop signal, then SIGKILL, all at once, as
 * dockerd does).
 *
 * Start, for each record that says running: a task containerd still runs is taken over with
 * live restore, and killed without (its exit recorded). A task that ended meanwhile goes
 * through the normal exit path either way (exit code, restart policy, --rm), as dockerd
 * restores it. A container whose task is gone (its shim died, or containerd lost its state)
 * is cleaned up and recorded as exited with 255, as dockerd does. FIFO directories that no
 * taken-over container uses (execs', crashed starts') are removed.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../../errors/index.js';
import type { TaskState } from '../../runtime/index.js';
import { nowGoTime, setStopped, type ContainerRecord } from '../model/index.js';
import { restoreVolumeMounts, unmountVolumes } from '../volumes/index.js';
import type { ManagerContext } from '../manager-context.js';
import { stopContainer } from './stop.js';
import { cancelRestart } from './restart.js';
import { startsWithDaemon } from './restart-policy.js';
import { startContainer } from './start.js';
import { detachContainers, reattachContainer } from './live-restore.js';
import { disconnectBridge } from './bridge-endpoint.js';

/** dockerd's shutdown-timeout: how long a container may take to stop when the daemon stops. */
const SHUTDOWN_STOP_TIMEOUT_SECONDS = 10;
const SIGKILL = 9;
/** How long a leftover task may take to die after SIGKILL before it is given up on. */
const LEFTOVER_KILL_TIMEOUT_MS = 10_000;
/** dockerd's exit code for a container whose exit status is lost. */
const EXIT_UNKNOWN = 255;

export async function recoverContainers(ctx: ManagerContext, records: ContainerRecord[]): Promise<void> {
  const { logger } = ctx.options;
  const liveRestore = ctx.options.liveRestore();
  const taken = new Set<string>();
  const tasks = new Map<string, TaskState | undefined>();
  for (const record of records) {
    if (record.State.Running || record.State.Paused) tasks.set(record.ID, await taskOf(ctx, record.ID));
  }
  const takeOver = (task: TaskState | undefined): task is TaskState => {
    const alive = task !== undefined && ['running', 'paused', 'pausing'].includes(task.status);
    return task !== undefined && (task.status === 'stopped' || (alive && liveRestore));
  };
  // The network first: the endpoints of containers to be taken over are kept (a stopped one's
  // exit releases its own), everything else a previous ladingd left is removed.
  const keep = new Set([...tasks].filter(([, task]) => takeOver(task)).map(([id]) => id));
  await ctx.options.network
    ?.reconcile(keep)
    .catch((err: unknown) => logger.error('reconciling the bridge network failed', { error: String(err) }));
  for (const record of records) {
    if (!tasks.has(record.ID)) continue;
    const task = tasks.get(record.ID);
    if (takeOver(task)) {
      try {
        await reattachContainer(ctx, record, task);
        taken.add(record.ID);
        continue;
      } catch (err) {
        logger.error('cannot re-attach to a container; stopping it', {
          container: record.ID,
          error: String(err),
        });
      }
    }
    await settleLeftover(ctx, record, task);
  }
  await removeStaleFifoDirs(ctx, taken);
}

/** The container's task in containerd; undefined when there is none. */
async function taskOf(ctx: ManagerContext, id: string): Promise<TaskState | undefined> {
  try {
    return await ctx.options.runtime.state(id);
  } catch (err) {
    if (!(err instanceof NotFoundError)) {
      ctx.options.logger.warn('cannot get the state of a container from containerd', {
        container: id,
        error: String(err),
      });
    }
    return undefined;
  }
}

/**
 * Without live restore (or when re-attaching failed): kills what is left of the task, and
 * removes it, the containerd container, the mount and the FIFOs; records the exit.
 */
async function settleLeftover(
  ctx: ManagerContext,
  record: ContainerRecord,
  task: TaskState | undefined,
): Promise<void> {
  const { runtime, layers, logger, fifoDir } = ctx.options;
  const id = record.ID;
  let exitCode = EXIT_UNKNOWN;
  let finishedAt = nowGoTime();
  if (task !== undefined) {
    try {
      if (task.status !== 'stopped') {
        // A frozen process takes its SIGKILL only once thawed.
        if (task.status === 'paused' || task.status === 'pausing') {
          await runtime.resume(id).catch(() => undefined);
        }
        await runtime.kill(id, SIGKILL, { all: true });
        const exit = await runtime.wait(id, undefined, AbortSignal.timeout(LEFTOVER_KILL_TIMEOUT_MS));
        exitCode = exit.exitStatus;
        finishedAt = exit.exitedAt;
      } else {
        exitCode = task.exitStatus;
        finishedAt = task.exitedAt;
      }
    } catch (err) {
      logger.warn('stopping a leftover container task failed', { container: id, error: String(err) });
    }
    await runtime.deleteTask(id).catch(() => undefined);
  }
  await runtime.deleteContainer(id).catch(() => undefined);
  // What the previous ladingd mounted for the container: its rootfs, and its volumes'
  // filesystems (counted again so that the unmount takes them down).
  await layers.unmount(id).catch(() => undefined);
  restoreVolumeMounts(ctx, record);
  await unmountVolumes(ctx, record);
  await disconnectBridge(ctx, record).catch((err: unknown) =>
    logger.warn('releasing the network of a leftover container failed', {
      container: id,
      error: String(err),
    }),
  );
  await rm(join(fifoDir, id), { recursive: true, force: true });
  setStopped(record, { code: exitCode, finishedAt });
  await ctx.save(record);
  logger.info('container was running when ladingd stopped; recorded as exited', {
    container: id,
    exitCode,
  });
}

/** FIFO directories that no taken-over container uses: execs' and a crashed daemon's. */
async function removeStaleFifoDirs(ctx: ManagerContext, keep: Set<string>): Promise<void> {
  const { fifoDir, logger } = ctx.options;
  const entries = await readdir(fifoDir).catch(() => []);
  for (const name of entries) {
    if (keep.has(name)) continue;
    await rm(join(fifoDir, name), { recursive: true, force: true }).catch((err: unknown) =>
      logger.warn('removing a stale FIFO directory failed', { dir: name, error: String(err) }),
    );
  }
}

/** The daemon stops: with live restore containers go on running, else they are stopped. */
export async function shutdownContainers(ctx: ManagerContext): Promise<void> {
  if (ctx.options.liveRestore()) await detachContainers(ctx);
  else await stopAllContainers(ctx);
}

export async function stopAllContainers(ctx: ManagerContext): Promise<void> {
  for (const record of ctx.registry.all()) await cancelRestart(ctx, record);
  const running = ctx.registry.all().filter((record) => record.State.Running);
  await Promise.all(
    running.map((record) =>
      stopContainer(ctx, record, {
        manual: false,
        timeoutSeconds: Math.min(
          record.Config.StopTimeout ?? SHUTDOWN_STOP_TIMEOUT_SECONDS,
          SHUTDOWN_STOP_TIMEOUT_SECONDS,
        ),
      }).catch((err: unknown) =>
        ctx.options.logger.warn('stopping a container at shutdown failed', {
          container: record.ID,
          error: String(err),
        }),
      ),
    ),
  );
}

/** Containers whose restart policy brings them back when the daemon starts (`always`, `unless-stopped`). */
export async function startWithDaemon(ctx: ManagerContext): Promise<void> {
  for (const record of ctx.registry.all()) {
    if (record.State.Running || !startsWithDaemon(record)) continue;
    await startContainer(ctx, record).catch((err: unknown) =>
      ctx.options.logger.error('starting a container with the daemon failed', {
        container: record.ID,
        error: String(err),
      }),
    );
  }
}
