/**
 * `lading exec [OPTIONS] CONTAINER COMMAND [ARG...]`: POST /containers/{id}/exec with the body
 * docker sends (keys in its order), then `POST /exec/{id}/start` — detached with -d, else
 * hijacked and followed like an attach — and the exit status from `GET /exec/{id}/json`.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import {
  DETACHED_MESSAGE,
  checkTty,
  detachKeysOrFail,
  runSession,
  type AttachStreams,
} from '../container-session.js';
import { collect } from '../filter-option.js';
import { terminalSize } from '../raw-terminal.js';
import { readKeyValueFile } from '../key-value-file.js';
import type { ExecInspect } from '../../api/types/containers.js';

interface ExecOptions {
  detach?: boolean;
  detachKeys?: string;
  env?: string[];
  envFile?: string[];
  interactive?: boolean;
  privileged?: boolean;
  tty?: boolean;
  user?: string;
  workdir?: string;
}

export function execCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('exec');
  return cmd
    .usage('[OPTIONS] CONTAINER COMMAND [ARG...]')
    .description('Execute a command in a running container')
    .argument('[args...]')
    .passThroughOptions()
    .option('-d, --detach', 'Detached mode: run command in the background')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('-e, --env <list>', 'Set environment variables', collect)
    .option('--env-file <list>', 'Read in a file of environment variables', collect)
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('--privileged', 'Give extended privileges to the command')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('-u, --user <string>', 'Username or UID (format: "<name|uid>[:<group|gid>]")')
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .action(async (args: string[], opts: ExecOptions) => {
      cmd.checkArgs(args, { min: 2 });
      const [container, ...command] = args as [string, ...string[]];
      const env: string[] = [];
      try {
        for (const f of opts.envFile ?? []) env.push(...readKeyValueFile(f, (n) => ctx.io.env[n]));
      } catch (err) {
        throw new StatusError((err as Error).message, EXIT_FAILURE);
      }
      for (const e of opts.env ?? []) {
        const v = e.includes('=') ? e : ctx.io.env[e] === undefined ? e : `${e}=${ctx.io.env[e]}`;
        env.push(v);
      }
      const tty = opts.tty === true;
      const detach = opts.detach === true;
      const streams: AttachStreams = { stdin: opts.interactive === true, stdout: !detach, stderr: !detach };
      // docker looks the container up first, so a missing one fails before anything else.
      await ctx.client().get(`/containers/${container}/json`);
      if (!detach) checkTty(ctx, tty, streams.stdin);
      const detachKeys = detachKeysOrFail(opts.detachKeys);
      const size = tty ? (terminalSize(ctx.stdout) ?? [0, 0]) : undefined;
      const body = {
        User: opts.user ?? '',
        Privileged: opts.privileged === true,
        Tty: tty,
        ...(size ? { ConsoleSize: size } : {}),
        AttachStdin: streams.stdin && !detach,
        AttachStderr: streams.stderr,
        AttachStdout: streams.stdout,
        Detach: detach,
        DetachKeys: opts.detachKeys ?? '',
        Env: env.length > 0 ? env : null,
        WorkingDir: opts.workdir ?? '',
        Cmd: command,
      };
      const created = await ctx
        .client()
        .json<{ Id: string }>('POST', `/containers/${container}/exec`, { body });
      // docker's decoder on an empty answer: EOF.
      if (!created?.Id) throw new StatusError('EOF', EXIT_FAILURE);
      const execId = created.Id;
      const startBody = { Detach: detach, Tty: tty, ...(size ? { ConsoleSize: size } : {}) };
      if (detach) {
        await ctx.client().request('POST', `/exec/${execId}/start`, { body: startBody });
        return;
      }
      const conn = await ctx.client().hijack('POST', `/exec/${execId}/start`, { body: startBody });
      const end = await runSession(ctx, conn, {
        tty,
        streams,
        detachKeys,
        resize: (h, w) => ctx.client().request('POST', `/exec/${execId}/resize`, { query: { h, w } }),
      });
      // docker's exec, like attach, reports a detach as its error.
      if (end === 'detached') throw new StatusError(DETACHED_MESSAGE, EXIT_FAILURE);
      const inspect = await ctx.client().get<ExecInspect>(`/exec/${execId}/json`);
      const code = inspect.ExitCode ?? 0;
      if (code !== 0) throw new StatusError('', code);
    }) as LadingCommand;
}
