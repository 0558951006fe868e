/**
 * A container's state and the ways it changes, with Docker's rules (moby container/state.go):
 * Running, Paused and Restarting are not exclusive (a paused or restarting container is also
 * "running"), so the Status shown is chosen by precedence: paused > restarting > running >
 * removing > dead > created (never started) > exited.
 *
 * The transitions mutate the record's State in place; the caller persists the record.
 */
import type { ContainerState } from '../../api/types/index.js';
import { ZERO_TIME, type ContainerRecord, type StateRecord } from './container-record.js';
import { goTimeMs, isZeroTime, nowGoTime } from './go-time.js';
import { humanDuration } from './human-duration.js';

export function newState(): StateRecord {
  return {
    Running: false,
    Paused: false,
    Restarting: false,
    OOMKilled: false,
    RemovalInProgress: false,
    Dead: false,
    Pid: 0,
    ExitCode: 0,
    Error: '',
    StartedAt: ZERO_TIME,
    FinishedAt: ZERO_TIME,
  };
}

/** How a process ended, as observed from containerd's exit and OOM events. */
export interface ExitInfo {
  code: number;
  oomKilled?: boolean;
  /** The last error (a failed start, a failed stop); "" clears it. */
  error?: string;
  /** RFC 3339 nano; now when absent. */
  finishedAt?: string;
}

/** The task started: running with this pid, last exit and error cleared. */
export function setRunning(record: ContainerRecord, pid: number, startedAt: string = nowGoTime()): void {
  const state = record.State;
  state.Error = '';
  state.Running = true;
  state.Paused = false;
  state.Restarting = false;
  state.ExitCode = 0;
  state.Pid = pid;
  state.OOMKilled = false;
  state.StartedAt = startedAt;
  record.HasBeenStartedBefore = true;
}

/** The process ended (or never started: pass the start error). */
export function setStopped(record: ContainerRecord, exit: ExitInfo): void {
  const state = record.State;
  state.Running = false;
  state.Paused = false;
  state.Restarting = false;
  state.Pid = 0;
  state.FinishedAt = exit.finishedAt ?? nowGoTime();
  state.ExitCode = exit.code;
  if (exit.oomKilled !== undefined) state.OOMKilled = exit.oomKilled;
  if (exit.error !== undefined) state.Error = exit.error;
}

/** Exited and about to be restarted by its restart policy: still counted as running. */
export function setRestarting(record: ContainerRecord, exit: ExitInfo): void {
  const state = record.State;
  state.Running = true;
  state.Restarting = true;
  state.Paused = false;
  state.Pid = 0;
  state.FinishedAt = exit.finishedAt ?? nowGoTime();
  state.ExitCode = exit.code;
  if (exit.oomKilled !== undefined) state.OOMKilled = exit.oomKilled;
  if (exit.error !== undefined) state.Error = exit.error;
}

export function setPaused(record: ContainerRecord, paused = true): void {
  record.State.Paused = paused;
}

/**
 * Marks the container as being removed. Returns true when it already was (a second `rm`
 * must fail rather than race the first).
 */
export function setRemovalInProgress(record: ContainerRecord, inProgress = true): boolean {
  const already = record.State.RemovalInProgress;
  record.State.RemovalInProgress = inProgress;
  return already && inProgress;
}

/** Removal failed part way: Docker marks the container Dead so a restart cleans it up. */
export function setDead(record: ContainerRecord): void {
  record.State.Dead = true;
}

export function setError(record: ContainerRecord, error: string): void {
  record.State.Error = error;
}

/** inspect's State.Status. */
export function stateStatus(state: StateRecord): ContainerState['Status'] {
  if (state.Running) {
    if (state.Paused) return 'paused';
    if (state.Restarting) return 'restarting';
    return 'running';
  }
  if (state.RemovalInProgress) return 'removing';
  if (state.Dead) return 'dead';
  if (isZeroTime(state.StartedAt)) return 'created';
  return 'exited';
}

/** inspect's State object, in dockerd's field order. */
export function inspectState(record: ContainerRecord): ContainerState {
  const state = record.State;
  return {
    Status: stateStatus(state),
    Running: state.Running,
    Paused: state.Paused,
    Restarting: state.Restarting,
    OOMKilled: state.OOMKilled,
    Dead: state.Dead,
    Pid: state.Pid,
    ExitCode: state.ExitCode,
    Error: state.Error,
    StartedAt: state.StartedAt,
    FinishedAt: state.FinishedAt,
  };
}

/** `docker ps` STATUS, exactly as Docker words it, as of `now` (ms since the epoch). */
export function statusString(record: ContainerRecord, now: number = Date.now()): string {
  const state = record.State;
  const since = (time: string): string => humanDuration(now - goTimeMs(time));
  if (state.Running) {
    if (state.Paused) return `Up ${since(state.StartedAt)} (Paused)`;
    if (state.Restarting) return `Restarting (${state.ExitCode}) ${since(state.FinishedAt)} ago`;
    return `Up ${since(state.StartedAt)}`;
  }
  if (state.RemovalInProgress) return 'Removal In Progress';
  if (state.Dead) return 'Dead';
  if (isZeroTime(state.StartedAt)) return 'Created';
  if (isZeroTime(state.FinishedAt)) return '';
  return `Exited (${state.ExitCode}) ${since(state.FinishedAt)} ago`;
}
