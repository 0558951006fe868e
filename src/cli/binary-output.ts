/**
 * Copying a byte stream (an image archive from `save`, a container's from `export`) to where the user asked for it, with
 * backpressure so that a multi-gigabyte archive is never held in memory: to a file written
 * atomically, as docker's atomicwriter (a temporary file in the same directory, renamed into
 * place once complete, mode 0600), or to stdout.
 */

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EXIT_FAILURE, StatusError } from './cli-error.js';
import type { CliContext, Output } from './context.js';

/**
 * docker's save and export: refuse a terminal, check `-o` before asking the daemon, then
 * stream the response to the file (atomically) or to stdout. `failure` prefixes path errors
 * ("failed to save image", "failed to export container").
 */
export async function downloadToOutput(
  ctx: CliContext,
  options: {
    output: string;
    failure: string;
    open: () => Promise<NodeJS.ReadableStream & { destroy(): void }>;
  },
): Promise<void> {
  const { output, failure } = options;
  if (output === '' && ctx.stdout.isTTY) {
    throw new StatusError(
      'cowardly refusing to save to a terminal. Use the -o flag or redirect',
      EXIT_FAILURE,
    );
  }
  if (output !== '') {
    const invalid = await invalidDestination(output);
    if (invalid !== undefined) throw new StatusError(`${failure}: ${invalid}`, EXIT_FAILURE);
  }
  const res = await options.open();
  try {
    if (output === '') await copyToOutput(res, ctx.stdout);
    else {
      try {
        await writeFileAtomic(output, res);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.syscall === 'open')
          throw new StatusError(`${failure}: ${goFileError(e, 'open', output)}`, EXIT_FAILURE);
        throw err;
      }
    }
  } finally {
    res.destroy();
  }
}

/**
 * atomicwriter's checks on an output path, run before anything is asked of the daemon: the
 * directory must exist and the target, if present, be a regular file. Returns the error text.
 */
export async function invalidDestination(path: string): Promise<string | undefined> {
  if (path === '') return 'file name is empty';
  const dir = dirname(path);
  if (dir !== '.' && dir !== '..') {
    try {
      if (!(await stat(dir)).isDirectory()) return `invalid output path: stat ${dir}: not a directory`;
    } catch (err) {
      return `invalid output path: ${goFileError(err, 'stat', dir)}`;
    }
  }
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `failed to stat output path: ${goFileError(err, 'lstat', path)}`;
  }
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'cannot write to a directory';
  if (st.isSymbolicLink()) return 'cannot write to a symbolic link directly';
  if (st.isFIFO()) return 'cannot write to a named pipe (FIFO)';
  if (st.isSocket()) return 'cannot write to a socket';
  if (st.isCharacterDevice()) return 'cannot write to a character device file';
  return 'cannot write to a block device file';
}

/** Writes `source` to `path` atomically; nothing is left at `path` if the copy fails. */
export async function writeFileAtomic(path: string, source: NodeJS.ReadableStream): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.tmp-${basename(target)}${randomBytes(6).toString('hex')}`);
  try {
    await pipeline(source, createWriteStream(temp, { mode: 0o600, flags: 'wx' }));
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Copies `source` to an Output: a real stream gets a pipeline (backpressure, binary safe);
 * anything else (tests' memory outputs) receives the chunks as latin1 text.
 */
export async function copyToOutput(source: NodeJS.ReadableStream, out: Output): Promise<void> {
  if (out instanceof Writable) {
    await pipeline(source, out, { end: false });
    return;
  }
  for await (const chunk of source) {
    out.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
  }
}

/** Go's os.Open/os.Create wording for a Node fs error: `open /x: no such file or directory`. */
export function goFileError(err: unknown, op: string, path: string): string {
  const e = err as NodeJS.ErrnoException;
  const texts: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    EEXIST: 'file exists',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
  };
  const text = (e.code && texts[e.code]) ?? e.message;
  return `${op} ${path}: ${text}`;
}
