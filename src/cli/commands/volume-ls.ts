/**
 * `lading volume ls [-q] [-f k=v] [--format F]`: GET /volumes, sorted by name in natural
 * order (`v2` before `v10`) as the docker CLI sorts it, in docker's table:
 *
 *   DRIVER    VOLUME NAME
 *   local     data
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { filterOption } from '../filter-option.js';
import { filtersToJson, type Filters } from '../filters.js';
import { FORMAT_HELP, writeList } from '../list-output.js';
import type { Volume, VolumeListResponse } from '../../api/types/index.js';

const DEFAULT_TABLE = 'table {{.Driver}}\t{{.Name}}';
const QUIET_FORMAT = '{{.Name}}';
export const VOLUME_ROW_TYPE = '*formatter.volumeContext';

export const VOLUME_HEADERS = {
  Name: 'VOLUME NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  Group: 'GROUP',
  Availability: 'AVAILABILITY',
  Status: 'STATUS',
};

/** One row as templates see it; keys sorted as docker's `{{json .}}` prints them. */
export interface VolumeRow {
  Availability: string;
  Driver: string;
  Group: string;
  Labels: string;
  Links: string;
  Mountpoint: string;
  Name: string;
  Scope: string;
  Size: string;
  Status: string;
}

export function volumeRow(v: Volume): VolumeRow {
  return {
    // Cluster (swarm) fields: never set here.
    Availability: 'N/A',
    Driver: v.Driver,
    Group: 'N/A',
    Labels: Object.entries(v.Labels ?? {})
      .map(([k, value]) => `${k}=${value}`)
      .sort()
      .join(','),
    Links: 'N/A',
    Mountpoint: v.Mountpoint,
    Name: v.Name,
    Scope: v.Scope,
    Size: 'N/A',
    Status: 'N/A',
  };
}

/** fvbommel/sortorder.NaturalLess: digit runs compare as numbers, the rest byte-wise. */
export function naturalLess(a: string, b: string): boolean {
  const chunks = (s: string): string[] => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a);
  const y = chunks(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    if (p === q) continue;
    const pd = /^\d/.test(p);
    const qd = /^\d/.test(q);
    if (pd && qd) {
      const pn = p.replace(/^0+/, '');
      const qn = q.replace(/^0+/, '');
      if (pn.length !== qn.length) return pn.length < qn.length;
      if (pn !== qn) return pn < qn;
      return p.length < q.length; // same value: fewer leading zeros first
    }
    return p < q;
  }
  return x.length < y.length;
}

export function volumeFormat(source: string, quiet: boolean): string {
  if (source === 'table') return quiet ? QUIET_FORMAT : DEFAULT_TABLE;
  if (source === 'raw') return quiet ? 'name: {{.Name}}' : 'name: {{.Name}}\ndriver: {{.Driver}}\n';
  return source;
}

interface LsOptions {
  quiet?: boolean;
  format?: string;
  filter?: Filters;
}

export function volumeLsCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('ls');
  cmd.alias('list');
  return cmd
    .usage('[OPTIONS]')
    .description('List volumes')
    .argument('[args...]')
    .addOption(filterOption('-f, --filter <filter>', 'Provide filter values (e.g. "dangling=true")'))
    .option('--format <string>', FORMAT_HELP)
    .option('-q, --quiet', 'Only display volume names')
    .action(async (args: string[], opts: LsOptions) => {
      cmd.checkArgs(args, { exact: 0 });
      const list = await ctx.client().get<VolumeListResponse>('/volumes', {
        query: { filters: filtersToJson(opts.filter ?? new Map()) },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const volumes = [...(list?.Volumes ?? [])].sort((a, b) =>
        naturalLess(a.Name, b.Name) ? -1 : naturalLess(b.Name, a.Name) ? 1 : 0,
      );
      const format = volumeFormat(opts.format || 'table', opts.quiet === true);
      writeList(ctx.stdout, format, volumes.map(volumeRow), {
        defaultFormat: format,
        headers: VOLUME_HEADERS,
        rootTypeName: VOLUME_ROW_TYPE,
      });
    }) as LadingCommand;
}
