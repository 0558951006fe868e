/**
 * What happens when a container's process ends: its remaining output reaches the log and the
 * attached clients, containerd forgets the task and the container, the rootfs is unmounted,
 * the record says how it ended (exit code, OOM kill, time), `die` is published, waiters are
 * woken, and an `--rm` container is removed.
 */
import type { ProcessExit } from '../../runtime/index.js';
import { setRestarting, setStopped, type ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';
import type { RunningProcess } from './running-process.js';
import { removeContainer } from './remove.js';
import { restartWanted } from './restart-policy.js';
import { scheduleRestart } from './restart.js';
import { PhaseTimer } from './phase-timer.js';
import { unmountVolumes } from '../volumes/index.js';
import { disconnectBridge } from './bridge-endpoint.js';

/** How long exited output may keep arriving (a background child holding stdout open). */
const OUTPUT_GRACE_MS = 2000;

/**
 * Waits for the process's exit and records it. A process the daemon let go of (live restore
 * at shutdown) is no longer watched: the next ladingd records its exit.
 */
export function watchExit(ctx: ManagerContext, record: ContainerRecord, process: RunningProcess): void {
  const { runtime, logger } = ctx.options;
  runtime.wait(record.ID, undefined, process.waitSignal).then(
    (exit) => {
      if (!process.detached) void handleExit(ctx, record, process, exit);
    },
    (err: unknown) => {
      if (process.detached) return;
      // containerd went away mid-wait (it is restarted by the supervisor): ask again.
      logger.warn('waiting for a container failed; retrying', { container: record.ID, error: String(err) });
      setTimeout(() => watchExit(ctx, record, process), 500).unref();
    },
  );
}

async function handleExit(
  ctx: ManagerContext,
  record: ContainerRecord,
  process: RunningProcess,
  exit: ProcessExit,
): Promise<void> {
  const { runtime, layers, logger, publish } = ctx.options;
  const id = record.ID;
  let restart = false;
  let recorded = false;
  await ctx.locks.run(id, async () => {
    // Let go of while this exit waited for the lock: the next ladingd records it.
    if (process.detached) return;
    recorded = true;
    const timer = new PhaseTimer(logger, 'exit', id);
    await process.outputEnded(OUTPUT_GRACE_MS);
    timer.mark('output');
    const warn = (what: string, err: unknown) =>
      logger.warn(`after exit: ${what} failed`, { container: id, error: String(err) });
    const step = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        warn(what, err);
      }
      timer.mark(what.split(' ')[0]!);
    };
    // containerd's cleanup (runc delete, the shim's exit) takes tens of milliseconds and
    // nothing here needs it: it runs on while the container is recorded, and removed with
    // --rm. The next start of this container, and the daemon's shutdown, wait for it.
    const forget = (async () => {
      await runtime.deleteTask(id).catch((err: unknown) => warn('deleting the task', err));
      await runtime
        .deleteContainer(id)
        .catch((err: unknown) => warn('deleting the containerd container', err));
    })();
    ctx.runtimeCleanups.set(id, forget);
    void forget.finally(() => {
      if (ctx.runtimeCleanups.get(id) === forget) ctx.runtimeCleanups.delete(id);
    });
    await step('closing stdio', () => process.close());
    await step('unmounting the rootfs', () => layers.unmount(id));
    await step('unmounting volumes', () => unmountVolumes(ctx, record));
    await step('releasing the network', () => disconnectBridge(ctx, record));
    ctx.running.delete(id);
    ctx.forgetExecs(id);
    const exitInfo = { code: exit.exitStatus, finishedAt: exit.exitedAt, oomKilled: process.oomKilled };
    restart = !record.HostConfig.AutoRemove && restartWanted(record, exit.exitStatus, ctx.shuttingDown);
    if (restart) setRestarting(record, exitInfo);
    else setStopped(record, exitInfo);
    // An --rm container is removed next; its exit state is saved only if that fails.
    if (!record.HostConfig.AutoRemove) await step('saving the record', () => ctx.save(record));
    timer.done();
    publish('die', record, { exitCode: String(exit.exitStatus) });
    ctx.lifecycle.emit(`exit:${id}`, exit.exitStatus);
  });
  if (!recorded) return;
  if (restart) scheduleRestart(ctx, record);
  if (record.HostConfig.AutoRemove) {
    await removeContainer(ctx, record, { force: true, removeVolumes: true }).catch(async (err: unknown) => {
      logger.error('removing an --rm container failed', { container: id, error: String(err) });
      await ctx.save(record).catch(() => undefined);
    });
  }
}
