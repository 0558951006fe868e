import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { queryOf, sendJsonLines, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';
import { testBase } from '../../../test/support/test-base.js';

const MiB = 1024 * 1024;

describe('lading load', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    engine = await startFakeEngine({
      'POST /images/load': (_req, res) =>
        sendJsonLines(res, [
          { stream: 'Loaded image: busybox:latest\n' },
          { stream: 'Loaded image ID: sha256:1\n' },
        ]),
    });
    env = { DOCKER_HOST: engine.host };
    dir = mkdtempSync(join(testBase(), 'lading-cli-load-'));
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams a file in chunks and prints what the daemon loaded', async () => {
    const file = join(dir, 'image.tar');
    const data = Buffer.alloc(8 * MiB, 7);
    writeFileSync(file, data);
    const r = await runLading(['load', '-i', file], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Loaded image: busybox:latest\nLoaded image ID: sha256:1\n');
    const req = engine.requests.at(-1);
    assert.equal(req?.headers['transfer-encoding'], 'chunked');
    assert.equal(req?.headers['content-type'], 'application/x-tar');
    assert.ok((req?.chunks ?? 0) > 1, `body arrived in ${req?.chunks} pieces`);
    assert.ok(req?.raw.equals(data));
    assert.equal(queryOf(req).get('quiet'), '1'); // stdout is not a terminal
  });

  it('sends stdin while it is still being produced (never buffers the archive)', async () => {
    // The second half is only produced after the daemon has received the first: a client that
    // read all of stdin before sending would wait forever.
    let firstArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
    engine.onChunk = () => firstArrived();
    async function* produce(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(2 * MiB, 1);
      await arrived;
      yield Buffer.alloc(2 * MiB, 2);
    }
    try {
      const r = await runLading(['image', 'load', '-q'], { env, stdin: Readable.from(produce()) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(engine.requests.at(-1)?.raw.length, 4 * MiB);
    } finally {
      delete engine.onChunk;
    }
  });

  it('an error in the stream fails the command with its message', async () => {
    engine.routes.set('POST /images/load', (_req, res) =>
      sendJsonLines(res, [{ errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' }]),
    );
    const r = await runLading(['load'], { env, stdin: 'not a tar' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'unexpected EOF\n');
  });

  it('refuses a terminal stdin and a missing file as docker', async () => {
    const tty = await runLading(['load'], { env, stdinTTY: true });
    assert.equal(tty.code, 1);
    assert.equal(tty.stderr, 'requested load from stdin, but stdin is empty\n');
    const missing = await runLading(['load', '-i', join(dir, 'nope.tar')], { env });
    assert.equal(missing.stderr, `open ${join(dir, 'nope.tar')}: no such file or directory\n`);
    const directory = await runLading(['load', '-i', dir], { env });
    assert.equal(directory.code, 1);
    assert.equal(
      directory.stderr,
      `error during connect: Post "http://${encodeURIComponent(engine.socketPath)}/v1.47/images/load?quiet=1": read ${dir}: is a directory\n`,
    );
  });
});
