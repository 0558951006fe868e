import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { queryOf, sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';

const PROMPT = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ';
const REPORT = {
  ImagesDeleted: [{ Untagged: 'imp:1' }, { Deleted: `sha256:${'c'.repeat(64)}` }],
  SpaceReclaimed: 1_234_567,
};

describe('lading image prune', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({ 'POST /images/prune': (_req, res) => sendJson(res, 200, REPORT) });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());

  const prunes = (): number => engine.requests.filter((r) => r.url.includes('/images/prune')).length;

  it('asks first; "n" on piped stdin cancels quietly with exit 0', async () => {
    const before = prunes();
    const r = await runLading(['image', 'prune'], { env, stdin: 'n\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, PROMPT);
    assert.equal(prunes(), before);
    const empty = await runLading(['image', 'prune'], { env, stdin: '' });
    assert.equal(empty.stdout, PROMPT);
    assert.equal(prunes(), before);
  });

  it('"y" prunes dangling images and reports as docker', async () => {
    const r = await runLading(['image', 'prune'], { env, stdin: ' Y \nmore\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `${PROMPT}Deleted Images:\nuntagged: imp:1\ndeleted: sha256:${'c'.repeat(64)}\n\nTotal reclaimed space: 1.235MB\n`,
    );
    assert.equal(queryOf(engine.requests.at(-1)).get('filters'), '{"dangling":{"true":true}}');
  });

  it('-a -f with filters: no question, dangling=false', async () => {
    const r = await runLading(
      ['image', 'prune', '-a', '-f', '--filter', 'until=24h', '--filter', 'label=x'],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /WARNING/);
    assert.equal(
      queryOf(engine.requests.at(-1)).get('filters'),
      '{"dangling":{"false":true},"label":{"x":true},"until":{"24h":true}}',
    );
    const all = await runLading(['image', 'prune', '-a'], { env, stdin: 'n\n' });
    assert.equal(
      all.stdout,
      'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] ',
    );
  });

  it('an interrupt while asking ends with a newline and exit 130', async () => {
    const controller = new AbortController();
    const stdin = new PassThrough(); // never answers
    const pending = runLading(['image', 'prune'], { env, stdin, signal: controller.signal });
    setTimeout(() => controller.abort('SIGINT'), 50);
    const r = await pending;
    assert.equal(r.code, 130);
    assert.equal(r.stdout, `${PROMPT}\n`);
    assert.equal(r.stderr, '');
    stdin.end();
  });

  it('nothing to prune prints only the total', async () => {
    engine.routes.set('POST /images/prune', (_req, res) =>
      sendJson(res, 200, { ImagesDeleted: null, SpaceReclaimed: 0 }),
    );
    const r = await runLading(['image', 'prune', '-f'], { env });
    assert.equal(r.stdout, 'Total reclaimed space: 0B\n');
  });
});
