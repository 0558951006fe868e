/**
 * dockerd's refusals for pause, unpause, top and stats, in its wording (409 Conflict), for the
 * manager to throw after it has looked the container up.
 */
import { ConflictError } from '../../errors/index.js';

export function notRunningError(id: string): ConflictError {
  return new ConflictError(`container ${id} is not running`);
}

export function alreadyPausedError(id: string): ConflictError {
  return new ConflictError(`container ${id} is already paused`);
}

export function notPausedError(id: string): ConflictError {
  return new ConflictError(`container ${id} is not paused`);
}

export function restartingError(id: string): ConflictError {
  return new ConflictError(`Container ${id} is restarting, wait until the container is running`);
}
