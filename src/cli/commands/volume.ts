/** `lading volume …`: the volume command group, laid out as docker's. */

import { commandGroup, type CommandGroup } from '../command-group.js';
import type { CliContext } from '../context.js';
import { volumeCreateCommand } from './volume-create.js';
import { volumeInspectCommand } from './volume-inspect.js';
import { volumeLsCommand } from './volume-ls.js';
import { volumePruneCommand } from './volume-prune.js';
import { volumeRmCommand } from './volume-rm.js';

export function volumeGroup(ctx: CliContext): CommandGroup {
  return commandGroup('volume', 'Manage volumes', [
    volumeCreateCommand(ctx),
    volumeInspectCommand(ctx),
    volumeLsCommand(ctx),
    volumePruneCommand(ctx),
    volumeRmCommand(ctx),
  ]);
}
