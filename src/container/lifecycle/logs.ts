/**
 * `docker logs`: the container's json-file log, read behind the live writer when following
 * a running container (the read ends when the process's output has ended and been read).
 */
import type { LogLine } from '../logs/index.js';
import { readContainerLog } from '../logs/index.js';
import type { ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';

export interface LogsRequest {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  tail: string;
  since: number;
  until: number;
}

export function containerLogs(
  ctx: ManagerContext,
  record: ContainerRecord,
  request: LogsRequest,
  signal: AbortSignal,
): AsyncIterable<LogLine> {
  const live = ctx.running.get(record.ID)?.log;
  return readContainerLog(record.HostConfig.LogConfig?.Type ?? 'json-file', {
    path: record.LogPath,
    stdout: request.stdout,
    stderr: request.stderr,
    tail: request.tail,
    since: request.since,
    until: request.until,
    follow: request.follow,
    ...(request.follow && live ? { producer: live } : {}),
    signal,
  });
}
