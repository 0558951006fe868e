/**
 * ProcessFifos' open/EOF rules with this test playing the shim (the same opens the shim
 * makes); grpc-containerd-client.test.ts runs them against the real shim.
 */
import assert from 'node:assert/strict';
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { NotFoundError } from '../errors/index.js';
import { ProcessFifos } from './process-fifos.js';

function ended(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      texts.set(stream, text);
    });
    stream.once('end', () => resolve(text));
    stream.once('error', reject);
  });
}

describe('process FIFOs', () => {
  const cleanup = useCleanup();
  const { root } = makeTestDirs('fifos');
  cleanup.directory(root);

  it('creates stdin, stdout and stderr FIFOs; output ends only after the shim has opened and closed', async () => {
    const dir = join(root, 'c1');
    const io = await ProcessFifos.create({ dir, stdin: true, terminal: false });
    cleanup.defer('fifos c1', () => io.close());
    assert.deepEqual(io.stdio, {
      stdin: join(dir, 'stdin'),
      stdout: join(dir, 'stdout'),
      stderr: join(dir, 'stderr'),
      terminal: false,
    });
    for (const path of [io.stdio.stdin!, io.stdio.stdout!, io.stdio.stderr!])
      assert.ok(statSync(path).isFIFO());

    let stdoutEnded = false;
    const stdout = ended(io.stdout).then((text) => ((stdoutEnded = true), text));
    const stderr = ended(io.stderr!);
    // No writer of the shim yet: the placeholder keeps the reader from an early EOF.
    await sleep(50);
    assert.equal(stdoutEnded, false);

    // The shim's opens: O_WRONLY on the outputs succeeds at once (our reader exists).
    const out = openSync(io.stdio.stdout!, constants.O_WRONLY);
    const err = openSync(io.stdio.stderr!, constants.O_WRONLY);
    const input = openSync(io.stdio.stdin!, constants.O_RDONLY | constants.O_NONBLOCK);
    io.shimOpened();

    writeSync(out, 'to stdout\n');
    writeSync(err, 'to stderr\n');
    closeSync(out);
    closeSync(err);
    assert.equal(await stdout, 'to stdout\n');
    assert.equal(await stderr, 'to stderr\n');

    // stdin: what we write arrives; after end() the reader sees EOF (no writer left).
    await new Promise<void>((resolve) => io.stdin!.end('typed\n', resolve));
    await waitClosed(io.stdin!);
    const buffer = Buffer.alloc(64);
    assert.equal(buffer.toString('utf8', 0, readSync(input, buffer)), 'typed\n');
    assert.equal(readSync(input, buffer), 0);
    closeSync(input);

    await io.close();
    assert.equal(existsSync(dir), false);
    await io.close(); // twice is fine
  });

  it('has only stdout with a terminal, and replaces FIFOs a crashed daemon left behind', async () => {
    const dir = join(root, 'c2');
    const first = await ProcessFifos.create({ dir, stdin: false, terminal: true });
    first.shimOpened();
    first.stdout.destroy(); // as if the daemon died: the directory stays
    const io = await ProcessFifos.create({ dir, stdin: false, terminal: true });
    cleanup.defer('fifos c2', () => io.close());
    assert.deepEqual(io.stdio, { stdout: join(dir, 'stdout'), terminal: true });
    assert.equal(io.stderr, undefined);
    assert.equal(io.stdin, undefined);
    const out = openSync(io.stdio.stdout!, constants.O_WRONLY);
    io.shimOpened();
    writeSync(out, 'pty output\r\n');
    closeSync(out);
    assert.equal(await ended(io.stdout), 'pty output\r\n');
    await io.close();
  });

  it('detaches leaving the FIFOs, and a reopen reads what the shim wrote meanwhile', async () => {
    const dir = join(root, 'c3');
    const first = await ProcessFifos.create({ dir, stdin: true, terminal: false });
    cleanup.defer('fifos c3 (first)', () => first.close());
    // The shim's ends: a writer and a reader of its own on each output, a reader and a
    // writer of its own on stdin (containerd's pkg/process/io.go).
    const shim = {
      out: openSync(first.stdio.stdout!, constants.O_WRONLY),
      outReader: openSync(first.stdio.stdout!, constants.O_RDONLY | constants.O_NONBLOCK),
      err: openSync(first.stdio.stderr!, constants.O_WRONLY),
      errReader: openSync(first.stdio.stderr!, constants.O_RDONLY | constants.O_NONBLOCK),
      input: openSync(first.stdio.stdin!, constants.O_RDONLY | constants.O_NONBLOCK),
      inputWriter: openSync(first.stdio.stdin!, constants.O_WRONLY),
    };
    cleanup.defer('shim ends c3', () => {
      for (const fd of Object.values(shim)) {
        try {
          closeSync(fd);
        } catch {
          // closed by the test already
        }
      }
    });
    first.shimOpened();
    void ended(first.stdout);
    writeSync(shim.out, 'before\n');
    await waitFor(() => firstText(first.stdout) === 'before\n');

    first.detach();
    await waitClosed(first.stdout);
    assert.ok(statSync(first.stdio.stdout!).isFIFO(), 'detach leaves the FIFOs');
    await first.close(); // after detach: does nothing
    assert.ok(existsSync(dir));

    // ladingd is away: the shim's writes wait in the pipe (its own reader keeps it open).
    writeSync(shim.out, 'while away\n');
    writeSync(shim.err, 'err away\n');

    const io = ProcessFifos.reopen(dir, { stdin: true, terminal: false });
    cleanup.defer('fifos c3', () => io.close());
    assert.deepEqual(io.stdio, first.stdio);
    const stdout = ended(io.stdout);
    const stderr = ended(io.stderr!);
    writeSync(shim.out, 'after\n');
    // The process's output ends: the shim closes both of its ends of each output.
    for (const fd of [shim.out, shim.outReader, shim.err, shim.errReader]) closeSync(fd);
    assert.equal(await stdout, 'while away\nafter\n');
    assert.equal(await stderr, 'err away\n');

    // stdin reaches the shim's reader again; ending ours is not EOF while the shim holds its writer.
    await new Promise<void>((resolve) => io.stdin!.end('typed again\n', resolve));
    await waitClosed(io.stdin!);
    const buffer = Buffer.alloc(64);
    assert.equal(buffer.toString('utf8', 0, readSync(shim.input, buffer)), 'typed again\n');
    assert.throws(() => readSync(shim.input, buffer), { code: 'EAGAIN' });
    await io.close();
    assert.equal(existsSync(dir), false);
  });

  it('reopens without creating anything: a missing FIFO, a file or a symlink is refused', () => {
    const missing = join(root, 'c4-missing');
    assert.throws(() => ProcessFifos.reopen(missing, { stdin: false, terminal: true }), NotFoundError);
    assert.equal(existsSync(missing), false, 'reopen created the directory');

    const dir = join(root, 'c4');
    mkdirSync(dir);
    writeFileSync(join(dir, 'stdout'), 'not a fifo');
    assert.throws(() => ProcessFifos.reopen(dir, { stdin: false, terminal: true }), /is not a FIFO/);

    const linked = join(root, 'c4-link');
    mkdirSync(linked);
    symlinkSync(join(dir, 'stdout'), join(linked, 'stdout'));
    assert.throws(() => ProcessFifos.reopen(linked, { stdin: false, terminal: true }), { code: 'ELOOP' });
    // Without stderr, a terminal layout is complete; the other layout is missing stderr.
    assert.throws(() => ProcessFifos.reopen(dir, { stdin: false, terminal: false }), /is not a FIFO/);
  });

  it('reopens FIFOs whose shim is gone: the output ends at once', async () => {
    const dir = join(root, 'c5');
    const first = await ProcessFifos.create({ dir, stdin: false, terminal: false });
    first.shimOpened();
    first.detach();
    const io = ProcessFifos.reopen(dir, { stdin: false, terminal: false });
    cleanup.defer('fifos c5', () => io.close());
    assert.equal(await ended(io.stdout), '');
    assert.equal(await ended(io.stderr!), '');
    await io.close();
  });
});

const texts = new WeakMap<Readable, string>();

/** What `ended()` has collected from the stream so far. */
function firstText(stream: Readable): string {
  return texts.get(stream) ?? '';
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  assert.ok(condition());
}

function waitClosed(socket: {
  closed: boolean;
  once(event: 'close', listener: () => void): unknown;
}): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}
