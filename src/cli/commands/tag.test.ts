import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { queryOf, sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';

describe('lading tag', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'POST /images/busybox/tag': (_req, res) => {
        res.writeHead(201);
        res.end();
      },
      'POST /images/nope/tag': (_req, res) => sendJson(res, 404, { message: 'No such image: nope:latest' }),
    });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());

  it('sends the normalized repository and the tag (latest by default)', async () => {
    const r = await runLading(['tag', 'busybox', 'mybox'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(queryOf(engine.requests.at(-1)).toString(), 'repo=docker.io%2Flibrary%2Fmybox&tag=latest');
    await runLading(['image', 'tag', 'busybox', 'localhost:5000/team/app:v2'], { env });
    assert.equal(queryOf(engine.requests.at(-1)).toString(), 'repo=localhost%3A5000%2Fteam%2Fapp&tag=v2');
  });

  it("refuses bad targets with docker's wording, without asking the daemon", async () => {
    const before = engine.requests.length;
    const bad = await runLading(['tag', 'busybox', 'Bad:x'], { env });
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'Error parsing reference: "Bad:x" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase\n',
    );
    const digest = await runLading(['tag', 'busybox', `x@sha256:${'a'.repeat(64)}`], { env });
    assert.equal(digest.stderr, 'refusing to create a tag with a digest reference\n');
    assert.equal(engine.requests.length, before);
  });

  it("reports the daemon's error; needs exactly two arguments", async () => {
    const r = await runLading(['tag', 'nope', 'x'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error response from daemon: No such image: nope:latest\n');
    const one = await runLading(['tag', 'busybox'], { env });
    assert.equal(one.code, 1);
    assert.match(
      one.stderr,
      /^lading: 'lading tag' requires 2 arguments\n\nUsage: {2}lading tag SOURCE_IMAGE\[:TAG\] TARGET_IMAGE\[:TAG\]\n/,
    );
  });
});
