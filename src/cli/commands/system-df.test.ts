import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DiskUsage } from '../image-types.js';
import { sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { daysAgo, imageList } from '../testing/image-fixtures.js';
import { runLading } from '../testing/run-cli.js';

function usage(): DiskUsage {
  const images = imageList().map((i) => ({ ...i, SharedSize: 0, Containers: i.Containers === 2 ? 1 : 0 }));
  return {
    LayersSize: 89_864_000,
    Images: images,
    Containers: [
      {
        Id: 'c'.repeat(64),
        Names: ['/web'],
        Image: 'busybox',
        ImageID: images[1]?.Id ?? '',
        Command: 'sh -c "while true; do sleep 1; done"',
        Created: daysAgo(1),
        State: 'running',
        Status: 'Up 2 hours',
        SizeRw: 12_000,
        Mounts: [{ Driver: 'local' }],
      },
      {
        Id: 'e'.repeat(64),
        Names: ['/old'],
        Image: 'busybox',
        ImageID: images[1]?.Id ?? '',
        Command: 'true',
        Created: daysAgo(2),
        State: 'exited',
        Status: 'Exited (0) 2 days ago',
        SizeRw: 4_000,
        Mounts: [],
      },
    ],
    Volumes: [{ Name: 'data', UsageData: { Size: 2_000_000, RefCount: 1 } }],
    BuildCache: [],
  };
}

describe('lading system df', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({ 'GET /system/df': (_req, res) => sendJson(res, 200, usage()) });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());

  it("prints docker's summary table", async () => {
    const r = await runLading(['system', 'df'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n' +
        'Images          4         1         89.86MB   85.6MB (95%)\n' +
        'Containers      2         1         16kB      4kB (25%)\n' +
        'Local Volumes   1         1         2MB       0B (0%)\n' +
        'Build Cache     0         0         0B        0B\n',
    );
  });

  it('-v prints a table per kind', async () => {
    const r = await runLading(['system', 'df', '-v'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `Images space usage:

REPOSITORY   TAG       IMAGE ID       CREATED        SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS
app          1.0       0123456789ab   3 days ago     77.8MB    0B            77.8MB        0
busybox      latest    a416a98b71e2   2 weeks ago    4.26MB    0B            4.262MB       1
<none>       <none>    fedcba987654   2 months ago   1.12kB    0B            1.125kB       0
<none>       <none>    111111111111   2 years ago    7.8MB     0B            7.8MB         0

Containers space usage:

CONTAINER ID   IMAGE     COMMAND                   LOCAL VOLUMES   SIZE      CREATED        STATUS                  NAMES
cccccccccccc   busybox   "sh -c \\"while true; …"   1               12kB      24 hours ago   Up 2 hours              web
eeeeeeeeeeee   busybox   "true"                    0               4kB       2 days ago     Exited (0) 2 days ago   old

Local Volumes space usage:

VOLUME NAME   LINKS     SIZE
data          1         2MB

Build cache usage: 0B

CACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED
`,
    );
  });

  it('--format runs per summary row; json sorts keys', async () => {
    const r = await runLading(['system', 'df', '--format', '{{.Type}}={{.Size}}'], { env });
    assert.equal(r.stdout, 'Images=89.86MB\nContainers=16kB\nLocal Volumes=2MB\nBuild Cache=0B\n');
    const j = await runLading(['system', 'df', '--format', 'json'], { env });
    assert.equal(
      j.stdout.split('\n')[0],
      '{"Active":"1","Reclaimable":"85.6MB (95%)","Size":"89.86MB","TotalCount":"4","Type":"Images"}',
    );
    const v = await runLading(['system', 'df', '-v', '--format', '{{range .Images}}{{.ID}} {{end}}'], {
      env,
    });
    assert.equal(
      v.stdout,
      '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824 sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210 sha256:1111111111111111111111111111111111111111111111111111111111111111 '.replace(
        /^/,
        'sha256:',
      ),
    );
  });
});
