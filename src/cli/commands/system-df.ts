/**
 * `lading system df [-v] [--format]`: GET /system/df in docker's layout.
 *
 *   TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE
 *   Images          2         0         8.52MB    8.52MB (100%)
 *   Containers      0         0         0B        0B
 *   Local Volumes   0         0         0B        0B
 *   Build Cache     0         0         0B        0B
 *
 * -v prints one table per kind ("Images space usage:" …). A custom --format runs per summary
 * row, or with -v once against {Images, Containers, Volumes, BuildCache}, as docker.
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { ellipsis, truncateId } from '../display.js';
import { goTimeString } from '../go-time.js';
import { displayablePorts } from '../ports.js';
import { familiarName } from '../../reference/index.js';
import type {
  DiskUsage,
  DiskUsageBuildCache,
  DiskUsageContainer,
  DiskUsageVolume,
  ImageSummary,
} from '../image-types.js';
import { FORMAT_HELP, templateError, writeList } from '../list-output.js';
import { parseTemplate, templateText } from '../format/index.js';
import { humanSize, humanSizeWithPrecision, timeAgo } from '../units.js';
import { IMAGE_HEADERS, imageRow, isDangling, tryParseNamed, type ImageRow } from './images.js';

const SUMMARY_TABLE = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
const IMAGE_TABLE =
  'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const CONTAINER_TABLE =
  'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const VOLUME_TABLE = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';
const BUILD_CACHE_TABLE =
  'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';

const SUMMARY_HEADERS = {
  Type: 'TYPE',
  TotalCount: 'TOTAL',
  Active: 'ACTIVE',
  Size: 'SIZE',
  Reclaimable: 'RECLAIMABLE',
};
const CONTAINER_HEADERS = {
  ID: 'CONTAINER ID',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  LocalVolumes: 'LOCAL VOLUMES',
};
const VOLUME_HEADERS = { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' };
const BUILD_CACHE_HEADERS = {
  ID: 'CACHE ID',
  CacheType: 'CACHE TYPE',
  Size: 'SIZE',
  CreatedSince: 'CREATED',
  LastUsedSince: 'LAST USED',
  UsageCount: 'USAGE',
  Shared: 'SHARED',
  Description: 'DESCRIPTION',
};

/** One summary row; keys sorted for `{{json .}}`. */
export interface DiskUsageRow {
  Active: string;
  Reclaimable: string;
  Size: string;
  TotalCount: string;
  Type: string;
}

