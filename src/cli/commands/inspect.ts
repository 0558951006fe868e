/**
 * `lading inspect [--type TYPE] [-f FORMAT] NAME|ID...`: docker's generic inspect. Without
 * --type each name is looked up as a container, an image, a network, a volume, then a plugin;
 * "not found" (and "not supported", "invalid reference format") answers move on to the next
 * kind, and a name nothing knows is `Error: No such object: NAME`. Swarm kinds are only
 * reachable with --type, as lading is never a swarm manager.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { EngineError } from '../engine-client.js';
import { inspectAll } from '../inspect-output.js';
import { INSPECT_FORMAT_HELP } from '../list-output.js';

const ALL_TYPES = [
  'config',
  'container',
  'image',
  'network',
  'node',
  'plugin',
  'secret',
  'service',
  'task',
  'volume',
];

/** The order docker tries kinds in when no --type is given. */
const AUTODETECT = ['container', 'image', 'network', 'volume', 'plugin'];

function pathFor(type: string, ref: string, size: boolean): { path: string; query?: Record<string, string> } {
  switch (type) {
    case 'container':
      return { path: `/containers/${ref}/json`, ...(size ? { query: { size: '1' } } : {}) };
    case 'image':
      return { path: `/images/${ref}/json` };
    case 'plugin':
      return { path: `/plugins/${ref}/json` };
    default:
      return { path: `/${type}s/${ref}` };
  }
}

function skippable(err: unknown): boolean {
  if (!(err instanceof EngineError)) return false;
  return (
    err.status === 404 ||
    err.message.includes('not supported') ||
    err.message.includes('invalid reference format')
  );
}

interface InspectOptions {
  format?: string;
  type?: string;
  size?: boolean;
}

export function inspectCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('inspect');
  return cmd
    .usage('[OPTIONS] NAME|ID [NAME|ID...]')
    .description('Return low-level information on lading objects')
    .argument('[names...]')
    .option('-f, --format <string>', INSPECT_FORMAT_HELP)
    .option('-s, --size', 'Display total file sizes if the type is container')
    .option('--type <string>', 'Only inspect objects of the given type')
    .action(async (names: string[], opts: InspectOptions) => {
      cmd.checkArgs(names, { min: 1 });
      const type = opts.type;
      if (type !== undefined && !ALL_TYPES.includes(type)) {
        const list = ALL_TYPES.join('", "');
        throw new StatusError(
          type === ''
            ? `type is empty: must be one of "${list}"`
            : `unknown type: "${type}": must be one of "${list}"`,
          EXIT_FAILURE,
        );
      }
      const kinds = type !== undefined ? [type] : AUTODETECT;
      const size = opts.size === true;
      await inspectAll(ctx.stdout, names, opts.format ?? '', async (ref) => {
        for (const kind of kinds) {
          const { path, query } = pathFor(kind, ref, size);
          try {
            const res = await ctx.client().request('GET', path, {
              ...(query ? { query } : {}),
              ...(ctx.signal ? { signal: ctx.signal } : {}),
            });
            if (size && kind !== 'container') ctx.stderr.write(`WARNING: --size ignored for ${kind}\n`);
            return res.body.toString('utf8');
          } catch (err) {
            if (type === undefined && skippable(err)) continue;
            throw err;
          }
        }
        throw new Error(`Error: No such object: ${ref}`);
      });
    }) as LadingCommand;
}
