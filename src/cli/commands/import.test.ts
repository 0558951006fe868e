import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryOf, sendJsonLines, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';
import { testBase } from '../../../test/support/test-base.js';

const ID = `sha256:${'d'.repeat(64)}`;

describe('lading import', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    engine = await startFakeEngine({
      'POST /images/create': (_req, res) => sendJsonLines(res, [{ status: ID }]),
    });
    env = { DOCKER_HOST: engine.host };
    dir = mkdtempSync(join(testBase(), 'lading-cli-import-'));
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the file with every --change, the message and the repository', async () => {
    const file = join(dir, 'rootfs.tar');
    writeFileSync(file, 'rootfs bytes');
    const r = await runLading(
      ['import', '-c', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', '-m', 'my import', file, 'imp:1'],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${ID}\n`);
    const req = engine.requests.at(-1);
    const q = queryOf(req);
    assert.equal(q.get('fromSrc'), '-');
    assert.equal(q.get('repo'), 'imp:1');
    assert.equal(q.get('message'), 'my import');
    assert.deepEqual(q.getAll('changes'), ['ENV PATH=/bin', 'CMD ["/bin/sh"]']);
    assert.equal(req?.body, 'rootfs bytes');
    assert.equal(req?.headers['content-type'], 'text/plain');
  });

  it('reads stdin for "-" and sends no repo when none is given', async () => {
    const r = await runLading(['image', 'import', '-'], { env, stdin: 'from stdin' });
    assert.equal(r.code, 0, r.stderr);
    const req = engine.requests.at(-1);
    assert.equal(req?.body, 'from stdin');
    assert.equal(queryOf(req).toString(), 'fromSrc=-');
  });

  it('validates the repository name before sending', async () => {
    const before = engine.requests.length;
    const r = await runLading(['import', '-', 'Bad'], { env, stdin: 'x' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'invalid reference format: repository name (library/Bad) must be lowercase\n');
    assert.equal(engine.requests.length, before);
  });
});
