/**
 * What a failed start means to the user. runc's message travels up through the shim and
 * containerd; Docker keeps it whole, turns "command not found" and "not executable" into a
 * bad-request error, and records the exit code the docker CLI then exits with (127 and 126,
 * as a shell would). Anything else is the daemon's failure (500).
 */
import { InvalidArgumentError, SystemError } from '../../errors/index.js';

export const EXIT_COMMAND_NOT_FOUND = 127;
export const EXIT_CANNOT_INVOKE = 126;
/** What the record shows for a start that failed for another reason, as Docker. */
export const EXIT_START_FAILED = 128;

/** Marks an error that came from containerd/runc while creating or starting the process. */
export class RuntimeStartError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

export function fromRuntime(err: unknown): err is RuntimeStartError {
  return err instanceof RuntimeStartError;
}

export interface StartFailure {
  error: Error;
  exitCode: number;
}

/** `prefix`: dockerd's words before runc's for a container start; an exec's error has none. */
export function translateStartError(
  err: unknown,
  prefix = 'failed to create task for container: ',
): StartFailure {
  const message = `${prefix}${err instanceof Error ? err.message : String(err)}`;
  const lower = message.toLowerCase();
  if (lower.includes('executable file not found') || lower.includes('no such file or directory')) {
    return { error: new InvalidArgumentError(message, { cause: err }), exitCode: EXIT_COMMAND_NOT_FOUND };
  }
  if (lower.includes('permission denied')) {
    return { error: new InvalidArgumentError(message, { cause: err }), exitCode: EXIT_CANNOT_INVOKE };
  }
  if (lower.includes('not a directory')) {
    return {
      error: new InvalidArgumentError(
        `${message}: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type`,
        { cause: err },
      ),
      exitCode: EXIT_COMMAND_NOT_FOUND,
    };
  }
  return { error: new SystemError(message, { cause: err }), exitCode: EXIT_START_FAILED };
}
