/** The stdio hub with real Node streams: fan-out, disconnects, stdin rules, detach, slow clients, logging. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { JsonFileWriter } from '../logs/json-file-writer.js';
import { StdioHub } from './stdio-hub.js';
import { serveAttach } from './serve-attach.js';
import { DEFAULT_DETACH_KEYS } from './detach-keys.js';
import { readJsonFileLog } from '../logs/json-file-reader.js';

/** A client side: what it received, per stream. */
class Sink extends Writable {
  data = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.data += chunk.toString();
    done();
  }
}

/** A client that never reads: its writes stay queued. */
class Stuck extends Writable {
  constructor() {
    super({ highWaterMark: 16 });
  }
  override _write(_chunk: Buffer, _enc: BufferEncoding, _done: (err?: Error | null) => void): void {
    // never calls done
  }
}

function processStreams(withStdin = true): {
  stdout: PassThrough;
  stderr: PassThrough;
  stdin: PassThrough;
  stdinData: () => string;
} {
  const stdin = new PassThrough();
  let received = '';
  stdin.on('data', (c: Buffer) => (received += c.toString()));
  return {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: withStdin ? stdin : (undefined as never),
    stdinData: () => received,
  };
}

describe('stdio hub', () => {
  const cleanup = useCleanup();

  it('fans output out to two clients by stream, logs it, and ends both after the output', async () => {
    const dirs = makeTestDirs('stdio-hub');
    cleanup.directory(dirs.root);
    const path = join(dirs.dataRoot, 'c-json.log');
    const log = await JsonFileWriter.open({ path, maxSize: -1, maxFile: 1, attrs: {} });
    const hub = new StdioHub({ tty: false, stdinOnce: false });
    const both = { stdout: new Sink(), stderr: new Sink() };
    const onlyOut = { stdout: new Sink() };
    // Attached before the process exists, as `docker run` does.
    const a = hub.attach(both);
    const b = hub.attach(onlyOut);
    const proc = processStreams(false);
    const running = hub.run({ stdout: proc.stdout, stderr: proc.stderr }, log);
    proc.stdout.write('out 1\n');
    proc.stderr.write('err 1\n');
    proc.stdout.end('out 2\n');
    proc.stderr.end();
    await running;
    assert.equal(await a.done, 'exited');
    assert.equal(await b.done, 'exited');
    assert.equal(both.stdout.data, 'out 1\nout 2\n');
    assert.equal(both.stderr.data, 'err 1\n');
    assert.equal(onlyOut.stdout.data, 'out 1\nout 2\n');
    await log.close();
    const logged = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { log: string; stream: string });
    assert.deepEqual(logged.map((e) => `${e.stream}:${e.log}`).sort(), [
      'stderr:err 1\n',
      'stdout:out 1\n',
      'stdout:out 2\n',
    ]);
    assert.equal(hub.running, false);
  });

  it('removes a client that goes away without disturbing the other', async () => {
    const hub = new StdioHub({ tty: false, stdinOnce: false });
    const proc = processStreams(false);
    const running = hub.run({ stdout: proc.stdout, stderr: proc.stderr });
    const leaving = new AbortController();
    const first = { stdout: new Sink() };
    const second = { stdout: new Sink() };
    const a = hub.attach(first, { signal: leaving.signal });
    const b = hub.attach(second);
    proc.stdout.write('both\n');
    await sleep(10);
    leaving.abort();
    assert.equal(await a.done, 'client-gone');
    proc.stdout.write('second only\n');
    // A client whose connection closes is also gone.
    const third = { stdout: new Sink() };
    const c = hub.attach(third);
    third.stdout.destroy();
    assert.equal(await c.done, 'client-gone');
    proc.stdout.end();
    proc.stderr.end();
    await running;
    assert.equal(await b.done, 'exited');
    assert.equal(first.stdout.data, 'both\n');
    assert.equal(second.stdout.data, 'both\nsecond only\n');
  });

  it('StdinOnce without a TTY: the first client stdin EOF closes the process stdin, output goes on', async () => {
    const hub = new StdioHub({ tty: false, stdinOnce: true });
    const proc = processStreams();
    let stdinEnded = false;
    proc.stdin.on('end', () => (stdinEnded = true));
    const clientIn = new PassThrough();
    const other = new PassThrough();
    const client = { stdin: clientIn, stdout: new Sink() };
    const a = hub.attach(client);
    const b = hub.attach({ stdin: other, stdout: new Sink() });
    const running = hub.run(proc);
    clientIn.write('hello ');
    other.write('world');
    clientIn.end();
    await sleep(20);
    assert.equal(stdinEnded, true);
    assert.equal(proc.stdinData(), 'hello world');
    proc.stdout.end('bye\n');
    proc.stderr.end();
    await running;
    assert.equal(await a.done, 'exited');
    assert.equal(await b.done, 'exited');
    assert.equal(client.stdout.data, 'bye\n');
  });

  it('without StdinOnce a client stdin EOF ends that attach only; the process stdin stays open', async () => {
    const hub = new StdioHub({ tty: false, stdinOnce: false });
    const proc = processStreams();
    let stdinEnded = false;
    proc.stdin.on('end', () => (stdinEnded = true));
    const running = hub.run(proc);
    const clientIn = new PassThrough();
    const a = hub.attach({ stdin: clientIn, stdout: new Sink() });
    const stays = { stdout: new Sink() };
    const b = hub.attach(stays);
    clientIn.end('data');
    assert.equal(await a.done, 'stdin-ended');
    await sleep(10);
    assert.equal(stdinEnded, false);
    assert.equal(proc.stdinData(), 'data');
    proc.stdout.end('still here\n');
    proc.stderr.end();
    await running;
    assert.equal(await b.done, 'exited');
    assert.equal(stays.stdout.data, 'still here\n');
  });

  it('with a TTY, detach keys split across chunks end the attach and leave the process running', async () => {
    const hub = new StdioHub({ tty: true, stdinOnce: true });
    const proc = processStreams();
    const running = hub.run({ stdout: proc.stdout, stdin: proc.stdin });
    const clientIn = new PassThrough();
    const client = { stdin: clientIn, stdout: new Sink() };
    const a = hub.attach(client, { detachKeys: Uint8Array.from([1, 4]) });
    clientIn.write('ls\r');
    clientIn.write(Buffer.from([1]));
    await sleep(10);
    assert.equal(proc.stdinData(), 'ls\r', 'the partial sequence is held back');
    clientIn.write(Buffer.from([4, 0x78]));
    assert.equal(await a.done, 'detached');
    assert.equal(proc.stdinData(), 'ls\r');
    assert.equal(hub.running, true);
    // Another client can attach and see the output.
    const next = { stdout: new Sink() };
    const b = hub.attach(next);
    proc.stdout.end('prompt$ ');
    await running;
    assert.equal(await b.done, 'exited');
    assert.equal(next.stdout.data, 'prompt$ ');
  });

  it('without a TTY the detach keys are data, as in dockerd', async () => {
    const hub = new StdioHub({ tty: false, stdinOnce: false });
    const proc = processStreams();
    const running = hub.run(proc);
    const clientIn = new PassThrough();
    const a = hub.attach({ stdin: clientIn, stdout: new Sink() });
    clientIn.write(Buffer.from([16, 17]));
    await sleep(10);
    assert.deepEqual([...Buffer.from(proc.stdinData(), 'latin1')], [16, 17]);
    proc.stdout.end();
    proc.stderr.end();
    await running;
    assert.equal(await a.done, 'exited');
  });

  it('holds output for a slow client, then cuts it off and lets the others go on', async () => {
    const hub = new StdioHub({
      tty: false,
      stdinOnce: false,
      clientHighWater: 1024,
      slowClientTimeoutMs: 200,
    });
    const proc = processStreams(false);
    const running = hub.run({ stdout: proc.stdout, stderr: proc.stderr });
    const stuck = hub.attach({ stdout: new Stuck() });
    const fine = { stdout: new Sink() };
    const ok = hub.attach(fine);
    const chunk = 'x'.repeat(4096);
    for (let i = 0; i < 10; i++) proc.stdout.write(chunk);
    await sleep(50);
    assert.equal(proc.stdout.isPaused(), true, 'output is held while the slow client is over its limit');
    assert.ok(fine.stdout.data.length < 10 * 4096);
    assert.equal(await stuck.done, 'too-slow');
    assert.equal(proc.stdout.isPaused(), false, 'output resumes once the slow client is cut off');
    proc.stdout.end();
    proc.stderr.end();
    await running;
    assert.equal(await ok.done, 'exited');
    assert.equal(fine.stdout.data.length, 10 * 4096, 'nothing was lost for the client that reads');
  });

  it('endAll ends attaches waiting for a process that never started', async () => {
    const hub = new StdioHub({ tty: false, stdinOnce: false });
    const a = hub.attach({ stdout: new Sink() });
    hub.endAll();
    assert.equal(await a.done, 'exited');
    assert.equal(hub.attachedCount, 0);
  });
});

