/**
 * `lading cp` against the fake engine: both directions, docker's naming rules (into an
 * existing directory, to a new name), `-` both ways, the flags it sends and the summary line.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import tarStream from 'tar-stream';
import { tar } from '../../../test/fixtures/tar-builder.js';
import { testBase } from '../../../test/support/test-base.js';
import {
  queryOf,
  sendJson,
  startFakeEngine,
  type FakeEngine,
  type RecordedRequest,
} from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';
import { splitCpArg } from './cp.js';

const MODE_DIR = 2 ** 31;
const FILE_TAR = tar([{ type: 'file', name: 'a.txt', content: 'hello', mode: 0o640 }]);
const DIR_TAR = tar([
  { type: 'dir', name: 'data/' },
  { type: 'file', name: 'data/a.txt', content: 'hello' },
  { type: 'dir', name: 'data/sub/' },
  { type: 'file', name: 'data/sub/b.txt', content: 'bee' },
]);

interface Stat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** The container's paths as the fake daemon knows them. */
const PATHS: Record<string, { stat: Stat; tar?: Buffer }> = {
  '/data/a.txt': {
    stat: { name: 'a.txt', size: 5, mode: 0o640, mtime: '2024-01-01T00:00:00Z', linkTarget: '' },
    tar: FILE_TAR,
  },
  '/data': {
    stat: { name: 'data', size: 4096, mode: MODE_DIR + 0o755, mtime: '2024-01-01T00:00:00Z', linkTarget: '' },
    tar: DIR_TAR,
  },
  '/tmp': {
    stat: { name: 'tmp', size: 4096, mode: MODE_DIR + 0o1777, mtime: '2024-01-01T00:00:00Z', linkTarget: '' },
  },
  '/link': {
    stat: { name: 'link', size: 4, mode: 2 ** 27 + 0o777, mtime: '2024-01-01T00:00:00Z', linkTarget: '/tmp' },
  },
};

