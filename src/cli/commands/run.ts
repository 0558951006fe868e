/**
 * `lading run [OPTIONS] IMAGE [COMMAND] [ARG...]`, in docker's order (engine-api.md "docker
 * run sequence"): create (pulling a missing image), attach unless -d — before start, so no
 * output is lost —, wait (`condition=next-exit`, `removed` with --rm), start, then follow the
 * session: raw terminal and size with -t, signals passed on without -t (--sig-proxy), the
 * detach keys. Exits with the container's status; 125 when the daemon refused (printed as
 * `lading: <error>` + the help hint), 126/127 when the command could not be run.
 *
 * Detaching (ctrl-p ctrl-q) leaves the container running and exits 0 without a word, as
 * docker does (its "read escape sequence" error is swallowed).
 */

import { EXIT_FAILURE, EXIT_USAGE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import {
  attachContainer,
  checkTty,
  containerResizer,
  detachKeysOrFail,
  openWait,
  runSession,
  startFailureStatus,
  type AttachStreams,
} from '../container-session.js';
import { EngineError, type HijackedConnection } from '../engine-client.js';
import { addContainerFlags, checkPullPolicy, type BuiltCreate, type ContainerFlags } from '../run-options.js';
import { forwardSignals } from '../signal-proxy.js';
import { buildOrFail, createContainer } from './create.js';

interface RunFlags extends ContainerFlags {
  sigProxy?: boolean;
}

/** docker run's wrapping of a failure: `lading: …` and the help hint. */
function runError(message: string, status: number): StatusError {
  return new StatusError(`lading: ${message}\n\nRun 'lading run --help' for more information`, status);
}

export function runCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('run');
  cmd
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .description('Create and run a new container from an image')
    .argument('[args...]')
    .passThroughOptions();
  addContainerFlags(cmd, true);
  cmd.action(async (args: string[], flags: RunFlags) => {
    cmd.checkArgs(args, { min: 1 });
    const [image, ...rest] = args as [string, ...string[]];
    if (flags.detach && (flags.attach?.length ?? 0) > 0) {
      throw new StatusError('conflicting options: cannot specify both --attach and --detach', EXIT_FAILURE);
    }
    try {
      checkPullPolicy(flags.pull ?? 'missing');
    } catch (err) {
      throw runError((err as Error).message, EXIT_USAGE);
    }
    let built: BuiltCreate;
    try {
      built = buildOrFail(ctx, flags, image, rest);
    } catch (err) {
      throw runError((err as Error).message, EXIT_USAGE);
    }
    const req = built.request;
    const tty = req.Tty === true;
    const streams: AttachStreams = {
      stdin: req.AttachStdin === true,
      stdout: req.AttachStdout === true,
      stderr: req.AttachStderr === true,
    };
    checkTty(ctx, tty, streams.stdin);
    const detachKeys = detachKeysOrFail(flags.detachKeys);

    let id: string;
    try {
      id = await createContainer(ctx, built, flags);
    } catch (err) {
      if (err instanceof StatusError) throw runError(err.message, EXIT_USAGE);
      if (err instanceof Error) throw runError(err.message, EXIT_USAGE);
      throw err;
    }

    const stopProxy =
      !flags.detach && !tty && flags.sigProxy !== false
        ? forwardSignals(ctx.signalSource, (signal) =>
            ctx.client().request('POST', `/containers/${id}/kill`, { query: { signal } }),
          )
        : () => undefined;
    try {
      let conn: HijackedConnection | undefined;
      if (!flags.detach && (streams.stdin || streams.stdout || streams.stderr)) {
        try {
          conn = await attachContainer(ctx, id, streams, flags.detachKeys);
        } catch (err) {
          throw runError((err as Error).message, EXIT_USAGE);
        }
      }
      const { status } = await openWait(ctx, id, req.HostConfig?.AutoRemove ? 'removed' : 'next-exit');
      try {
        await ctx.client().request('POST', `/containers/${id}/start`);
      } catch (err) {
        conn?.socket.destroy();
        if (err instanceof EngineError) throw runError(err.message, startFailureStatus(err.message));
        throw err;
      }
      if (flags.detach) {
        ctx.stdout.write(`${id}\n`);
        return;
      }
      if (conn) {
        const end = await runSession(ctx, conn, {
          tty,
          streams,
          detachKeys,
          resize: containerResizer(ctx, id),
        });
        if (end === 'detached') return;
      }
      const code = await status;
      if (code !== 0) throw new StatusError('', code);
    } finally {
      stopProxy();
    }
  });
  return cmd;
}
