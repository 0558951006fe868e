/**
 * `lading images` / `lading image ls` (alias `list`): GET /images/json rendered as docker's
 * image formatter does.
 *
 * One row per repository:tag (and, with --digests or a format that shows {{.Digest}}, per
 * digest); an image with neither tags nor digests is one `<none>` row; an image known only by
 * digest shows tag `<none>`. Names are shown familiar (`busybox`, not
 * `docker.io/library/busybox`). Default columns:
 *
 *   REPOSITORY   TAG       IMAGE ID       CREATED       SIZE
 *   busybox      latest    a416a98b71e2   2 weeks ago   4.26MB
 *
 * `-q` prints the IMAGE ID column alone (once per row, so a twice-tagged image twice, as docker).
 */

import type { CliContext } from '../context.js';
import { LadingCommand } from '../command.js';
import { truncateId } from '../display.js';
import { filterOption, withFilter } from '../filter-option.js';
import { filtersToJson, type Filters } from '../filters.js';
import { goTimeString } from '../go-time.js';
import { familiarName, parseNormalizedNamed, type NamedReference } from '../../reference/index.js';
import type { ImageSummary } from '../image-types.js';
import { FORMAT_HELP, writeList } from '../list-output.js';
import { humanSize, humanSizeWithPrecision, timeAgo } from '../units.js';

const DEFAULT_TABLE =
  'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
const DEFAULT_TABLE_WITH_DIGEST =
  'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
const QUIET_FORMAT = '{{.ID}}';

/** Column titles for the image formatter's fields (docker's SubHeaderContext). */
export const IMAGE_HEADERS: Record<string, string> = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};

/** Go type name in template errors, as docker's. */
export const IMAGE_ROW_TYPE = '*formatter.imageContext';

/**
 * One row as templates see it. Keys are inserted in sorted order so `{{json .}}` prints them
 * as docker's (which marshals a map of the formatter's methods).
 */
export interface ImageRow {
  Containers: string;
  CreatedAt: string;
  CreatedSince: string;
  Digest: string;
  ID: string;
  Repository: string;
  SharedSize: string;
  Size: string;
  Tag: string;
  UniqueSize: string;
  VirtualSize: string;
}

export function imageRow(
  img: ImageSummary,
  repo: string,
  tag: string,
  digest: string,
  trunc: boolean,
  now: number,
): ImageRow {
  return {
    Containers: img.Containers === -1 ? 'N/A' : String(img.Containers),
    CreatedAt: goTimeString(img.Created),
    CreatedSince: timeAgo(img.Created, now),
    Digest: digest,
    ID: trunc ? truncateId(img.Id) : img.Id,
    Repository: repo,
    SharedSize: img.SharedSize === -1 ? 'N/A' : humanSize(img.SharedSize),
    Size: humanSizeWithPrecision(img.Size, 3),
    Tag: tag,
    UniqueSize: img.Size === -1 || img.SharedSize === -1 ? 'N/A' : humanSize(img.Size - img.SharedSize),
    VirtualSize: humanSize(img.Size),
  };
}

export function isDangling(img: ImageSummary): boolean {
  const tags = img.RepoTags ?? [];
  const digests = img.RepoDigests ?? [];
  if (tags.length === 0 && digests.length === 0) return true;
  return (
    tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>'
  );
}

export interface ImageRowOptions {
  trunc: boolean;
  /** --digests: digest-only references get one row per digest. */
  showDigests: boolean;
  /** --digests, or a format that shows {{.Digest}}: tags are repeated per digest. */
  needDigest: boolean;
  now?: number;
}

/** Parses a name the daemon reported; undefined for one docker's formatter would skip. */
export function tryParseNamed(s: string): NamedReference | undefined {
  try {
    return parseNormalizedNamed(s);
  } catch {
    return undefined;
  }
}