function statHeader(stat: Stat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

function archiveHandler(req: RecordedRequest, res: http.ServerResponse): void {
  const path = queryOf(req).get('path') ?? '';
  const known = PATHS[path];
  if (known === undefined) {
    if (req.method === 'HEAD') {
      res.writeHead(404);
      res.end();
      return;
    }
    sendJson(res, 404, { message: `Could not find the file ${path} in container web` });
    return;
  }
  res.writeHead(200, {
    'X-Docker-Container-Path-Stat': statHeader(known.stat),
    'Content-Type': 'application/x-tar',
  });
  res.end(req.method === 'GET' ? known.tar : undefined);
}

async function tarNames(body: Buffer): Promise<{ name: string; content: string }[]> {
  const extract = tarStream.extract();
  Readable.from([body]).pipe(extract);
  const out = [];
  for await (const entry of extract) {
    let content = '';
    for await (const chunk of entry) content += (chunk as Buffer).toString();
    out.push({ name: entry.header.name, content });
  }
  return out;
}

describe('lading cp', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    engine = await startFakeEngine({
      'HEAD /containers/web/archive': archiveHandler,
      'GET /containers/web/archive': archiveHandler,
      'PUT /containers/web/archive': (req, res) => {
        const path = queryOf(req).get('path') ?? '';
        if (PATHS[path] === undefined) {
          sendJson(res, 404, { message: `Could not find the file ${path} in container web` });
          return;
        }
        res.writeHead(200);
        res.end();
      },
    });
    env = { DOCKER_HOST: engine.host };
    dir = mkdtempSync(join(testBase(), 'lading-cli-cp-'));
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('splits CONTAINER:PATH as docker does', () => {
    assert.deepEqual(splitCpArg('web:/etc'), { container: 'web', path: '/etc' });
    assert.deepEqual(splitCpArg('/abs:x'), { container: '', path: '/abs:x' });
    assert.deepEqual(splitCpArg('./file:name'), { container: '', path: './file:name' });
    assert.deepEqual(splitCpArg('plain'), { container: '', path: 'plain' });
  });

  it('streams the container tar to stdout with "-"', async () => {
    const r = await runLading(['cp', 'web:/data/a.txt', '-'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Buffer.from(r.stdout, 'latin1').equals(FILE_TAR));
    assert.equal(queryOf(engine.requests.at(-1)).get('path'), '/data/a.txt');
  });

  it('copies a file into an existing directory and prints docker 28 summary on a terminal', async () => {
    const into = join(dir, 'into');
    mkdirSync(into);
    const r = await runLading(['cp', 'web:/data/a.txt', `${into}/`], { env, stdoutTTY: true });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(into, 'a.txt'), 'utf8'), 'hello');
    assert.equal(FILE_TAR.length, 2048);
    assert.equal(r.stderr, `Successfully copied 2.05kB to ${into}/\n`);
  });

  it('copies a file to a new name and a directory to a new directory name', async () => {
    const r1 = await runLading(['cp', 'web:/data/a.txt', join(dir, 'renamed.txt')], { env });
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(r1.stderr, '', 'quiet when stdout is not a terminal');
    assert.equal(readFileSync(join(dir, 'renamed.txt'), 'utf8'), 'hello');
    const r2 = await runLading(['cp', 'web:/data', join(dir, 'copy')], { env });
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(readFileSync(join(dir, 'copy/sub/b.txt'), 'utf8'), 'bee');
    assert.equal(existsSync(join(dir, 'copy/data')), false);
  });

  it('-L follows a symlink source through its stat linkTarget', async () => {
    const r = await runLading(['cp', '-L', 'web:/link', '-'], { env });
    assert.equal(r.code, 0, r.stderr);
    const last = engine.requests.slice(-2);
    assert.deepEqual(
      last.map((q) => [q.method, queryOf(q).get('path')]),
      [
        ['HEAD', '/link'],
        ['GET', '/tmp'],
      ],
    );
  });

  it('reports a missing container path with the daemon message', async () => {
    const r = await runLading(['cp', 'web:/nope', dir], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Could not find the file \/nope in container web/);
  });

  it('uploads a local file into a container directory with docker query flags', async () => {
    const src = join(dir, 'up.txt');
    writeFileSync(src, 'uploaded');
    const r = await runLading(['cp', '-a', src, 'web:/tmp'], { env, stdoutTTY: true });
    assert.equal(r.code, 0, r.stderr);
    const put = engine.requests.filter((q) => q.method === 'PUT').at(-1);
    const query = queryOf(put);
    assert.equal(query.get('path'), '/tmp');
    assert.equal(query.get('noOverwriteDirNonDir'), 'true');
    assert.equal(query.get('copyUIDGID'), 'true');
    assert.deepEqual(await tarNames(put?.raw ?? Buffer.alloc(0)), [{ name: 'up.txt', content: 'uploaded' }]);
    assert.match(r.stderr, /^Successfully copied \S+ to web:\/tmp\n$/);
  });

  it('renames the upload to a destination that does not exist, and follows a destination symlink', async () => {
    const src = join(dir, 'tree');
    mkdirSync(join(src, 'in'), { recursive: true });
    writeFileSync(join(src, 'in/f'), 'f');
    const r = await runLading(['cp', src, 'web:/tmp/newname'], { env });
    assert.equal(r.code, 0, r.stderr);
    const put = engine.requests.filter((q) => q.method === 'PUT').at(-1);
    assert.equal(queryOf(put).get('path'), '/tmp');
    assert.equal(queryOf(put).get('copyUIDGID'), null);
    assert.deepEqual(
      (await tarNames(put?.raw ?? Buffer.alloc(0))).map((e) => e.name),
      ['newname/', 'newname/in/', 'newname/in/f'],
    );
    const viaLink = await runLading(['cp', join(dir, 'up.txt'), 'web:/link'], { env });
    assert.equal(viaLink.code, 0, viaLink.stderr);
    assert.equal(queryOf(engine.requests.filter((q) => q.method === 'PUT').at(-1)).get('path'), '/tmp');
  });

  it('sends stdin as the archive with "-" and needs a directory destination', async () => {
    const r = await runLading(['cp', '-', 'web:/tmp'], { env, stdin: FILE_TAR });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      engine.requests
        .filter((q) => q.method === 'PUT')
        .at(-1)
        ?.raw.equals(FILE_TAR),
    );
    const bad = await runLading(['cp', '-', 'web:/data/a.txt'], { env, stdin: FILE_TAR });
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'destination "web:/data/a.txt" must be a directory\n');
  });

  it('refuses local-to-local and container-to-container copies with docker wording', async () => {
    const local = await runLading(['cp', 'a', 'b'], { env });
    assert.equal(local.code, 1);
    assert.equal(local.stderr, 'must specify at least one container source\n');
    const across = await runLading(['cp', 'web:/a', 'other:/b'], { env });
    assert.equal(across.stderr, 'copying between containers is not supported\n');
  });
});
