/**
 * `lading cp [-a] [-L] [-q] CONTAINER:SRC DEST|-` and `SRC|- CONTAINER:DEST`, as docker cp:
 *
 *  - From a container: optional HEAD stat (-L follows a symlink), GET /containers/{id}/archive
 *    and either the tar as is to stdout (`-`) or unpacked locally under the name asked for.
 *  - To a container: HEAD stat of the destination (a symlink there is followed, a missing one
 *    means "create it"), the local source packed with its top entry renamed as needed, PUT
 *    …/archive?path=DIR&noOverwriteDirNonDir=true[&copyUIDGID=true]. `-` sends stdin's tar.
 *  - Unless quiet (-q, or stdout not a terminal, as docker decides), "Successfully copied
 *    2.05kB to DEST" goes to stderr, counting the tar bytes that crossed the socket.
 */
import type { IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { copyToOutput, goFileError } from '../binary-output.js';
import { humanSizeWithPrecision } from '../units.js';
import {
  absoluteLocal,
  copyInfoDestinationPath,
  copyInfoSourcePath,
  CopyError,
  getRebaseName,
  packLocal,
  prepareArchiveCopy,
  rebaseName,
  splitPathDirEntry,
  unpackLocal,
  type CopyInfo,
} from './cp-local-archive.js';

const PATH_STAT_HEADER = 'x-docker-container-path-stat';
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
const MODE_DEVICE = 2 ** 26;

interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

interface CpOptions {
  archive?: boolean;
  followLink?: boolean;
  quiet?: boolean;
}

/** docker's splitCpArg: `ctr:path`, unless the argument is an explicit local path. */
export function splitCpArg(arg: string): { container: string; path: string } {
  if (arg.startsWith('/')) return { container: '', path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { container: '', path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

function isSymlink(mode: number): boolean {
  return Math.floor(mode / MODE_SYMLINK) % 2 === 1;
}

function decodeStat(res: IncomingMessage): PathStat | undefined {
  const header = res.headers[PATH_STAT_HEADER];
  if (typeof header !== 'string' || header === '') return undefined;
  return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat;
}

/** Counts the bytes going through, for the "Successfully copied" line. */
function counted(source: NodeJS.ReadableStream): { stream: Readable; bytes: () => number } {
  let bytes = 0;
  const through = new PassThrough();
  through.on('data', (c: Buffer) => (bytes += c.length));
  source.on('error', (err) => through.destroy(err));
  source.pipe(through);
  return { stream: through, bytes: () => bytes };
}

export function cpCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('cp');
  return cmd
    .usage('[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tlading cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH')
    .description('Copy files/folders between a container and the local filesystem')
    .argument('[args...]')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
    .option(
      '-q, --quiet',
      'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached',
    )
    .action(async (args: string[], opts: CpOptions) => {
      cmd.checkArgs(args, { exact: 2 });
      const [source = '', destination = ''] = args;
      if (source === '') throw new StatusError('source can not be empty', EXIT_FAILURE);
      if (destination === '') throw new StatusError('destination can not be empty', EXIT_FAILURE);
      const quiet = opts.quiet ?? ctx.stdout.isTTY !== true;
      const src = splitCpArg(source);
      const dst = splitCpArg(destination);
      try {
        if (src.container !== '' && dst.container !== '') {
          throw new StatusError('copying between containers is not supported', EXIT_FAILURE);
        }
        if (src.container !== '') {
          await copyFromContainer(ctx, src.container, src.path, dst.path, opts, quiet);
        } else if (dst.container !== '') {
          await copyToContainer(ctx, dst.container, src.path, dst.path, opts, quiet);
        } else {
          throw new StatusError('must specify at least one container source', EXIT_FAILURE);
        }
      } catch (err) {
        if (err instanceof CopyError) throw new StatusError(err.message, EXIT_FAILURE);
        const e = err as NodeJS.ErrnoException;
        if (typeof e.syscall === 'string' && typeof e.path === 'string') {
          throw new StatusError(goFileError(e, e.syscall, e.path), EXIT_FAILURE);
        }
        throw err;
      }
    }) as LadingCommand;
}

async function statPath(ctx: CliContext, container: string, path: string): Promise<PathStat | undefined> {
  try {
    const res = await ctx.client().open('HEAD', `/containers/${container}/archive`, { query: { path } });
    res.resume();
    return decodeStat(res);
  } catch {
    return undefined; // docker ignores a failed stat: the copy itself reports what is wrong
  }
}

function progress(ctx: CliContext, quiet: boolean): { finish(size: number, dest: string): void } {
  // On a terminal, docker saves the cursor, shows a line, and wipes it before the summary.
  const tty = !quiet && ctx.stderr.isTTY === true;
  if (tty) ctx.stderr.write('\x1b7Preparing to copy...');
  return {
    finish(size, dest) {
      if (quiet) return;
      if (tty) ctx.stderr.write('\x1b8\x1b[2K');
      ctx.stderr.write(`Successfully copied ${humanSizeWithPrecision(size, 3)} to ${dest}\n`);
    },
  };
}

async function copyFromContainer(
  ctx: CliContext,
  container: string,
  srcPathArg: string,
  dstArg: string,
  opts: CpOptions,
  quiet: boolean,
): Promise<void> {
  let srcPath = srcPathArg;
  const dstPath = dstArg === '-' ? '-' : absoluteLocal(dstArg);
  let rebase = '';
  if (opts.followLink === true) {
    const stat = await statPath(ctx, container, srcPath);
    if (stat !== undefined && isSymlink(stat.mode)) {
      let target = stat.linkTarget;
      if (!target.startsWith('/')) target = posix.join(splitPathDirEntry(srcPath)[0], target);
      [srcPath, rebase] = getRebaseName(srcPath, target);
    }
  }
  const res = await ctx.client().open('GET', `/containers/${container}/archive`, {
    query: { path: srcPath },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  try {
    if (dstPath === '-') {
      await copyToOutput(res, ctx.stdout);
      return;
    }
    const stat = decodeStat(res);
    const srcInfo: CopyInfo = {
      path: srcPath,
      exists: true,
      isDir: stat !== undefined && stat.mode >= MODE_DIR,
      rebaseName: rebase,
    };
    const dstInfo = await copyInfoDestinationPath(dstPath);
    const prepared = prepareArchiveCopy(srcInfo, dstInfo);
    const first: [string, string] | undefined =
      rebase === '' ? undefined : [splitPathDirEntry(srcInfo.path)[1], rebase];
    const show = progress(ctx, quiet);
    const body = counted(res);
    await unpackLocal(body.stream, prepared.dstDir, [first, prepared.rebase]);
    show.finish(body.bytes(), dstPath);
  } finally {
    res.destroy();
  }
}

async function copyToContainer(
  ctx: CliContext,
  container: string,
  srcArg: string,
  dstPath: string,
  opts: CpOptions,
  quiet: boolean,
): Promise<void> {
  const srcPath = srcArg === '-' ? '-' : absoluteLocal(srcArg);
  const dstInfo: CopyInfo = { path: dstPath, exists: false, isDir: false, rebaseName: '' };
  let stat = await statPath(ctx, container, dstPath);
  if (stat !== undefined && isSymlink(stat.mode)) {
    let target = stat.linkTarget;
    if (!target.startsWith('/')) target = posix.join(splitPathDirEntry(dstPath)[0], target);
    dstInfo.path = target;
    stat = await statPath(ctx, container, target);
  }
  if (stat !== undefined) {
    // command.ValidateOutputPathFileMode: only devices (and Go's "irregular" files) are refused.
    if (Math.floor(stat.mode / MODE_DEVICE) % 2 === 1) {
      throw new StatusError(
        `destination "${container}:${dstPath}" must be a directory or a regular file: got a device`,
        EXIT_FAILURE,
      );
    }
    dstInfo.exists = true;
    dstInfo.isDir = stat.mode >= MODE_DIR;
  }
  let content: NodeJS.ReadableStream;
  let target: string;
  if (srcPath === '-') {
    if (!dstInfo.isDir)
      throw new StatusError(`destination "${container}:${dstPath}" must be a directory`, EXIT_FAILURE);
    content = ctx.stdin ?? process.stdin;
    target = dstInfo.path;
  } else {
    const srcInfo = await copyInfoSourcePath(srcPath, opts.followLink === true);
    const prepared = prepareArchiveCopy(srcInfo, dstInfo);
    const top = srcInfo.rebaseName !== '' ? srcInfo.rebaseName : splitPathDirEntry(srcInfo.path)[1];
    content = packLocal(srcInfo, rebaseName(top, prepared.rebase));
    target = prepared.dstDir;
  }
  const show = progress(ctx, quiet);
  const body = counted(content);
  const res = await ctx.client().open('PUT', `/containers/${container}/archive`, {
    query: {
      path: target,
      noOverwriteDirNonDir: 'true',
      ...(opts.archive === true ? { copyUIDGID: 'true' } : {}),
    },
    upload: { stream: body.stream, contentType: 'text/plain' },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  res.resume();
  show.finish(body.bytes(), `${container}:${dstInfo.path}`);
}
