import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { queryOf, sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';

describe('lading system check', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'POST /lading/system/check': (req, res) => {
        const repair = queryOf(req).get('repair') === '1';
        sendJson(res, 200, {
          Problems: [
            {
              Subject: 'sha256:aaaa',
              Problem: 'diff directory is missing',
              ...(repair ? { Repaired: 'removed the layer record' } : {}),
            },
            { Subject: 'overlay2/l/XYZ', Problem: 'dangling link' },
          ],
        });
      },
    });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());

  it('prints one problem a line and exits 1 while any remains', async () => {
    const r = await runLading(['system', 'check'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'sha256:aaaa: diff directory is missing\noverlay2/l/XYZ: dangling link\n');
    assert.equal(r.stderr, '2 problems found\n');
    assert.equal(queryOf(engine.requests.at(-1)).get('repair'), '0');
  });

  it('--repair says what was fixed', async () => {
    const r = await runLading(['system', 'check', '--repair'], { env });
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      'sha256:aaaa: diff directory is missing (repaired: removed the layer record)\noverlay2/l/XYZ: dangling link\n',
    );
    assert.equal(r.stderr, '1 problem found that could not be repaired\n');
  });

  it('a clean store prints nothing and succeeds', async () => {
    engine.routes.set('POST /lading/system/check', (_req, res) => sendJson(res, 200, { Problems: [] }));
    const r = await runLading(['system', 'check'], { env });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  });
});
