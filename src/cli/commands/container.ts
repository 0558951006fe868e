/** `lading container …`: the container command group, laid out as docker's. */

import { commandGroup, type CommandGroup } from '../command-group.js';
import type { CliContext } from '../context.js';
import { attachCommand } from './attach.js';
import { containerInspectCommand } from './container-inspect.js';
import { containerPruneCommand } from './container-prune.js';
import { createCommand } from './create.js';
import { execCommand } from './exec.js';
import { killCommand } from './kill.js';
import { logsCommand } from './logs.js';
import { psCommand } from './ps.js';
import { renameCommand } from './rename.js';
import { rmCommand } from './rm.js';
import { runCommand } from './run.js';
import { startCommand } from './start.js';
import { restartCommand, stopCommand } from './stop.js';
import { waitCommand } from './wait.js';
import { pauseCommand } from './pause.js';
import { cpCommand } from './cp.js';
import { exportCommand } from './export.js';
import { diffCommand } from './diff.js';
import { commitCommand } from './commit.js';
import { portCommand } from './port.js';
import { statsCommand } from './stats.js';
import { topCommand } from './top.js';
import { unpauseCommand } from './unpause.js';
import { updateCommand } from './update.js';

export function containerGroup(ctx: CliContext): CommandGroup {
  return commandGroup('container', 'Manage containers', [
    attachCommand(ctx),
    commitCommand(ctx),
    cpCommand(ctx),
    createCommand(ctx),
    diffCommand(ctx),
    execCommand(ctx),
    exportCommand(ctx),
    containerInspectCommand(ctx),
    killCommand(ctx),
    logsCommand(ctx),
    pauseCommand(ctx),
    portCommand(ctx),
    psCommand(ctx, 'ls'),
    containerPruneCommand(ctx),
    renameCommand(ctx),
    restartCommand(ctx),
    rmCommand(ctx, true),
    runCommand(ctx),
    startCommand(ctx),
    statsCommand(ctx),
    stopCommand(ctx),
    topCommand(ctx),
    unpauseCommand(ctx),
    updateCommand(ctx),
    waitCommand(ctx),
  ]);
}
