/**
 * `lading ps` / `lading container ls` (aliases `list`, `ps`): GET /containers/json rendered
 * as docker's container formatter does.
 *
 *   CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS         PORTS     NAMES
 *   0123456789ab   busybox   "sh -c \"echo hello &…"   2 minutes ago   Up 2 minutes             web
 *
 * Truncation (unless --no-trunc): IDs to 12, the command to 20 columns with "…" (then quoted
 * as Go's strconv.Quote), images by digest shown by name, link names hidden, mount names to
 * 15. `-s` (or a format that shows {{.Size}}) asks the daemon for sizes.
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { ellipsis, truncateId } from '../display.js';
import { filterOption } from '../filter-option.js';
import { filtersToJson, type Filters } from '../filters.js';
import { goTimeString } from '../go-time.js';
import { intOption } from '../int-option.js';
import { FORMAT_HELP, writeList } from '../list-output.js';
import { displayablePorts } from '../ports.js';
import { humanSizeWithPrecision, timeAgo } from '../units.js';
import { familiarString } from '../../reference/index.js';
import type { ContainerSummary } from '../../api/types/containers.js';
import { tryParseNamed } from './images.js';

const DEFAULT_TABLE =
  'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
const QUIET_FORMAT = '{{.ID}}';

export const CONTAINER_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
  Platform: 'PLATFORM',
};

export const CONTAINER_ROW_TYPE = '*formatter.ContainerContext';

/** One row as templates see it; keys sorted as docker's `{{json .}}` prints them. */
export interface ContainerRow {
  Command: string;
  CreatedAt: string;
  ID: string;
  Image: string;
  Labels: string;
  LocalVolumes: string;
  Mounts: string;
  Names: string;
  Networks: string;
  Platform: null;
  Ports: string;
  RunningFor: string;
  Size: string;
  State: string;
  Status: string;
}

/** Go's strconv.Quote for the printable text a command is. */
export function goQuote(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function imageColumn(c: ContainerSummary, trunc: boolean): string {
  if (c.Image === '') return '<no image>';
  if (!trunc) return c.Image;
  const short = truncateId(c.ImageID ?? '');
  if (short !== '' && short === truncateId(c.Image)) return short;
  const ref = tryParseNamed(c.Image);
  if (!ref) return c.Image;
  // Shown without its digest: by tag when it has one, else by name alone.
  return familiarString({
    domain: ref.domain,
    path: ref.path,
    ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
  });
}

function namesColumn(names: readonly string[], trunc: boolean): string {
  let list = names.map((n) => n.replace(/^\//, ''));
  if (trunc) {
    const plain = list.find((n) => !n.includes('/'));
    if (plain !== undefined) list = [plain];
  }
  return list.join(',');
}

export function containerRow(c: ContainerSummary, trunc: boolean, now: number = Date.now()): ContainerRow {
  const mounts = (c.Mounts ?? []).map((m) => {
    const name = m.Name ? m.Name : m.Source;
    return trunc ? ellipsis(name, 15) : name;
  });
  const labels = Object.entries(c.Labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  const sizeRw = humanSizeWithPrecision(c.SizeRw ?? 0, 3);
  return {
    Command: goQuote(trunc ? ellipsis(c.Command, 20) : c.Command),
    CreatedAt: goTimeString(c.Created),
    ID: trunc ? truncateId(c.Id) : c.Id,
    Image: imageColumn(c, trunc),
    Labels: labels.join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Mounts: mounts.join(','),
    Names: namesColumn(c.Names ?? [], trunc),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {})
      .sort()
      .join(','),
    Platform: null,
    Ports: displayablePorts(c.Ports ?? []),
    RunningFor: timeAgo(c.Created, now),
    Size:
      (c.SizeRootFs ?? 0) > 0
        ? `${sizeRw} (virtual ${humanSizeWithPrecision(c.SizeRootFs ?? 0, 3)})`
        : sizeRw,
    State: c.State,
    Status: c.Status,
  };
}

/** docker's NewContainerFormat. */
export function containerFormat(source: string, quiet: boolean, size: boolean): string {
  if (source === 'table' || source === '') {
    if (quiet) return QUIET_FORMAT;
    return size ? `${DEFAULT_TABLE}\t{{.Size}}` : DEFAULT_TABLE;
  }
  return source;
}

interface PsOptions {
  all?: boolean;
  filter?: Filters;
  format?: string;
  last?: number;
  latest?: boolean;
  trunc?: boolean;
  quiet?: boolean;
  size?: boolean;
}

export function psCommand(ctx: CliContext, name: 'ps' | 'ls' = 'ps'): LadingCommand {
  const cmd = new LadingCommand(name);
  if (name === 'ls') cmd.aliases(['ps', 'list']);
  return cmd
    .usage('[OPTIONS]')
    .description('List containers')
    .argument('[args...]')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .addOption(filterOption('-f, --filter <filter>', 'Filter output based on conditions provided'))
    .option('--format <string>', FORMAT_HELP)
    .addOption(intOption('-n, --last <int>', 'Show n last created containers (includes all states)'))
    .option('-l, --latest', 'Show the latest created container (includes all states)')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only display container IDs')
    .option('-s, --size', 'Display total file sizes')
    .action(async (args: string[], opts: PsOptions) => {
      cmd.checkArgs(args, { exact: 0 });
      const source = opts.format ?? '';
      // docker asks for sizes when the format shows them (json shows every field).
      const wantsSize =
        opts.size === true ||
        (!opts.quiet && (source.includes('.Size') || source === 'json' || source.includes('json .')));
      let limit = opts.last ?? -1;
      if (opts.latest) limit = 1;
      const query: Record<string, string | undefined> = {
        all: opts.all ? '1' : undefined,
        filters: filtersToJson(opts.filter ?? new Map()),
        limit: limit > 0 ? String(limit) : undefined,
        size: wantsSize ? '1' : undefined,
      };
      const list = await ctx.client().get<ContainerSummary[] | null>('/containers/json', {
        query,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const format = containerFormat(source, opts.quiet === true, opts.size === true);
      const trunc = opts.trunc !== false;
      const now = Date.now();
      const rows = (list ?? []).map((c) => containerRow(c, trunc, now));
      writeList(ctx.stdout, format, rows, {
        defaultFormat: format,
        headers: CONTAINER_HEADERS,
        rootTypeName: CONTAINER_ROW_TYPE,
      });
    }) as LadingCommand;
}
