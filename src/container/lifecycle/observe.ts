/**
 * pause/unpause (the cgroup freezer, through containerd), top (the host's ps over the
 * container's pids) and stats (its cgroup files), with dockerd's refusals and events.
 */
import {
  alreadyPausedError,
  cgroupStats,
  emptyStats,
  notPausedError,
  notRunningError,
  restartingError,
  topProcesses,
  validatePsArgs,
  type TopResult,
} from '../observe/index.js';
import { setPaused, type ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';

function requireRunning(ctx: ManagerContext, record: ContainerRecord): void {
  if (record.State.Restarting) throw restartingError(record.ID);
  if (!record.State.Running || !ctx.running.has(record.ID)) throw notRunningError(record.ID);
}

export function pauseContainer(ctx: ManagerContext, record: ContainerRecord): Promise<void> {
  return ctx.locks.run(record.ID, async () => {
    requireRunning(ctx, record);
    if (record.State.Paused) throw alreadyPausedError(record.ID);
    await ctx.options.runtime.pause(record.ID);
    setPaused(record, true);
    await ctx.save(record);
    ctx.options.publish('pause', record);
  });
}

export function unpauseContainer(ctx: ManagerContext, record: ContainerRecord): Promise<void> {
  return ctx.locks.run(record.ID, async () => {
    if (!record.State.Paused) throw notPausedError(record.ID);
    await ctx.options.runtime.resume(record.ID);
    setPaused(record, false);
    await ctx.save(record);
    ctx.options.publish('unpause', record);
  });
}

export async function containerTop(
  ctx: ManagerContext,
  record: ContainerRecord,
  psArgs: string,
): Promise<TopResult> {
  requireRunning(ctx, record);
  const result = await topProcesses(await ctx.options.runtime.pids(record.ID), psArgs);
  ctx.options.publish('top', record);
  return result;
}

export { validatePsArgs };

/** A sampler over the container's cgroup; a stopped container gives dockerd's zero sample. */
export function containerStats(ctx: ManagerContext, record: ContainerRecord) {
  const name = record.Name;
  return {
    get running(): boolean {
      return record.State.Running && ctx.running.has(record.ID);
    },
    sample: async (previous: object | undefined): Promise<object> =>
      record.State.Running && ctx.running.has(record.ID)
        ? cgroupStats(`${ctx.options.cgroupParent}/${record.ID}`, previous as never, { name, id: record.ID })
        : emptyStats(name, record.ID),
  };
}
