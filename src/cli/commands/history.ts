/**
 * `lading history [-H] [--no-trunc] [-q] [--format] IMAGE`: GET /images/{name}/history, newest
 * layer first, in docker's columns:
 *
 *   IMAGE          CREATED       CREATED BY                                      SIZE      COMMENT
 *   a416a98b71e2   2 weeks ago   BusyBox 1.37.0 (glibc), Debian 13               4.26MB
 *   <missing>      …
 *
 * CREATED BY has tabs turned into spaces and is cut to 45 columns with `…` unless --no-trunc.
 * `-H=false` shows RFC 3339 times and sizes in bytes (the column is then CREATED AT).
 */

import { Option } from 'commander';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { ellipsis, truncateId } from '../display.js';
import { goRfc3339 } from '../go-time.js';
import type { ImageHistoryItem } from '../image-types.js';
import { FORMAT_HELP, writeList } from '../list-output.js';
import { humanSizeWithPrecision, timeAgo } from '../units.js';

const DEFAULT_TABLE = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
const NON_HUMAN_TABLE = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

const HISTORY_HEADERS: Record<string, string> = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
};

/** Before this, a creation time is not a real one (docker shows N/A). */
const EPOCH_2000 = Date.UTC(2000, 0, 1) / 1000;

/** A history row as templates see it; keys in sorted order for `{{json .}}`. */
export interface HistoryRow {
  Comment: string;
  CreatedAt: string;
  CreatedBy: string;
  CreatedSince: string;
  ID: string;
  Size: string;
}

export function historyRow(
  h: ImageHistoryItem,
  trunc: boolean,
  human: boolean,
  now: number = Date.now(),
): HistoryRow {
  const createdAt = goRfc3339(h.Created);
  const createdBy = h.CreatedBy.replace(/\t/g, ' ');
  let since: string;
  if (!human) since = createdAt;
  else since = h.Created <= EPOCH_2000 ? 'N/A' : timeAgo(h.Created, now);
  return {
    Comment: h.Comment,
    CreatedAt: createdAt,
    CreatedBy: trunc ? ellipsis(createdBy, 45) : createdBy,
    CreatedSince: since,
    ID: trunc ? truncateId(h.Id) : h.Id,
    Size: human ? humanSizeWithPrecision(h.Size, 3) : String(h.Size),
  };
}

export function historyFormat(source: string, quiet: boolean, human: boolean): string {
  if (source !== 'table') return source;
  if (quiet) return '{{.ID}}';
  return human ? DEFAULT_TABLE : NON_HUMAN_TABLE;
}

interface HistoryOptions {
  human: boolean;
  quiet?: boolean;
  trunc?: boolean;
  format?: string;
}

export function historyCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('history');
  return cmd
    .usage('[OPTIONS] IMAGE')
    .description('Show the history of an image')
    .argument('[image...]')
    .option('--format <string>', FORMAT_HELP)
    .option('-H, --human', 'Print sizes and dates in human readable format', true)
    .addOption(new Option('--no-human').hideHelp())
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs')
    .action(async (args: string[], opts: HistoryOptions) => {
      cmd.checkArgs(args, { exact: 1 });
      const history = await ctx
        .client()
        .get<ImageHistoryItem[] | null>(
          `/images/${args[0] as string}/history`,
          ctx.signal ? { signal: ctx.signal } : {},
        );
      const human = opts.human !== false;
      const trunc = opts.trunc !== false;
      const format = historyFormat(opts.format || 'table', opts.quiet === true, human);
      const now = Date.now();
      const rows = (history ?? []).map((h) => historyRow(h, trunc, human, now));
      writeList(ctx.stdout, format, rows, {
        defaultFormat: format,
        headers: HISTORY_HEADERS,
        rootTypeName: '*image.historyContext',
      });
    }) as LadingCommand;
}
