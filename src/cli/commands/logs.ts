/**
 * `lading logs [OPTIONS] CONTAINER`: GET /containers/{id}/logs, demultiplexed unless the
 * container has a TTY (docker inspects it first to know). --since/--until take docker's
 * timestamp forms; --tail defaults to "all".
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { writeBytes } from '../hijacked-streams.js';
import { FrameDemuxer, StreamFrameError } from '../stdcopy.js';
import { getTimestamp, TimestampError } from '../timestamp.js';
import type { ContainerInspect } from '../../api/types/containers.js';

interface LogsOptions {
  details?: boolean;
  follow?: boolean;
  since?: string;
  tail?: string;
  timestamps?: boolean;
  until?: string;
}

function timestamp(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return getTimestamp(value);
  } catch (err) {
    if (err instanceof TimestampError) throw new StatusError(err.message, EXIT_FAILURE);
    throw err;
  }
}

export function logsCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('logs');
  return cmd
    .usage('[OPTIONS] CONTAINER')
    .description('Fetch the logs of a container')
    .argument('[containers...]')
    .option('--details', 'Show extra details provided to logs')
    .option('-f, --follow', 'Follow log output')
    .option(
      '--since <string>',
      'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    )
    .option('-n, --tail <string>', 'Number of lines to show from the end of the logs', 'all')
    .option('-t, --timestamps', 'Show timestamps')
    .option(
      '--until <string>',
      'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    )
    .action(async (names: string[], opts: LogsOptions) => {
      cmd.checkArgs(names, { exact: 1 });
      const c = await ctx.client().get<ContainerInspect>(`/containers/${names[0] as string}/json`);
      // Query keys in Go's sorted order, as docker's client encodes them.
      const query: Record<string, string | undefined> = {
        details: opts.details ? '1' : undefined,
        follow: opts.follow ? '1' : undefined,
        since: timestamp(opts.since),
        stderr: '1',
        stdout: '1',
        tail: opts.tail ?? 'all',
        timestamps: opts.timestamps ? '1' : undefined,
        until: timestamp(opts.until),
      };
      const res = await ctx.client().open('GET', `/containers/${c.Id}/logs`, {
        query,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const demux = c.Config.Tty
        ? undefined
        : new FrameDemuxer(
            (b) => writeBytes(ctx.stdout, b),
            (b) => writeBytes(ctx.stderr, b),
          );
      try {
        for await (const chunk of res) {
          if (demux) demux.push(chunk as Buffer);
          else writeBytes(ctx.stdout, chunk as Buffer);
        }
      } catch (err) {
        if (err instanceof StreamFrameError) throw new StatusError(err.message, EXIT_FAILURE);
        throw err;
      } finally {
        res.destroy();
      }
    }) as LadingCommand;
}
