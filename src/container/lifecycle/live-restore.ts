/**
 * Live restore (daemon.json `live-restore`, as dockerd's): running containers outlive
 * ladingd. At shutdown the daemon lets go of each running process — pending restarts are
 * cancelled, our ends of the FIFOs are closed but the FIFOs stay, the log is flushed and
 * closed, the rootfs stays mounted (the layer store is closed with keepMounts) and the
 * containerd task is left alone. At the next start, each task containerd still has is taken
 * over again: the FIFOs reopened, the log appended to, the mount adopted, the process
 * watched with Tasks.Wait (which answers at once for a process that ended meanwhile, so
 * that exit goes through the normal exit path, restart policy included).
 *
 * Execs that ran are not taken over (dockerd drops them too): they run on inside the
 * container until it stops, and their FIFO directories are removed at start.
 */
import { join } from 'node:path';
import { ProcessFifos, type TaskState } from '../../runtime/index.js';
import type { ContainerRecord } from '../model/index.js';
import { containerSpecInput } from '../spec/index.js';
import { restoreVolumeMounts } from '../volumes/index.js';
import type { ManagerContext } from '../manager-context.js';
import { watchExit } from './exit.js';
import { cancelRestart } from './restart.js';
import { RunningProcess } from './running-process.js';

/** How long the output read so far may take to reach the log and attached clients at shutdown. */
const DETACH_GRACE_MS = 2000;

/** Shutdown with live restore: lets go of every running container, leaving it running. */
export async function detachContainers(ctx: ManagerContext): Promise<void> {
  for (const record of ctx.registry.all()) await cancelRestart(ctx, record);
  await Promise.all(
    ctx.registry.all().map((record) =>
      // Under the container's lock: an exit being recorded, or a start, finishes first.
      ctx.locks.run(record.ID, async () => {
        const process = ctx.running.get(record.ID);
        if (!process) return;
        await process.detach(DETACH_GRACE_MS);
        ctx.running.delete(record.ID);
        ctx.options.logger.info('leaving the container running (live restore)', { container: record.ID });
      }),
    ),
  );
}

/**
 * Takes over the task of a container a previous ladingd left running (or that ended while
 * ladingd was away: its exit is then recorded by the normal exit path). Throws, leaving
 * nothing behind, when the FIFOs cannot be reopened; the caller then stops the task.
 */
export async function reattachContainer(
  ctx: ManagerContext,
  record: ContainerRecord,
  task: TaskState,
): Promise<void> {
  const { layers, logger, fifoDir, cgroupParent, initBinary } = ctx.options;
  const id = record.ID;
  // The rootfs is still mounted: mount() adopts that mount and counts it, so the exit's
  // unmount takes it down.
  const rootfs = await layers.mount(id);
  let process: RunningProcess;
  try {
    process = await RunningProcess.reattach(ctx, record, () =>
      ProcessFifos.reopen(join(fifoDir, id), {
        stdin: record.Config.OpenStdin,
        terminal: record.Config.Tty,
      }),
    );
  } catch (err) {
    await layers.unmount(id);
    throw err;
  }
  // The same goes for the volumes' own filesystems.
  restoreVolumeMounts(ctx, record);
  process.rootfs = rootfs;
  try {
    // What execs start from (start built it; it is not kept on disk).
    process.specInput = containerSpecInput(record, {
      rootfs,
      hostsPath: record.HostsPath,
      hostnamePath: record.HostnamePath,
      resolvConfPath: record.ResolvConfPath,
      cgroupsPath: `${cgroupParent}/${id}`,
      initPath: initBinary,
    });
  } catch (err) {
    logger.warn('re-attached container: its exec settings could not be rebuilt; exec will fail', {
      container: id,
      error: String(err),
    });
  }
  ctx.running.set(id, process);

  const alive = task.status !== 'stopped';
  if (alive) {
    // containerd knows best whether it is paused (a pause or unpause may not have been saved).
    const paused = task.status === 'paused' || task.status === 'pausing';
    if (record.State.Paused !== paused || (task.pid > 0 && record.State.Pid !== task.pid)) {
      record.State.Paused = paused;
      if (task.pid > 0) record.State.Pid = task.pid;
      await ctx.save(record);
    }
    logger.info('re-attached to a container left running (live restore)', {
      container: id,
      pid: task.pid,
      paused,
    });
  } else {
    logger.info('container exited while ladingd was away; recording its exit', {
      container: id,
      exitCode: task.exitStatus,
    });
  }
  watchExit(ctx, record, process);
}
