import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { queryOf, sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';

describe('lading rmi', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'DELETE /images/busybox': (_req, res) =>
        sendJson(res, 200, [
          { Untagged: 'busybox:latest' },
          { Untagged: `busybox@sha256:${'9'.repeat(64)}` },
          { Deleted: `sha256:${'a'.repeat(64)}` },
        ]),
      'DELETE /images/app:1.0': (_req, res) => sendJson(res, 200, [{ Untagged: 'app:1.0' }]),
      'DELETE /images/nope': (_req, res) => sendJson(res, 404, { message: 'No such image: nope:latest' }),
      'DELETE /images/used': (_req, res) =>
        sendJson(res, 409, {
          message: `conflict: unable to remove repository reference "used" (must force) - container 0a1b2c3d4e5f is using its referenced image ${'b'.repeat(12)}`,
        }),
    });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());

  it('prints Untagged/Deleted lines', async () => {
    const r = await runLading(['rmi', 'busybox'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `Untagged: busybox:latest\nUntagged: busybox@sha256:${'9'.repeat(64)}\nDeleted: sha256:${'a'.repeat(64)}\n`,
    );
    assert.equal(queryOf(engine.requests.at(-1)).toString(), '');
  });

  it('continues past failures and exits 1 at the end', async () => {
    const r = await runLading(['rmi', 'nope', 'app:1.0', 'used'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'Untagged: app:1.0\n');
    assert.equal(
      r.stderr,
      'Error response from daemon: No such image: nope:latest\n' +
        `Error response from daemon: conflict: unable to remove repository reference "used" (must force) - container 0a1b2c3d4e5f is using its referenced image ${'b'.repeat(12)}\n`,
    );
  });

  it('-f: a missing image is only a warning; flags go in the query', async () => {
    const r = await runLading(['image', 'rm', '-f', '--no-prune', 'nope', 'app:1.0'], { env });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Untagged: app:1.0\n');
    assert.equal(r.stderr, 'Error response from daemon: No such image: nope:latest\n');
    const q = queryOf(engine.requests.at(-1));
    assert.equal(q.get('force'), '1');
    assert.equal(q.get('noprune'), '1');
    const conflict = await runLading(['rmi', '-f', 'nope', 'used'], { env });
    assert.equal(conflict.code, 1);
  });

  it('needs an image', async () => {
    const r = await runLading(['image', 'remove'], { env });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      "lading: 'lading image rm' requires at least 1 argument\n\nUsage:  lading image rm [OPTIONS] IMAGE [IMAGE...]\n\nSee 'lading image rm --help' for more information\n",
    );
  });
});
