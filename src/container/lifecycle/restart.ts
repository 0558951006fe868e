/**
 * Restarts by policy: scheduled after an exit with the policy's back-off, cancelled by a
 * stop, a removal or the daemon's shutdown. A restart that fails to start leaves the
 * container exited with the error, as dockerd does.
 */
import { setStopped, type ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';
import { nextRestartDelay } from './restart-policy.js';
import { startContainer } from './start.js';

export function scheduleRestart(ctx: ManagerContext, record: ContainerRecord): void {
  const id = record.ID;
  const delayMs = nextRestartDelay(ctx.restartDelays.get(id), record);
  ctx.restartDelays.set(id, delayMs);
  const timer = setTimeout(() => {
    ctx.pendingRestarts.delete(id);
    record.RestartCount += 1;
    startContainer(ctx, record).catch(async (err: unknown) => {
      ctx.options.logger.error('restarting a container failed', { container: id, error: String(err) });
      if (record.State.Restarting) {
        setStopped(record, { code: record.State.ExitCode, error: String(err) });
        await ctx.save(record).catch(() => undefined);
      }
    });
  }, delayMs);
  ctx.pendingRestarts.set(id, timer);
}

/** Drops a pending restart; a container waiting for one is then simply exited. Returns whether one was pending. */
export async function cancelRestart(ctx: ManagerContext, record: ContainerRecord): Promise<boolean> {
  const timer = ctx.pendingRestarts.get(record.ID);
  if (timer === undefined) return false;
  clearTimeout(timer);
  ctx.pendingRestarts.delete(record.ID);
  if (record.State.Restarting) {
    setStopped(record, { code: record.State.ExitCode, finishedAt: record.State.FinishedAt });
    await ctx.save(record);
  }
  return true;
}
