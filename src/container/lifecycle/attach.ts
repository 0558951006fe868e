/**
 * `docker attach` and the attach `docker run` makes before start: replay the log first when
 * asked (`logs=1`), then join the container's stdio hub, which waits for the next start when
 * the container is not running yet. Detach keys are checked before the connection is hijacked.
 */
import { ConflictError } from '../../errors/index.js';
import { parseDetachKeys, type AttachClient } from '../io/index.js';
import { readContainerLog, replayLog } from '../logs/index.js';
import type { ContainerRecord } from '../model/index.js';
import type { ProcessSession } from '../attach-session.js';
import type { ManagerContext } from '../manager-context.js';

export interface AttachRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  stream: boolean;
  logs: boolean;
  detachKeys: string;
}

export function attachContainer(
  ctx: ManagerContext,
  record: ContainerRecord,
  request: AttachRequest,
): ProcessSession {
  if (record.State.Paused)
    throw new ConflictError('You cannot attach to a paused container, unpause it first');
  if (record.State.Restarting) {
    throw new ConflictError('You cannot attach to a restarting container, wait until it is running');
  }
  const detachKeys = parseDetachKeys(request.detachKeys || undefined);
  return {
    tty: record.Config.Tty,
    run: async (streams: AttachClient, signal: AbortSignal) => {
      const client: AttachClient = {
        ...(request.stdin && record.Config.OpenStdin && streams.stdin ? { stdin: streams.stdin } : {}),
        ...(request.stdout && streams.stdout ? { stdout: streams.stdout } : {}),
        ...(request.stderr && streams.stderr ? { stderr: streams.stderr } : {}),
      };
      if (request.logs && record.LogPath !== '') {
        const lines = readContainerLog(record.HostConfig.LogConfig?.Type ?? 'json-file', {
          path: record.LogPath,
          stdout: request.stdout,
          stderr: request.stderr,
          tail: 'all',
          since: 0,
          until: 0,
          follow: false,
          signal,
        });
        await replayLog(lines, client);
      }
      if (!request.stream) return;
      ctx.options.publish('attach', record);
      const handle = ctx.hub(record).attach(client, { detachKeys, signal });
      const end = await handle.done;
      if (end === 'detached') ctx.options.publish('detach', record);
    },
  };
}
