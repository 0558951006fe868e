import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';

/** dockerd's bytes: HTML-escaped strings, a trailing newline, keys in struct order. */
const RAW =
  '{"Id":"sha256:a416a98b71e2","RepoTags":["busybox:latest"],"Comment":"\\u003cimported\\u003e","Config":{"Env":["PATH=/bin"],"Labels":{"b":"2","a":"1"}},"Size":4261550,"RootFS":{"Type":"layers","Layers":[]},"Metadata":{}}\n';

function sendRaw(res: http.ServerResponse, body: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': '1.47' });
  res.end(body);
}

describe('lading image inspect / inspect', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'GET /images/busybox/json': (_req, res) => sendRaw(res, RAW),
      'GET /images/nope/json': (_req, res) => sendJson(res, 404, { message: 'No such image: nope:latest' }),
      'GET /containers/busybox/json': (_req, res) =>
        sendJson(res, 404, { message: 'No such container: busybox' }),
    });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());

  it('prints a JSON array indented by four spaces, bytes otherwise as sent', async () => {
    const r = await runLading(['image', 'inspect', 'busybox'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `[
    {
        "Id": "sha256:a416a98b71e2",
        "RepoTags": [
            "busybox:latest"
        ],
        "Comment": "\\u003cimported\\u003e",
        "Config": {
            "Env": [
                "PATH=/bin"
            ],
            "Labels": {
                "b": "2",
                "a": "1"
            }
        },
        "Size": 4261550,
        "RootFS": {
            "Type": "layers",
            "Layers": []
        },
        "Metadata": {}
    }
]
`,
    );
  });

  it('--format json compacts; templates run per object; failures come last, exit 1', async () => {
    const j = await runLading(['image', 'inspect', '--format', 'json', 'busybox'], { env });
    assert.equal(j.stdout, `[${RAW.trim()}]\n`);
    const t = await runLading(
      ['image', 'inspect', '-f', '{{.Size}} {{.Config.Labels}} {{.Config.Labels.x}}', 'busybox', 'nope'],
      { env },
    );
    assert.equal(t.code, 1);
    assert.equal(t.stdout, '4261550 map[a:1 b:2] <no value>\n');
    assert.equal(t.stderr, 'Error response from daemon: No such image: nope:latest\n');
    const none = await runLading(['image', 'inspect', 'nope'], { env });
    assert.equal(none.stdout, '[]\n');
    const missing = await runLading(['image', 'inspect', '-f', '{{.Nope}}', 'busybox'], { env });
    assert.equal(
      missing.stderr,
      'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"\n',
    );
    const bad = await runLading(['image', 'inspect', '-f', '{{.Id', 'busybox'], { env });
    assert.equal(bad.code, 64);
    assert.equal(bad.stderr, 'template parsing error: template: :1: unclosed action\n');
  });

  it('generic inspect tries a container, then an image', async () => {
    engine.requests.length = 0;
    const r = await runLading(['inspect', '-f', '{{.Id}}', 'busybox'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'sha256:a416a98b71e2\n');
    assert.deepEqual(
      engine.requests.filter((q) => q.method === 'GET' && q.url !== '/_ping').map((q) => q.url),
      ['/v1.47/containers/busybox/json', '/v1.47/images/busybox/json'],
    );
  });

  it("says docker's 'No such object' when nothing matches", async () => {
    const r = await runLading(['inspect', 'ghost'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '[]\n');
    assert.equal(r.stderr, 'Error: No such object: ghost\n');
    const typed = await runLading(['inspect', '--type', 'image', 'nope'], { env });
    assert.equal(typed.stderr, 'Error response from daemon: No such image: nope:latest\n');
    const bogus = await runLading(['inspect', '--type', 'bogus', 'x'], { env });
    assert.equal(bogus.code, 1);
    assert.equal(
      bogus.stderr,
      'unknown type: "bogus": must be one of "config", "container", "image", "network", "node", "plugin", "secret", "service", "task", "volume"\n',
    );
  });
});
