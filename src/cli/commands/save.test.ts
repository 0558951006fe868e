import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../program.js';
import { memoryOutput, queryOf, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';
import { testBase } from '../../../test/support/test-base.js';

const ARCHIVE = Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a);

describe('lading save', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    engine = await startFakeEngine({
      'GET /images/get': (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/x-tar' });
        res.end(ARCHIVE);
      },
    });
    env = { DOCKER_HOST: engine.host };
    dir = mkdtempSync(join(testBase(), 'lading-cli-save-'));
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to write to a terminal, before asking the daemon', async () => {
    const before = engine.requests.length;
    const r = await runLading(['save', 'busybox'], { env, stdoutTTY: true });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'cowardly refusing to save to a terminal. Use the -o flag or redirect\n');
    assert.equal(engine.requests.length, before);
  });

  it('-o writes the archive atomically with mode 0600', async () => {
    const out = join(dir, 'images.tar');
    const r = await runLading(['image', 'save', '-o', out, 'busybox', 'app:1.0'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(out).equals(ARCHIVE));
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['images.tar']);
    assert.deepEqual(queryOf(engine.requests.at(-1)).getAll('names'), ['busybox', 'app:1.0']);
  });

  it('streams to a redirected stdout', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const stderr = memoryOutput();
    const code = await runCli(['-H', engine.host, 'save', 'busybox'], { stdout: sink, stderr, env: {} });
    assert.equal(code, 0, stderr.text());
    assert.ok(Buffer.concat(chunks).equals(ARCHIVE));
  });

  it('rejects a bad output path as docker', async () => {
    const r = await runLading(['save', '-o', join(dir, 'missing', 'x.tar'), 'busybox'], { env });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `failed to save image: invalid output path: stat ${join(dir, 'missing')}: no such file or directory\n`,
    );
    const d = await runLading(['save', '-o', dir, 'busybox'], { env });
    assert.equal(d.stderr, 'failed to save image: cannot write to a directory\n');
  });
});
