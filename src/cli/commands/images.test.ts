import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { queryOf, sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { imageList } from '../testing/image-fixtures.js';
import { runLading } from '../testing/run-cli.js';

describe('lading images', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({ 'GET /images/json': (_req, res) => sendJson(res, 200, imageList()) });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());

  it("prints docker's default table", async () => {
    const r = await runLading(['images'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'REPOSITORY                TAG       IMAGE ID       CREATED        SIZE\n' +
        'app                       1.0       0123456789ab   3 days ago     77.8MB\n' +
        'localhost:5000/team/app   v2        0123456789ab   3 days ago     77.8MB\n' +
        'busybox                   latest    a416a98b71e2   2 weeks ago    4.26MB\n' +
        '<none>                    <none>    fedcba987654   2 months ago   1.12kB\n' +
        'alpine                    <none>    111111111111   2 years ago    7.8MB\n',
    );
    assert.equal(queryOf(engine.requests.at(-1)).toString(), '');
  });

  it('--digests adds a DIGEST column and a row per digest', async () => {
    const r = await runLading(['image', 'ls', '--digests'], { env });
    const lines = r.stdout.split('\n');
    assert.match(lines[0] ?? '', /^REPOSITORY {16}TAG {7}DIGEST {68}IMAGE ID {7}CREATED {8}SIZE$/);
    assert.match(lines[1] ?? '', /^app {23}1\.0 {7}<none> {68}0123456789ab /);
    assert.match(lines[2] ?? '', /^localhost:5000\/team\/app {3}v2 {8}sha256:9ae97d36/);
    assert.match(lines[5] ?? '', /^alpine {20}<none> {4}sha256:9ae97d36/);
  });

  it('-q prints one id per row; --no-trunc keeps full ids', async () => {
    const q = await runLading(['images', '-q'], { env });
    assert.equal(q.stdout, '0123456789ab\n0123456789ab\na416a98b71e2\nfedcba987654\n111111111111\n');
    const full = await runLading(['images', '-q', '--no-trunc'], { env });
    assert.match(full.stdout, /^sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n/);
  });

  it('sends -a, filters and the reference argument as docker does', async () => {
    const r = await runLading(['images', '-a', '-f', 'dangling=false', '--filter', 'label=a=b', 'busybox'], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    const q = queryOf(engine.requests.at(-1));
    assert.equal(q.get('all'), '1');
    assert.equal(
      q.get('filters'),
      '{"dangling":{"false":true},"label":{"a=b":true},"reference":{"busybox":true}}',
    );
  });

  it('--format json escapes as docker and sorts keys', async () => {
    const r = await runLading(['images', '--format', 'json'], { env });
    const first = r.stdout.split('\n')[0] ?? '';
    assert.match(
      first,
      /^\{"Containers":"N\/A","CreatedAt":"[^"]+","CreatedSince":"3 days ago","Digest":"\\u003cnone\\u003e","ID":"0123456789ab","Repository":"app","SharedSize":"N\/A","Size":"77.8MB","Tag":"1.0","UniqueSize":"N\/A","VirtualSize":"77.8MB"\}$/,
    );
  });

  it('custom table formats get docker headers', async () => {
    const r = await runLading(['images', '--format', 'table {{.ID}}\\t{{.Containers}}\\t{{.CreatedAt}}'], {
      env,
    });
    assert.match(r.stdout, /^IMAGE ID {7}CONTAINERS {3}CREATED AT\n/);
    assert.match(r.stdout, /\na416a98b71e2 {3}2 {12}\d{4}-/);
  });

  it('template errors print nothing and exit 1', async () => {
    const r = await runLading(['images', '--format', '{{.Nope}}'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `template parsing error: template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type *formatter.imageContext\n`,
    );
  });

  it('hints at "lading image ls" for "lading images ls" with no match', async () => {
    engine.routes.set('GET /images/json', (_req, res) => sendJson(res, 200, []));
    try {
      const r = await runLading(['images', 'ls'], { env });
      assert.equal(r.stdout, 'REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
      assert.equal(r.stderr, '\nNo images found matching "ls": did you mean "lading image ls"?\n');
    } finally {
      engine.routes.set('GET /images/json', (_req, res) => sendJson(res, 200, imageList()));
    }
  });

  it('argument and filter errors', async () => {
    const r = await runLading(['images', 'a', 'b'], { env });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^lading: 'lading images' requires at most 1 argument\n\nUsage: {2}lading images \[OPTIONS\] \[REPOSITORY\[:TAG\]\]\n/,
    );
    const f = await runLading(['images', '-f', 'x'], { env });
    assert.equal(f.code, 125);
  });
});
