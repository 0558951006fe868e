import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  queryOf,
  sendJson,
  startFakeEngine,
  type FakeEngine,
  type RecordedRequest,
} from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';
import { naturalCompare } from './port.js';

const noContent = (_req: RecordedRequest, res: http.ServerResponse): void => {
  res.writeHead(204, { 'Api-Version': '1.47' });
  res.end();
};
const missing = (_req: RecordedRequest, res: http.ServerResponse): void =>
  sendJson(res, 404, { message: 'No such container: gone' });

const ID = 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789';
const MiB = 1024 * 1024;

/** A sample whose figures docker prints as 20.00%, 8MiB / 1GiB, 0.78%, 4.1kB / 1MB, 3. */
const SAMPLE = {
  read: '2026-11-29T18:00:01Z',
  preread: '2026-11-29T18:00:00Z',
  name: '/web',
  id: ID,
  num_procs: 0,
  storage_stats: {},
  pids_stats: { current: 3 },
  blkio_stats: {
    io_service_bytes_recursive: [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 1_000_000 },
      { major: 8, minor: 0, op: 'Total', value: 1_004_096 },
    ],
  },
  cpu_stats: {
    cpu_usage: { total_usage: 2e8, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    system_cpu_usage: 2e9,
    online_cpus: 2,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  precpu_stats: {
    cpu_usage: { total_usage: 1e8, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    system_cpu_usage: 1e9,
    online_cpus: 2,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  },
  memory_stats: { usage: 10 * MiB, stats: { total_inactive_file: 2 * MiB }, limit: 1024 * MiB },
};

const INSPECT = {
  Id: ID,
  NetworkSettings: {
    Ports: {
      '80/tcp': [
        { HostIp: '0.0.0.0', HostPort: '8080' },
        { HostIp: '::', HostPort: '8080' },
      ],
      '9/udp': [{ HostIp: '127.0.0.1', HostPort: '9009' }],
      '443/tcp': null,
    },
  },
};

/** Columns of a docker table row (cells are separated by at least three spaces). */
const cells = (line: string): string[] => line.trim().split(/ {3,}/);

describe('pause, unpause, top, port and stats commands', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'POST /containers/web/pause': noContent,
      'POST /containers/gone/pause': missing,
      'POST /containers/web/unpause': noContent,
      'POST /containers/gone/unpause': missing,
      'GET /containers/web/top': (_req, res) =>
        sendJson(res, 200, {
          Titles: ['UID', 'PID', 'CMD'],
          Processes: [
            ['root', '4242', 'sleep 100'],
            ['root', '4243', 'sh'],
          ],
        }),
      'GET /containers/gone/top': missing,
      'GET /containers/web/json': (_req, res) => sendJson(res, 200, INSPECT),
      'GET /containers/gone/json': missing,
      'GET /containers/json': (_req, res) => sendJson(res, 200, [{ Id: ID }]),
      'GET /containers/gone/stats': missing,
      [`GET /containers/${ID}/stats`]: (_req, res) => sendJson(res, 200, SAMPLE),
      'GET /containers/web/stats': (req, res) => {
        if (queryOf(req).get('stream') === '0') return sendJson(res, 200, SAMPLE);
        // Streaming: one sample now, then the stream stays open until the client leaves.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': '1.47' });
        res.write(JSON.stringify(SAMPLE) + '\n');
      },
    });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());
  beforeEach(() => {
    engine.requests.length = 0;
  });
  const sent = (): string[] =>
    engine.requests
      .filter((r) => !r.url.includes('_ping'))
      .map((r) => `${r.method} ${r.url.replace(/^\/v[\d.]+/, '')}`);

  it('pause and unpause print each name and list failures (exit 1)', async () => {
    const ok = await runLading(['pause', 'web'], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'web\n');
    const bad = await runLading(['unpause', 'gone', 'web'], { env });
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, 'web\n');
    assert.equal(bad.stderr, 'Error response from daemon: No such container: gone\n');
    assert.deepEqual(sent().slice(-2), ['POST /containers/gone/unpause', 'POST /containers/web/unpause']);
    const none = await runLading(['pause'], { env });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /'lading pause' requires at least 1 argument/);
  });

  it('top sends the ps options as ps_args and prints an aligned table', async () => {
    const res = await runLading(['top', 'web', '-o', 'pid,comm', 'aux'], { env });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(queryOf(engine.requests.at(-1)).get('ps_args'), '-o pid,comm aux');
    assert.equal(
      res.stdout,
      [
        'UID                 PID                 CMD',
        'root                4242                sleep 100',
        'root                4243                sh',
        '',
      ].join('\n'),
    );
    await runLading(['top', 'web'], { env });
    assert.equal(queryOf(engine.requests.at(-1)).has('ps_args'), false);
    const bad = await runLading(['top', 'gone'], { env });
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'Error response from daemon: No such container: gone\n');
  });

  it('port lists every mapping, or one private port’s bindings', async () => {
    const all = await runLading(['port', 'web'], { env });
    assert.equal(all.code, 0, all.stderr);
    // Natural order: 9 before 80.
    assert.equal(all.stdout, '9/udp -> 127.0.0.1:9009\n80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n');
    assert.equal((await runLading(['port', 'web', '80'], { env })).stdout, '0.0.0.0:8080\n[::]:8080\n');
    assert.equal((await runLading(['port', 'web', '9/udp'], { env })).stdout, '127.0.0.1:9009\n');
    const unpublished = await runLading(['port', 'web', '443'], { env });
    assert.equal(unpublished.code, 1);
    assert.equal(unpublished.stderr, "Error: No public port '443' published for web\n");
    const invalid = await runLading(['port', 'web', 'http'], { env });
    assert.equal(invalid.code, 1);
    assert.equal(
      invalid.stderr,
      'Error: invalid port (http): strconv.ParseUint: parsing "http": invalid syntax\n',
    );
    assert.equal((await runLading(['port', 'gone'], { env })).code, 1);
  });

  it('naturalCompare orders digits by value', () => {
    assert.deepEqual(['9/udp', '10/tcp', '1/tcp'].sort(naturalCompare), ['1/tcp', '9/udp', '10/tcp']);
  });

  it('stats --no-stream prints docker’s columns and number formats', async () => {
    const res = await runLading(['stats', '--no-stream', 'web'], { env });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(queryOf(engine.requests.at(-1)).get('stream'), '0');
    const [header = '', row = '', ...rest] = res.stdout.split('\n');
    assert.deepEqual(cells(header), [
      'CONTAINER ID',
      'NAME',
      'CPU %',
      'MEM USAGE / LIMIT',
      'MEM %',
      'NET I/O',
      'BLOCK I/O',
      'PIDS',
    ]);
    assert.deepEqual(cells(row), [
      'c0ffee012345',
      'web',
      '20.00%',
      '8MiB / 1GiB',
      '0.78%',
      '0B / 0B',
      '4.1kB / 1MB',
      '3',
    ]);
    assert.deepEqual(rest, ['']);
  });

  it('stats --format json and --no-trunc; no names means the listed containers', async () => {
    const res = await runLading(['stats', '--no-stream', '--no-trunc', '--format', 'json'], { env });
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(sent(), ['GET /containers/json', `GET /containers/${ID}/stats?stream=0`]);
    assert.deepEqual(JSON.parse(res.stdout), {
      BlockIO: '4.1kB / 1MB',
      CPUPerc: '20.00%',
      Container: ID,
      ID,
      MemPerc: '0.78%',
      MemUsage: '8MiB / 1GiB',
      Name: 'web',
      NetIO: '0B / 0B',
      PIDs: '3',
    });
    const custom = await runLading(
      ['stats', '--no-stream', '--format', '{{.Container}}: {{.CPUPerc}}', 'web'],
      { env },
    );
    assert.equal(custom.stdout, 'web: 20.00%\n');
  });

  it('stats of an unknown container fails before drawing', async () => {
    const res = await runLading(['stats', '--no-stream', 'web', 'gone'], { env });
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr, 'Error response from daemon: No such container: gone\n');
  });

  it('streaming stats redraws the table in place until interrupted', async () => {
    const stop = new AbortController();
    const run = runLading(['stats', 'web'], { env, signal: stop.signal });
    // Let it draw at least twice (once at once, again a second later), then interrupt.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    stop.abort('SIGINT');
    const res = await run;
    assert.equal(queryOf(engine.requests.at(-1)).get('stream'), '1');
    assert.ok(res.stdout.startsWith('\u001b[2J\u001b[H'), JSON.stringify(res.stdout.slice(0, 20)));
    const frames = res.stdout.split('\u001b[H').slice(1);
    assert.ok(frames.length >= 2, `${frames.length} frames`);
    for (const frame of frames) {
      assert.ok(frame.endsWith('\u001b[J'));
      const [header = '', row = ''] = frame.split('\n');
      assert.ok(header.endsWith('\u001b[K'));
      assert.deepEqual(cells(row.replace('\u001b[K', ''))[2], '20.00%');
    }
  });
});
