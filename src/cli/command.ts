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

import { Command, type Option, type ParseOptionsResult } from 'commander';
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

  /**
   * pflag lets a boolean flag take an explicit value (`-H=false`, `--all=true`); commander does
   * not, so such tokens are rewritten to the flag, its `--no-` form, or nothing.
   */
  override parseOptions(args: string[]): ParseOptionsResult {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === '--') {
        out.push(...args.slice(i));
        break;
      }
      const m = /^(--[^=]+|-[A-Za-z0-9])=(.*)$/.exec(arg);
      const option = m
        ? this.options.find((o) => (o.long === m[1] || o.short === m[1]) && o.isBoolean() && !o.negate)
        : undefined;
      if (!m || !option) {
        out.push(arg);
        continue;
      }
      const value = parseGoBool(m[2] as string);
      if (value === undefined) {
        throw this.usageError(
          invalidFlagValue(option, m[2] as string, `strconv.ParseBool: parsing "${m[2]}": invalid syntax`),
        );
      }
      if (value) out.push(m[1] as string);
      else {
        const negated = this.options.find((o) => o.negate && o.long === `--no-${option.long?.slice(2)}`);
        if (negated?.long) out.push(negated.long);
      }
    }
    return super.parseOptions(out);
  }

  /**
   * cobra's positional-argument checks, with docker's wording and exit status 1:
   * `lading: 'lading history' requires 1 argument`, `… requires at least 1 argument` (followed
   * by "See '… --help'", as docker), `… requires at most 1 argument`, `… accepts no arguments`.
   */
  checkArgs(args: readonly string[], rule: { exact?: number; min?: number; max?: number }): void {
    const path = this.commandPath();
    const plural = (n: number): string => (n === 1 ? 'argument' : 'arguments');
    const fail = (text: string, see = 'Run'): never => {
      throw new StatusError(
        `${BIN}: '${path}' ${text}\n\nUsage:  ${this.usageLine()}\n\n${see} '${path} --help' for more information`,
        EXIT_FAILURE,
      );
    };
    if (rule.exact !== undefined && args.length !== rule.exact) {
      fail(rule.exact === 0 ? 'accepts no arguments' : `requires ${rule.exact} ${plural(rule.exact)}`);
    }
    if (rule.min !== undefined && args.length < rule.min) {
      fail(`requires at least ${rule.min} ${plural(rule.min)}`, 'See');
    }
    if (rule.max !== undefined && args.length > rule.max) {
      fail(`requires at most ${rule.max} ${plural(rule.max)}`);
    }
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

/** Go's strconv.ParseBool. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/**
 * pflag's wording for a flag value its parser rejected:
 * `invalid argument "x" for "-f, --filter" flag: <reason>`.
 */
export function invalidFlagValue(option: Option, value: string, reason: string): string {
  const flags = option.flags.replace(/\s*[<[].*$/, '');
  return `invalid argument "${value}" for "${flags}" flag: ${reason}`;
}
