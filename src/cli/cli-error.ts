/**
 * Errors that end a command with a specific exit status, like the docker CLI's StatusError.
 *
 * docker's exit codes: 0 success; 1 for daemon errors and most failures; 125 for flag/usage
 * errors; 64 for a `--format` that does not parse (version, info, events); 128+n after signal n.
 */

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 125;
export const EXIT_BAD_FORMAT = 64;

export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Ends the command with exit status 128+signal and prints nothing, as docker on Ctrl-C. */
export class SignalExit extends StatusError {
  constructor(signal: NodeJS.Signals) {
    const numbers: Partial<Record<NodeJS.Signals, number>> = {
      SIGINT: 2,
      SIGTERM: 15,
      SIGHUP: 1,
      SIGQUIT: 3,
    };
    super('', 128 + (numbers[signal] ?? 0));
  }
}