describe('serveAttach', () => {
  const cleanup = useCleanup();

  it('replays the stored log (logs=1) and then streams live output', async () => {
    const dirs = makeTestDirs('serve-attach');
    cleanup.directory(dirs.root);
    const path = join(dirs.dataRoot, 'c-json.log');
    const log = await JsonFileWriter.open({ path, maxSize: -1, maxFile: 1, attrs: {} });
    log.write('stdout', Buffer.from('old out\n'));
    log.write('stderr', Buffer.from('old err\n'));
    await log.flush();
    const hub = new StdioHub({ tty: false, stdinOnce: false });
    const proc = processStreams(false);
    const running = hub.run({ stdout: proc.stdout, stderr: proc.stderr }, log);
    const client = { stdout: new Sink(), stderr: new Sink() };
    const serving = serveAttach(hub, client, {
      stdin: false,
      stdout: true,
      stderr: false,
      stream: true,
      logs: true,
      detachKeys: DEFAULT_DETACH_KEYS,
      readLog: () =>
        readJsonFileLog({ path, stdout: true, stderr: true, tail: 'all', since: 0, until: 0, follow: false }),
      signal: new AbortController().signal,
    });
    await sleep(20);
    proc.stdout.end('new out\n');
    proc.stderr.end('new err\n');
    await running;
    assert.equal(await serving, 'exited');
    await log.close();
    assert.equal(client.stdout.data, 'old out\nnew out\n');
    assert.equal(client.stderr.data, '', 'stderr was not asked for');
  });
});
