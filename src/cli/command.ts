/**
 * A commander Command whose parse errors read like the docker CLI's (cobra/pflag) and carry
 * docker's exit codes, instead of commander's "error: unknown option '--x'" and exit 1:
 *
 *   unknown flag: --bogus                      exit 125
 *   unknown shorthand flag: 'x' in -x          exit 125
 *   flag needs an argument: --format           exit 125
 *   invalid argument "x" for "-f, --filter" flag: …   exit 125
 *   lading: 'lading version' accepts no arguments     exit 1
 *
 * each followed by the usage line and "Run '<cmd> --help' for more information".
 */

import { Command, type Option } from 'commander';
import { EXIT_FAILURE, EXIT_USAGE, StatusError } from './cli-error.js';

export const BIN = 'lading';

export class LadingCommand extends Command {
  override createCommand(name?: string): LadingCommand {
    return new LadingCommand(name);
  }

  /** docker's usage line: `lading version [OPTIONS]`, root `lading [OPTIONS] COMMAND`. */
  usageLine(): string {
    return `${this.commandPath()} ${this.usage()}`.trim();
  }

  commandPath(): string {
    const names = [this.name()];
    for (let c = this.parent; c; c = c.parent) names.unshift(c.name());
    return names.join(' ');
  }

  usageError(message: string, exitCode = EXIT_USAGE): StatusError {
    return new StatusError(
      `${message}\n\nUsage:  ${this.usageLine()}\n\nRun '${this.commandPath()} --help' for more information`,
      exitCode,
    );
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    throw this.translate(message, errorOptions?.code);
  }

  private translate(message: string, code: string | undefined): StatusError {
    switch (code) {
      case 'commander.unknownOption': {
        const flag = /unknown option '([^']*)'/.exec(message)?.[1] ?? '';
        const text = flag.startsWith('--')
          ? `unknown flag: ${flag.split('=')[0]}`
          : `unknown shorthand flag: '${flag.charAt(1)}' in ${flag}`;
        return this.usageError(text);
      }
      case 'commander.optionMissingArgument': {
        const flags = /option '([^']*)'/.exec(message)?.[1] ?? '';
        const long = /--[\w-]+/.exec(flags)?.[0] ?? flags;
        return this.usageError(`flag needs an argument: ${long}`);
      }
      case 'commander.invalidArgument':
        // commander prefixes "option '…' argument '…' is invalid. "; the parser's text is pflag's.
        return this.usageError(
          message.replace(/^error: /, '').replace(/^option '.*?' argument '.*?' is invalid\. /, ''),
        );
      case 'commander.excessArguments':
        return this.usageError(`${BIN}: '${this.commandPath()}' accepts no arguments`, EXIT_FAILURE);
      case 'commander.unknownCommand': {
        const name = /unknown command '([^']*)'/.exec(message)?.[1] ?? '';
        return unknownCommand(this, name);
      }
      default:
        return new StatusError(message.replace(/^error: /, ''), EXIT_FAILURE);
    }
  }
}

/** docker: `docker: unknown command: docker foo` + a hint, exit 1. */
export function unknownCommand(cmd: LadingCommand, name: string): StatusError {
  const path = cmd.commandPath();
  return new StatusError(
    `${BIN}: unknown command: ${path} ${name}\n\nRun '${path} --help' for more information`,
    EXIT_FAILURE,
  );
}

/**
 * pflag's wording for a flag value its parser rejected:
 * `invalid argument "x" for "-f, --filter" flag: <reason>`.
 */
export function invalidFlagValue(option: Option, value: string, reason: string): string {
  const flags = option.flags.replace(/\s*[<[].*$/, '');
  return `invalid argument "${value}" for "${flags}" flag: ${reason}`;
}
