/**
 * Start and shutdown of the daemon for containers. Without live restore (issue 6), a
 * container never outlives its ladingd: shutdown stops every running container (stop signal,
 * then SIGKILL, all at once, as dockerd does), and a start after a crash kills what is left
 * of the tasks, unmounts, and records the containers as exited.
 */
import { nowGoTime, setStopped, type ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';
import { stopContainer } from './stop.js';
import { cancelRestart } from './restart.js';
import { startsWithDaemon } from './restart-policy.js';
import { startContainer } from './start.js';

/** dockerd's shutdown-timeout: how long a container may take to stop when the daemon stops. */
const SHUTDOWN_STOP_TIMEOUT_SECONDS = 10;
const SIGKILL = 9;

export async function recoverContainers(ctx: ManagerContext, records: ContainerRecord[]): Promise<void> {
  const { runtime, layers, logger } = ctx.options;
  for (const record of records) {
    if (!record.State.Running && !record.State.Paused) continue;
    const id = record.ID;
    let exitCode = 255;
    let finishedAt = nowGoTime();
    try {
      const state = await runtime.state(id);
      if (state.status !== 'stopped') {
        await runtime.kill(id, SIGKILL, { all: true });
        const exit = await runtime.wait(id);
        exitCode = exit.exitStatus;
        finishedAt = exit.exitedAt;
      } else {
        exitCode = state.exitStatus;
        finishedAt = state.exitedAt;
      }
    } catch {
      // No task left: containerd restarted too. The exit status is lost, as with dockerd.
    }
    await runtime.deleteTask(id).catch(() => undefined);
    await runtime.deleteContainer(id).catch(() => undefined);
    await layers.unmount(id).catch(() => undefined);
    setStopped(record, { code: exitCode, finishedAt });
    await ctx.save(record);
    logger.info('container was running when ladingd stopped; recorded as exited', {
      container: id,
      exitCode,
    });
  }
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
