/** `lading image …`: the image command group, laid out as docker's. */

import { commandGroup, type CommandGroup } from '../command-group.js';
import type { CliContext } from '../context.js';
import { historyCommand } from './history.js';
import { imageInspectCommand } from './image-inspect.js';
import { imagePruneCommand } from './image-prune.js';
import { imagesCommand } from './images.js';
import { importCommand } from './import.js';
import { loadCommand } from './load.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { rmiCommand } from './rmi.js';
import { saveCommand } from './save.js';
import { tagCommand } from './tag.js';

export function imageGroup(ctx: CliContext): CommandGroup {
  return commandGroup('image', 'Manage images', [
    historyCommand(ctx),
    importCommand(ctx),
    imageInspectCommand(ctx),
    loadCommand(ctx),
    imagesCommand(ctx, 'ls'),
    imagePruneCommand(ctx),
    pullCommand(ctx),
    pushCommand(ctx),
    rmiCommand(ctx, 'rm'),
    saveCommand(ctx),
    tagCommand(ctx),
  ]);
}
