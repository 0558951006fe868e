/**
 * `docker rm`: refuses a running container unless forced (then kills it first), then removes
 * the read-write and init layers, `containers/<id>/` with its log, and the name, and releases
 * its volumes (removing the anonymous ones with `-v`). `destroy` is
 * published and `wait --condition removed` waiters are woken.
 */
import { ConflictError } from '../../errors/index.js';
import { setRemovalInProgress, type ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';
import { nextExit, signalContainer } from './stop.js';
import { SIGKILL } from '../process/signals.js';
import { PhaseTimer } from './phase-timer.js';
import { cancelRestart } from './restart.js';
import { releaseVolumes } from '../volumes/index.js';
import { disconnectBridge } from './bridge-endpoint.js';

export interface RemoveOptions {
  force: boolean;
  removeVolumes: boolean;
}

export async function removeContainer(
  ctx: ManagerContext,
  record: ContainerRecord,
  options: RemoveOptions,
): Promise<void> {
  const id = record.ID;
  if (record.State.Restarting && !options.force) {
    throw new ConflictError(
      `cannot remove container "${record.Name}": container is restarting: stop the container before removing or force remove`,
    );
  }
  await cancelRestart(ctx, record);
  if (record.State.Running) {
    if (!options.force) {
      throw new ConflictError(
        `cannot remove container "${record.Name}": container is running: stop the container before removing or force remove`,
      );
    }
    const exited = nextExit(ctx, record);
    await signalContainer(ctx, record, SIGKILL).catch(() => undefined);
    if (record.State.Running) await exited;
  }
  await ctx.locks.run(id, async () => {
    if (ctx.registry.byFullId(id) === undefined) return; // removed meanwhile (an --rm exit)
    if (setRemovalInProgress(record)) {
      throw new ConflictError(`removal of container ${record.Name.slice(1)} is already in progress`);
    }
    const timer = new PhaseTimer(ctx.options.logger, 'remove', id);
    try {
      // Normally released at exit already (which clears SandboxID); this catches an exit
      // whose release failed.
      if (record.NetworkSettings.SandboxID !== '')
        await disconnectBridge(ctx, record).catch((err: unknown) =>
          ctx.options.logger.warn('releasing the network of a removed container failed', {
            container: id,
            error: String(err),
          }),
        );
      await ctx.options.layers.removeRWLayer(id);
      timer.mark('layers');
      await ctx.store.remove(id);
      timer.mark('record');
      timer.done();
    } catch (err) {
      setRemovalInProgress(record, false);
      throw err;
    }
    ctx.registry.delete(id);
    // As dockerd, after the container is gone: a volume that cannot be removed is logged.
    await releaseVolumes(ctx, record, options.removeVolumes);
    ctx.forgetHub(id);
    ctx.restartDelays.delete(id);
    ctx.options.publish('destroy', record);
    ctx.lifecycle.emit(`removed:${id}`);
  });
}
