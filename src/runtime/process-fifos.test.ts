/**
 * ProcessFifos' open/EOF rules with this test playing the shim (the same opens the shim
 * makes); grpc-containerd-client.test.ts runs them against the real shim.
 */
import assert from 'node:assert/strict';
import { closeSync, constants, existsSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { ProcessFifos } from './process-fifos.js';

function ended(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
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
});

function waitClosed(socket: {
  closed: boolean;
  once(event: 'close', listener: () => void): unknown;
}): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}
