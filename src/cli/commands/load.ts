/**
 * `lading load [-i FILE] [-q]`: POST /images/load with the archive streamed from FILE or stdin
 * (chunked, never read whole into memory). The daemon's JSON progress is rendered as docker
 * renders it (`Loaded image: busybox:latest`); off a terminal, or with -q, the daemon is asked
 * for quiet output as docker asks it.
 */

import { open } from 'node:fs/promises';
import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext, Input } from '../context.js';
import { copyToOutput, goFileError } from '../binary-output.js';
import { displayJsonMessages, JsonStreamError } from '../json-stream.js';

/** Opens a file for streaming, with Go's error wording (`open x: no such file or directory`). */
export async function openInput(path: string): Promise<Input> {
  try {
    // Opened now so a missing file fails before the daemon is asked; the stream owns (and
    // closes) the handle, so no stray descriptor is closed later by the garbage collector.
    const handle = await open(path, 'r');
    const stream = handle.createReadStream({ highWaterMark: 1024 * 1024 });
    // Registered before any consumer's listener, so read errors read as Go's (`read x: …`).
    stream.on('error', (err) => {
      err.message = goFileError(err, 'read', path);
    });
    return stream;
  } catch (err) {
    throw new StatusError(goFileError(err, 'open', path), EXIT_FAILURE);
  }
}

/** Renders a progress-stream response, or copies a non-JSON one as is. */
export async function showProgress(ctx: CliContext, res: import('node:http').IncomingMessage): Promise<void> {
  try {
    if (res.headers['content-type'] === 'application/json') await displayJsonMessages(res, ctx.stdout);
    else await copyToOutput(res, ctx.stdout);
  } catch (err) {
    if (err instanceof JsonStreamError) throw new StatusError(err.message, EXIT_FAILURE);
    throw err;
  } finally {
    res.destroy();
  }
}

export function loadCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('load');
  return cmd
    .usage('[OPTIONS]')
    .description('Load an image from a tar archive or STDIN')
    .argument('[args...]')
    .option('-i, --input <string>', 'Read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'Suppress the load output')
    .action(async (args: string[], opts: { input?: string; quiet?: boolean }) => {
      cmd.checkArgs(args, { exact: 0 });
      let input: Input;
      if (!opts.input) {
        if (ctx.stdin.isTTY) {
          throw new StatusError('requested load from stdin, but stdin is empty', EXIT_FAILURE);
        }
        input = ctx.stdin;
      } else {
        input = await openInput(opts.input);
      }
      const quiet = opts.quiet === true || ctx.stdout.isTTY !== true;
      const res = await ctx.client().open('POST', '/images/load', {
        query: { quiet: quiet ? '1' : '0' },
        upload: { stream: input, contentType: 'application/x-tar' },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      await showProgress(ctx, res);
    }) as LadingCommand;
}