/** docker's imageFormat: expands each image into its display rows. */
export function imageRows(images: readonly ImageSummary[], opts: ImageRowOptions): ImageRow[] {
  const now = opts.now ?? Date.now();
  const rows: ImageRow[] = [];
  for (const img of images) {
    const row = (repo: string, tag: string, digest: string): void => {
      rows.push(imageRow(img, repo, tag, digest, opts.trunc, now));
    };
    if (isDangling(img)) {
      row('<none>', '<none>', '<none>');
      continue;
    }
    const repoTags = new Map<string, string[]>();
    const repoDigests = new Map<string, string[]>();
    for (const s of img.RepoTags ?? []) {
      const ref = tryParseNamed(s);
      if (ref?.tag === undefined || ref.digest !== undefined) continue;
      const name = familiarName(ref);
      repoTags.set(name, [...(repoTags.get(name) ?? []), ref.tag]);
    }
    for (const s of img.RepoDigests ?? []) {
      const ref = tryParseNamed(s);
      if (ref?.digest === undefined || ref.tag !== undefined) continue;
      const name = familiarName(ref);
      repoDigests.set(name, [...(repoDigests.get(name) ?? []), ref.digest]);
    }
    for (const [repo, tags] of repoTags) {
      const digests = opts.needDigest ? (repoDigests.get(repo) ?? []) : [];
      repoDigests.delete(repo);
      for (const tag of tags) {
        if (digests.length === 0) row(repo, tag, '<none>');
        for (const d of digests) row(repo, tag, d);
      }
    }
    for (const [repo, digests] of repoDigests) {
      if (opts.showDigests) for (const d of digests) row(repo, '<none>', d);
      else row(repo, '<none>', '');
    }
  }
  return rows;
}

/** docker's NewImageFormat. */
export function imageFormat(source: string, quiet: boolean, digest: boolean): string {
  if (source === 'table') {
    if (quiet) return QUIET_FORMAT;
    return digest ? DEFAULT_TABLE_WITH_DIGEST : DEFAULT_TABLE;
  }
  if (source.startsWith('table') && digest && !source.includes('{{.Digest}}'))
    return `${source}\t{{.Digest}}`;
  return source;
}

interface ImagesOptions {
  quiet?: boolean;
  all?: boolean;
  trunc?: boolean;
  digests?: boolean;
  format?: string;
  filter?: Filters;
}

/** `docker image` subcommand names: `lading images ls` is a likely slip for `lading image ls`. */
const IMAGE_SUBCOMMANDS = [
  'build',
  'history',
  'import',
  'inspect',
  'list',
  'load',
  'ls',
  'prune',
  'pull',
  'push',
  'rm',
  'save',
  'tag',
];

export function imagesCommand(ctx: CliContext, name: 'images' | 'ls' = 'images'): LadingCommand {
  const cmd = new LadingCommand(name);
  if (name === 'ls') cmd.alias('list');
  return cmd
    .usage('[OPTIONS] [REPOSITORY[:TAG]]')
    .description('List images')
    .argument('[args...]')
    .option('-a, --all', 'Show all images (default hides intermediate images)')
    .option('--digests', 'Show digests')
    .addOption(filterOption('-f, --filter <filter>', 'Filter output based on conditions provided'))
    .option('--format <string>', FORMAT_HELP)
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs')
    .action(async (args: string[], opts: ImagesOptions) => {
      cmd.checkArgs(args, { max: 1 });
      const match = args[0];
      const filters = match !== undefined ? withFilter(opts.filter, 'reference', match) : opts.filter;
      const images = await ctx.client().get<ImageSummary[] | null>('/images/json', {
        query: { all: opts.all ? '1' : undefined, filters: filtersToJson(filters ?? new Map()) },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const format = imageFormat(opts.format || 'table', opts.quiet === true, opts.digests === true);
      const rows = imageRows(images ?? [], {
        trunc: opts.trunc !== false,
        showDigests: opts.digests === true,
        needDigest: opts.digests === true || format.includes('{{.Digest}}'),
      });
      writeList(ctx.stdout, format, rows, {
        defaultFormat: format,
        headers: IMAGE_HEADERS,
        rootTypeName: IMAGE_ROW_TYPE,
      });
      if (
        match !== undefined &&
        (images ?? []).length === 0 &&
        name === 'images' &&
        IMAGE_SUBCOMMANDS.includes(match)
      ) {
        ctx.stderr.write(`\nNo images found matching "${match}": did you mean "lading image ${match}"?\n`);
      }
    }) as LadingCommand;
}
