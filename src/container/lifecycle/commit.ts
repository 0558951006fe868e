/**
 * The container's side of `docker commit`: refuse a dead container or one being removed
 * (dockerd's wording), pause it unless asked not to (a failed pause is ignored, as dockerd
 * ignores it: a stopped container needs none), hand its changes as a layer tar to `use`,
 * and unpause it again whatever happens.
 */
import type { Readable } from 'node:stream';
import { ConflictError } from '../../errors/index.js';
import type { ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';
import { pauseContainer, unpauseContainer } from './observe.js';

export async function snapshotContainer<T>(
  ctx: ManagerContext,
  record: ContainerRecord,
  options: { pause: boolean },
  use: (tar: Readable) => Promise<T>,
): Promise<T> {
  if (record.State.Dead) throw new ConflictError(`You cannot commit container ${record.ID} which is Dead`);
  if (record.State.RemovalInProgress) {
    throw new ConflictError(`You cannot commit container ${record.ID} which is being removed`);
  }
  let paused = false;
  if (options.pause && record.State.Running && !record.State.Paused) {
    paused = await pauseContainer(ctx, record).then(
      () => true,
      () => false,
    );
  }
  try {
    return await use(ctx.options.layers.changesTar(record.ID));
  } finally {
    if (paused) await unpauseContainer(ctx, record).catch(() => undefined);
  }
}
