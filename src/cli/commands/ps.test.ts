import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { queryOf, sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';
import type { ContainerSummary } from '../../api/types/containers.js';

/** Two containers; the expected text below is what docker 28.2.2 printed for them. */
function list(now: number): ContainerSummary[] {
  return [
    {
      Id: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      Names: ['/web', '/other/alias'],
      Image: 'busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7',
      ImageID: 'sha256:aaaa',
      Command: 'sh -c "echo hello && sleep 1000"',
      Created: now - 125,
      Ports: [
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { PrivatePort: 53, Type: 'udp' },
      ],
      Labels: { b: '2', a: '1' },
      State: 'running',
      Status: 'Up 2 minutes',
      SizeRw: 12,
      SizeRootFs: 4260000,
      HostConfig: { NetworkMode: 'default' },
      NetworkSettings: { Networks: { bridge: {}, host: {} } as never },
      Mounts: [
        {
          Type: 'volume',
          Name: 'abcdefabcdefabcdefabcdef',
          Source: '/var/x',
          Destination: '/d',
          Driver: 'local',
          Mode: '',
          RW: true,
          Propagation: '',
        },
      ],
    },
    {
      Id: 'fedcba9876543210',
      Names: ['/db'],
      Image: 'sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      ImageID: 'sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      Command: 'true',
      Created: now - 7200,
      Ports: [],
      Labels: {},
      State: 'exited',
      Status: 'Exited (0) 3 seconds ago',
      HostConfig: { NetworkMode: 'none' },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    },
  ];
}

describe('lading ps', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'GET /containers/json': (_req, res) => sendJson(res, 200, list(Math.floor(Date.now() / 1000))),
    });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());

  it("prints docker's table: 12-char IDs, quoted commands cut at 20 with …, CREATED ago", async () => {
    const r = await runLading(['ps'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'CONTAINER ID   IMAGE          COMMAND                   CREATED         STATUS                     PORTS                          NAMES\n' +
        '0123456789ab   busybox        "sh -c \\"echo hello &…"   2 minutes ago   Up 2 minutes               53/udp, 0.0.0.0:8080->80/tcp   web\n' +
        'fedcba987654   bbbbbbbbbbbb   "true"                    2 hours ago     Exited (0) 3 seconds ago                                  db\n',
    );
    assert.equal(queryOf(engine.requests.at(-1)).toString(), '');
  });

  it('-s --no-trunc: full values and the SIZE column', async () => {
    const r = await runLading(['container', 'ls', '-s', '--no-trunc'], { env });
    const lines = r.stdout.split('\n');
    assert.match(lines[0] ?? '', /NAMES {13}SIZE$/);
    assert.match(
      lines[1] ?? '',
      /^0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef {3}busybox@sha256:9ae97d36/,
    );
    assert.match(lines[1] ?? '', /"sh -c \\"echo hello && sleep 1000\\"" {3}/);
    assert.match(lines[1] ?? '', /web,other\/alias {3}12B \(virtual 4\.26MB\)$/);
    assert.match(lines[2] ?? '', /db {16}0B$/);
    assert.equal(queryOf(engine.requests.at(-1)).get('size'), '1');
  });

  it('--format json prints every field as docker does', async () => {
    const r = await runLading(['ps', '--format', 'json'], { env });
    const first = JSON.parse(r.stdout.split('\n')[0] ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), [
      'Command',
      'CreatedAt',
      'ID',
      'Image',
      'Labels',
      'LocalVolumes',
      'Mounts',
      'Names',
      'Networks',
      'Platform',
      'Ports',
      'RunningFor',
      'Size',
      'State',
      'Status',
    ]);
    assert.match(
      r.stdout,
      /^\{"Command":"\\"sh -c \\\\\\"echo hello \\u0026…\\"","CreatedAt":"[^"]+","ID":"0123456789ab","Image":"busybox","Labels":"a=1,b=2","LocalVolumes":"1","Mounts":"abcdefabcdefab…","Names":"web","Networks":"bridge,host","Platform":null,"Ports":"53\/udp, 0.0.0.0:8080-\\u003e80\/tcp","RunningFor":"2 minutes ago","Size":"12B \(virtual 4.26MB\)","State":"running","Status":"Up 2 minutes"\}\n/,
    );
  });

  it('custom tables get docker headers; -q prints IDs', async () => {
    const t = await runLading(
      [
        'ps',
        '--format',
        'table {{.ID}}\\t{{.Mounts}}\\t{{.Labels}}\\t{{.LocalVolumes}}\\t{{.Networks}}\\t{{.State}}',
      ],
      { env },
    );
    assert.equal(
      t.stdout,
      'CONTAINER ID   MOUNTS            LABELS    LOCAL VOLUMES   NETWORKS      STATE\n' +
        '0123456789ab   abcdefabcdefab…   a=1,b=2   1               bridge,host   running\n' +
        'fedcba987654                               0                             exited\n',
    );
    const q = await runLading(['ps', '-q'], { env });
    assert.equal(q.stdout, '0123456789ab\nfedcba987654\n');
  });

  it('sends -a, -n, -l and filters as docker', async () => {
    await runLading(['ps', '-a', '-n', '3', '--filter', 'status=exited'], { env });
    assert.equal(
      queryOf(engine.requests.at(-1)).toString(),
      'all=1&filters=%7B%22status%22%3A%7B%22exited%22%3Atrue%7D%7D&limit=3',
    );
    await runLading(['ps', '-l'], { env });
    assert.equal(queryOf(engine.requests.at(-1)).toString(), 'limit=1');
  });
});
