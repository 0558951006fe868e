/**
 * Restart policies (`--restart no|always|unless-stopped|on-failure[:N]`) with Docker's
 * back-off: the first restart waits 100 ms, each next one twice as long, at most a minute; a
 * container that ran for 10 s or more starts again from 100 ms. A container stopped by a user
 * (`stop`, `kill` leading to an exit is not a stop) or by the daemon's shutdown is not restarted.
 */
import type { ContainerRecord } from '../model/index.js';
import { goTimeMs } from '../model/index.js';

const INITIAL_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const RESET_AFTER_RUNNING_MS = 10_000;

export interface PendingRestart {
  timer: NodeJS.Timeout;
  delayMs: number;
}

/** Whether the policy asks for a restart after this exit. */
export function restartWanted(record: ContainerRecord, exitCode: number, shuttingDown: boolean): boolean {
  if (shuttingDown || record.HasBeenManuallyStopped) return false;
  const policy = record.HostConfig.RestartPolicy ?? { Name: 'no', MaximumRetryCount: 0 };
  switch (policy.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return (
        exitCode !== 0 && (policy.MaximumRetryCount === 0 || record.RestartCount < policy.MaximumRetryCount)
      );
    default:
      return false;
  }
}

/** The wait before the next restart, from the last one's and how long the container ran. */
export function nextRestartDelay(previousDelayMs: number | undefined, record: ContainerRecord): number {
  const ranMs = goTimeMs(record.State.FinishedAt) - goTimeMs(record.State.StartedAt);
  if (previousDelayMs === undefined || ranMs >= RESET_AFTER_RUNNING_MS) return INITIAL_DELAY_MS;
  return Math.min(previousDelayMs * 2, MAX_DELAY_MS);
}

/** Whether the daemon starts this container when it starts itself. */
export function startsWithDaemon(record: ContainerRecord): boolean {
  const name = record.HostConfig.RestartPolicy?.Name ?? 'no';
  return name === 'always' || (name === 'unless-stopped' && !record.HasBeenManuallyStopped);
}
