/**
 * `lading volume create [-d DRIVER] [--label k=v] [-o k=v] [VOLUME]`: POST /volumes/create,
 * then the volume's name on stdout. Without a name the daemon picks a random one (and marks
 * the volume anonymous, so `volume prune` takes it), as dockerd does.
 */

import { InvalidArgumentError, Option } from 'commander';
import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { invalidFlagValue, LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import type { Volume, VolumeCreateRequest } from '../../api/types/index.js';

const WHITESPACE = ' \t\n\v\f\r';

/** docker's opts.ValidateLabel. */
export function validateLabel(value: string): string {
  const eq = value.indexOf('=');
  const key = (eq < 0 ? value : value.slice(0, eq)).replace(/^[ \t\n\v\f\r]+/, '');
  if (key === '') throw new Error(`invalid label '${value}': empty name`);
  if ([...key].some((c) => WHITESPACE.includes(c))) throw new Error(`label '${key}' contains whitespaces`);
  return value;
}

/** `key=value` (or a bare `key`, meaning an empty value) into a map, later keys winning. */
export function toStringMap(values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    map[eq < 0 ? value : value.slice(0, eq)] = eq < 0 ? '' : value.slice(eq + 1);
  }
  return map;
}

function repeatable(flags: string, description: string, validate?: (value: string) => string): Option {
  const option = new Option(flags, description);
  option.argParser((value: string, previous: string[] | undefined) => {
    if (validate) {
      try {
        validate(value);
      } catch (err) {
        throw new InvalidArgumentError(invalidFlagValue(option, value, (err as Error).message));
      }
    }
    return [...(previous ?? []), value];
  });
  return option;
}

interface CreateOptions {
  driver: string;
  name?: string;
  opt?: string[];
  label?: string[];
}

export function volumeCreateCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('create');
  return cmd
    .usage('[OPTIONS] [VOLUME]')
    .description('Create a volume')
    .argument('[args...]')
    .option('-d, --driver <string>', 'Specify volume driver name', 'local')
    .addOption(repeatable('--label <list>', 'Set metadata for a volume', validateLabel))
    .addOption(new Option('--name <string>', 'Specify volume name').hideHelp())
    .addOption(repeatable('-o, --opt <map>', 'Set driver specific options'))
    .action(async (args: string[], opts: CreateOptions) => {
      cmd.checkArgs(args, { max: 1 });
      let name = opts.name ?? '';
      if (args.length === 1) {
        if (name !== '') {
          throw new StatusError(
            'conflicting options: cannot specify a volume-name through both --name and as a positional arg',
            EXIT_FAILURE,
          );
        }
        name = args[0] as string;
      }
      // Empty fields are left out, as the docker CLI's omitempty does.
      const body: VolumeCreateRequest = {};
      if (opts.driver !== '') body.Driver = opts.driver;
      const driverOpts = toStringMap(opts.opt ?? []);
      if (Object.keys(driverOpts).length > 0) body.DriverOpts = driverOpts;
      const labels = toStringMap(opts.label ?? []);
      if (Object.keys(labels).length > 0) body.Labels = labels;
      if (name !== '') body.Name = name;
      const volume = await ctx.client().json<Volume>('POST', '/volumes/create', {
        body,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      ctx.stdout.write(`${volume?.Name ?? name}\n`);
    }) as LadingCommand;
}
