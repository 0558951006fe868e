/**
 * `lading start [-a] [-i] [--detach-keys K] CONTAINER...`. Without -a each container is
 * started and its name printed; failures are listed and summed up as docker does
 * (`Error: failed to start containers: a, b`, exit 1). With -a (one container only) the CLI
 * attaches first, waits, starts, follows the session and exits with the container's status.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import {
  attachContainer,
  checkTty,
  containerResizer,
  detachKeysOrFail,
  openWait,
  runSession,
  type AttachStreams,
} from '../container-session.js';
import { forwardSignals } from '../signal-proxy.js';
import type { ContainerInspect } from '../../api/types/containers.js';

interface StartOptions {
  attach?: boolean;
  interactive?: boolean;
  detachKeys?: string;
}

export function startCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('start');
  return cmd
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Start one or more stopped containers')
    .argument('[containers...]')
    .option('-a, --attach', 'Attach STDOUT/STDERR and forward signals')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('-i, --interactive', "Attach container's STDIN")
    .action(async (names: string[], opts: StartOptions) => {
      cmd.checkArgs(names, { min: 1 });
      if (opts.attach || opts.interactive) {
        if (names.length > 1) {
          throw new StatusError('you cannot start and attach multiple containers at once', EXIT_FAILURE);
        }
        await startAttached(ctx, names[0] as string, opts);
        return;
      }
      const failed: string[] = [];
      for (const name of names) {
        try {
          await ctx.client().request('POST', `/containers/${name}/start`);
          ctx.stdout.write(`${name}\n`);
        } catch (err) {
          ctx.stderr.write(`${(err as Error).message}\n`);
          failed.push(name);
        }
      }
      if (failed.length > 0) {
        throw new StatusError(`Error: failed to start containers: ${failed.join(', ')}`, EXIT_FAILURE);
      }
    }) as LadingCommand;
}

async function startAttached(ctx: CliContext, name: string, opts: StartOptions): Promise<void> {
  const c = await ctx.client().get<ContainerInspect>(`/containers/${name}/json`);
  const id = c.Id;
  const tty = c.Config.Tty;
  const streams: AttachStreams = {
    stdin: opts.interactive === true && c.Config.OpenStdin,
    stdout: true,
    stderr: true,
  };
  checkTty(ctx, tty, streams.stdin);
  const detachKeys = detachKeysOrFail(opts.detachKeys);
  const stopProxy = !tty
    ? forwardSignals(ctx.signalSource, (signal) =>
        ctx.client().request('POST', `/containers/${id}/kill`, { query: { signal } }),
      )
    : () => undefined;
  try {
    const conn = await attachContainer(ctx, id, streams, opts.detachKeys);
    const { status } = await openWait(ctx, id, c.HostConfig.AutoRemove ? 'removed' : 'next-exit');
    try {
      await ctx.client().request('POST', `/containers/${id}/start`);
    } catch (err) {
      conn.socket.destroy();
      throw err;
    }
    const end = await runSession(ctx, conn, { tty, streams, detachKeys, resize: containerResizer(ctx, id) });
    if (end === 'detached') return;
    const code = await status;
    if (code !== 0) throw new StatusError('', code);
  } finally {
    stopProxy();
  }
}