function withPercent(reclaimable: number, total: number): string {
  return total > 0
    ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)`
    : humanSize(reclaimable);
}

const ACTIVE_STATES = new Set(['running', 'paused', 'restarting']);

export function summaryRows(du: DiskUsage): DiskUsageRow[] {
  const images = du.Images ?? [];
  const containers = du.Containers ?? [];
  const volumes = du.Volumes ?? [];
  const cache = du.BuildCache ?? [];

  let usedByContainers = 0;
  for (const i of images) {
    if (i.Containers !== 0 && i.Size !== -1 && i.SharedSize !== -1) usedByContainers += i.Size - i.SharedSize;
  }
  const layers = du.LayersSize ?? 0;

  let rw = 0;
  let rwReclaimable = 0;
  for (const c of containers) {
    rw += c.SizeRw ?? 0;
    if (!ACTIVE_STATES.has(c.State)) rwReclaimable += c.SizeRw ?? 0;
  }

  let volSize = 0;
  let volReclaimable = 0;
  for (const v of volumes) {
    const size = v.UsageData?.Size ?? -1;
    if (size === -1) continue;
    volSize += size;
    if ((v.UsageData?.RefCount ?? 0) === 0) volReclaimable += size;
  }

  const builderSize = cache.filter((b) => !b.Shared).reduce((n, b) => n + b.Size, 0);
  const inUse = cache.filter((b) => b.InUse && !b.Shared).reduce((n, b) => n + b.Size, 0);

  const row = (
    Type: string,
    total: number,
    active: number,
    Size: string,
    Reclaimable: string,
  ): DiskUsageRow => ({
    Active: String(active),
    Reclaimable,
    Size,
    TotalCount: String(total),
    Type,
  });
  return [
    row(
      'Images',
      images.length,
      images.filter((i) => i.Containers > 0).length,
      humanSize(layers),
      withPercent(layers - usedByContainers, layers),
    ),
    row(
      'Containers',
      containers.length,
      containers.filter((c) => ACTIVE_STATES.has(c.State)).length,
      humanSize(rw),
      withPercent(rwReclaimable, rw),
    ),
    row(
      'Local Volumes',
      volumes.length,
      volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
      humanSize(volSize),
      withPercent(volReclaimable, volSize),
    ),
    row(
      'Build Cache',
      cache.length,
      cache.filter((b) => b.InUse).length,
      humanSize(builderSize),
      humanSize(builderSize - inUse),
    ),
  ];
}

function verboseImageRow(i: ImageSummary, trunc: boolean, now: number): ImageRow {
  let repo = '<none>';
  let tag = '<none>';
  const first = i.RepoTags?.[0];
  if (first !== undefined && !isDangling(i)) {
    const ref = tryParseNamed(first);
    if (ref?.tag !== undefined) {
      repo = familiarName(ref);
      tag = ref.tag;
    }
  }
  return imageRow(i, repo, tag, '', trunc, now);
}

function containerImage(c: DiskUsageContainer, trunc: boolean): string {
  if (c.Image === '') return '<no image>';
  if (!trunc) return c.Image;
  if (truncateId(c.ImageID) === truncateId(c.Image)) return truncateId(c.Image);
  const ref = tryParseNamed(c.Image);
  if (!ref) return c.Image;
  return ref.tag !== undefined ? `${familiarName(ref)}:${ref.tag}` : familiarName(ref);
}

/** `k=v` pairs sorted, comma-joined: docker's Labels column. */
function joinLabels(labels: Record<string, string> | null | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
}

/** A container row as docker's ContainerContext shows it (keys sorted for `{{json .}}`). */
function containerRow(c: DiskUsageContainer, trunc: boolean, now: number): Record<string, unknown> {
  let names = (c.Names ?? []).map((n) => n.slice(1));
  if (trunc) {
    const plain = names.find((n) => !n.includes('/'));
    if (plain !== undefined) names = [plain];
  }
  const command = trunc ? ellipsis(c.Command, 20) : c.Command;
  const mounts = (c.Mounts ?? []).map((m) => {
    const name = m.Name ? m.Name : (m.Source ?? '');
    return trunc ? ellipsis(name, 15) : name;
  });
  return {
    Command: JSON.stringify(command),
    CreatedAt: goTimeString(c.Created),
    ID: trunc ? truncateId(c.Id) : c.Id,
    Image: containerImage(c, trunc),
    Labels: joinLabels(c.Labels),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Mounts: mounts.join(','),
    Names: names.join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {})
      .sort()
      .join(','),
    Platform: null,
    Ports: displayablePorts(c.Ports ?? []),
    RunningFor: timeAgo(c.Created, now),
    // docker zeroes SizeRootFs for df, so no "(virtual …)" part.
    Size: humanSizeWithPrecision(c.SizeRw ?? 0, 3),
    State: c.State,
    Status: c.Status,
  };
}

function volumeRow(v: DiskUsageVolume): Record<string, string> {
  return {
    Availability: 'N/A',
    Driver: v.Driver ?? '',
    Group: 'N/A',
    Labels: joinLabels(v.Labels),
    Links: v.UsageData ? String(v.UsageData.RefCount) : 'N/A',
    Mountpoint: v.Mountpoint ?? '',
    Name: v.Name,
    Scope: v.Scope ?? '',
    Size: v.UsageData ? humanSize(v.UsageData.Size) : 'N/A',
    Status: 'N/A',
  };
}

function buildCacheRow(b: DiskUsageBuildCache, trunc: boolean, now: number): Record<string, string> {
  const id = trunc ? truncateId(b.ID) : b.ID;
  const since = (t: string | null | undefined): string => (t ? timeAgo(Date.parse(t) / 1000, now) : '');
  return {
    CacheType: b.Type,
    CreatedSince: since(b.CreatedAt),
    Description: b.Description ?? '',
    ID: b.InUse ? `${id}*` : id,
    InUse: String(b.InUse),
    LastUsedSince: since(b.LastUsedAt),
    Shared: String(b.Shared),
    Size: humanSizeWithPrecision(b.Size, 3),
    UsageCount: String(b.UsageCount),
  };
}

function sortBuildCache(cache: DiskUsageBuildCache[]): DiskUsageBuildCache[] {
  return [...cache].sort((a, b) => {
    const la = a.LastUsedAt ? Date.parse(a.LastUsedAt) : undefined;
    const lb = b.LastUsedAt ? Date.parse(b.LastUsedAt) : undefined;
    if (la === lb || (la === undefined && lb === undefined)) return a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0;
    if (la === undefined) return -1;
    if (lb === undefined) return 1;
    return la - lb;
  });
}

/** The verbose layout, one table per kind; `format` is a user template (not a table) or ''. */
export function renderVerbose(du: DiskUsage, format: string, now: number = Date.now()): string {
  const table = format === '' || format.startsWith('table');
  const images = (du.Images ?? []).map((i) => verboseImageRow(i, table, now));
  const containers = (du.Containers ?? []).map((c) => containerRow(c, table, now));
  const volumes = (du.Volumes ?? []).map(volumeRow);
  const cache = sortBuildCache(du.BuildCache ?? []).map((b) => buildCacheRow(b, table, now));
  if (format !== '' && format !== 'table') {
    // docker runs a non-default verbose format once against the whole usage, no newline added.
    try {
      return parseTemplate(templateText(format)).execute({
        Images: images,
        Containers: containers,
        Volumes: volumes,
        BuildCache: cache,
      });
    } catch (err) {
      throw templateError(err);
    }
  }
  const builderSize = (du.BuildCache ?? []).filter((b) => !b.Shared).reduce((n, b) => n + b.Size, 0);
  let out = 'Images space usage:\n\n';
  const section = (fmt: string, rows: unknown[], headers: Record<string, string>): void => {
    let text = '';
    writeList({ write: (s: string) => (text += s) }, fmt, rows, { defaultFormat: fmt, headers });
    out += text;
  };
  section(IMAGE_TABLE, images, IMAGE_HEADERS);
  out += '\nContainers space usage:\n\n';
  section(CONTAINER_TABLE, containers, CONTAINER_HEADERS);
  out += '\nLocal Volumes space usage:\n\n';
  section(VOLUME_TABLE, volumes, VOLUME_HEADERS);
  out += `\nBuild cache usage: ${humanSize(builderSize)}\n\n`;
  section(BUILD_CACHE_TABLE, cache, BUILD_CACHE_HEADERS);
  return out;
}

export function systemDfCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('df');
  return cmd
    .usage('[OPTIONS]')
    .description('Show lading disk usage')
    .argument('[args...]')
    .option('--format <string>', FORMAT_HELP)
    .option('-v, --verbose', 'Show detailed information on space usage')
    .action(async (args: string[], opts: { format?: string; verbose?: boolean }) => {
      cmd.checkArgs(args, { exact: 0 });
      const du = await ctx.client().get<DiskUsage>('/system/df', ctx.signal ? { signal: ctx.signal } : {});
      const format = opts.format || 'table';
      if (opts.verbose) {
        ctx.stdout.write(renderVerbose(du, format));
        return;
      }
      const fmt = format === 'table' ? SUMMARY_TABLE : format;
      writeList(ctx.stdout, fmt, summaryRows(du), {
        defaultFormat: fmt,
        headers: SUMMARY_HEADERS,
        rootTypeName: '*formatter.diskUsageImagesContext',
      });
    }) as LadingCommand;
}
