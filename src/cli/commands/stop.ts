/**
 * `lading stop [-s SIGNAL] [-t SECONDS] CONTAINER...` and `lading restart [-s] [-t] …`:
 * POST /containers/{id}/stop|restart with `signal=` and `t=` only when given, printing each
 * name that succeeded and each failure on its own line (exit 1 if any failed), as docker.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-session.js';
import { intOption } from '../int-option.js';

interface StopOptions {
  signal?: string;
  timeout?: number;
}

function lifecycleCommand(ctx: CliContext, action: 'stop' | 'restart'): LadingCommand {
  const cmd = new LadingCommand(action);
  return cmd
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description(action === 'stop' ? 'Stop one or more running containers' : 'Restart one or more containers')
    .argument('[containers...]')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .addOption(intOption('-t, --timeout <int>', 'Seconds to wait before killing the container'))
    .action(async (names: string[], opts: StopOptions) => {
      cmd.checkArgs(names, { min: 1 });
      const query: Record<string, string> = {};
      if (opts.signal !== undefined) query['signal'] = opts.signal;
      if (opts.timeout !== undefined) query['t'] = String(opts.timeout);
      const errors = await forEachContainer(ctx, names, (name) =>
        ctx.client().request('POST', `/containers/${name}/${action}`, { query }),
      );
      if (errors.length > 0) throw new StatusError(errors.join('\n'), EXIT_FAILURE);
    }) as LadingCommand;
}

export function stopCommand(ctx: CliContext): LadingCommand {
  return lifecycleCommand(ctx, 'stop');
}

export function restartCommand(ctx: CliContext): LadingCommand {
  return lifecycleCommand(ctx, 'restart');
}
