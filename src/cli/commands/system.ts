/** `lading system …`: docker's system group (df, events, info) plus lading's `check`. */

import { commandGroup, type CommandGroup } from '../command-group.js';
import type { CliContext } from '../context.js';
import { eventsCommand } from './events.js';
import { infoCommand } from './info.js';
import { systemCheckCommand } from './system-check.js';
import { systemDfCommand } from './system-df.js';

export function systemGroup(ctx: CliContext): CommandGroup {
  return commandGroup('system', 'Manage lading', [
    systemCheckCommand(ctx),
    systemDfCommand(ctx),
    eventsCommand(ctx),
    infoCommand(ctx),
  ]);
}
