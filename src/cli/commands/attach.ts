/**
 * `lading attach [--no-stdin] [--sig-proxy] [--detach-keys K] CONTAINER`: joins a running
 * container's stdio. Refuses containers that are not running with docker's sentences; exits
 * with the container's status once it ends, or 0 after a detach.
 */

import { Option } from 'commander';
import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import {
  DETACHED_MESSAGE,
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

interface AttachOptions {
  stdin?: boolean;
  sigProxy?: boolean;
  detachKeys?: string;
}

export function attachCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('attach');
  return cmd
    .usage('[OPTIONS] CONTAINER')
    .description('Attach local standard input, output, and error streams to a running container')
    .argument('[containers...]')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('--no-stdin', 'Do not attach STDIN')
    .option('--sig-proxy', 'Proxy all received signals to the process (default true)')
    .addOption(new Option('--no-sig-proxy').hideHelp())
    .action(async (names: string[], opts: AttachOptions) => {
      cmd.checkArgs(names, { exact: 1 });
      // docker uses the name as given throughout, and starts waiting before it looks.
      const id = names[0] as string;
      const { status } = await openWait(ctx, id, undefined);
      const c = await ctx.client().get<ContainerInspect>(`/containers/${id}/json`);
      if (!c.State.Running) {
        throw new StatusError('You cannot attach to a stopped container, start it first', EXIT_FAILURE);
      }
      if (c.State.Paused) {
        throw new StatusError('You cannot attach to a paused container, unpause it first', EXIT_FAILURE);
      }
      if (c.State.Restarting) {
        throw new StatusError(
          'You cannot attach to a restarting container, wait until it is running',
          EXIT_FAILURE,
        );
      }
      const tty = c.Config.Tty;
      const streams: AttachStreams = {
        stdin: opts.stdin !== false && c.Config.OpenStdin,
        stdout: true,
        stderr: true,
      };
      checkTty(ctx, tty, streams.stdin);
      const detachKeys = detachKeysOrFail(opts.detachKeys);
      const stopProxy =
        !tty && opts.sigProxy !== false
          ? forwardSignals(ctx.signalSource, (signal) =>
              ctx.client().request('POST', `/containers/${id}/kill`, { query: { signal } }),
            )
          : () => undefined;
      try {
        const conn = await attachContainer(ctx, id, streams, opts.detachKeys);
        const end = await runSession(ctx, conn, {
          tty,
          streams,
          detachKeys,
          resize: containerResizer(ctx, id),
          nudgeSize: true,
        });
        // Unlike run and start, docker's attach reports the detach as its error, exit 1.
        if (end === 'detached') throw new StatusError(DETACHED_MESSAGE, EXIT_FAILURE);
        const code = await status;
        if (code !== 0) throw new StatusError('', code);
      } finally {
        stopProxy();
      }
    }) as LadingCommand;
}
