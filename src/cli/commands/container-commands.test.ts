import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { PassThrough } from 'node:stream';
import { frame } from '../stdcopy.js';
import {
  queryOf,
  sendJson,
  startFakeEngine,
  type FakeEngine,
  type RecordedRequest,
} from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';

const noContent = (_req: RecordedRequest, res: http.ServerResponse): void => {
  res.writeHead(204, { 'Api-Version': '1.47' });
  res.end();
};
const missing = (_req: RecordedRequest, res: http.ServerResponse): void =>
  sendJson(res, 404, { message: 'No such container: gone' });

function inspect(tty: boolean, running = true): object {
  return {
    Id: 'abc',
    Config: { Tty: tty, OpenStdin: true },
    State: { Running: running, Paused: false, Restarting: false },
    HostConfig: { AutoRemove: false },
  };
}

describe('container lifecycle commands', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'POST /containers/a/start': noContent,
      'POST /containers/b/start': noContent,
      'POST /containers/gone/start': missing,
      'POST /containers/a/stop': noContent,
      'POST /containers/gone/stop': missing,
      'POST /containers/a/restart': noContent,
      'POST /containers/a/kill': noContent,
      'DELETE /containers/a': noContent,
      'DELETE /containers/gone': missing,
      'POST /containers/a/rename': noContent,
      'POST /containers/gone/rename': missing,
      'POST /containers/a/wait': (_req, res) => sendJson(res, 200, { StatusCode: 7, Error: null }),
      'POST /containers/stopped/wait': (_req, res) => sendJson(res, 200, { StatusCode: 0, Error: null }),
      'GET /containers/a/json': (_req, res) => sendJson(res, 200, inspect(false)),
      'GET /containers/t/json': (_req, res) => sendJson(res, 200, inspect(true)),
      'GET /containers/stopped/json': (_req, res) => sendJson(res, 200, inspect(false, false)),
      'GET /containers/abc/logs': (_req, res) => {
        res.writeHead(200, {
          'Content-Type': 'application/vnd.docker.multiplexed-stream',
          'Api-Version': '1.47',
        });
        res.end(Buffer.concat([frame(1, 'out line\n'), frame(2, 'err line\n')]));
      },
      'POST /containers/a/exec': (_req, res) => sendJson(res, 201, { Id: 'e1' }),
      'POST /exec/e1/start': noContent,
      'GET /exec/e1/json': (_req, res) => sendJson(res, 200, { ID: 'e1', Running: false, ExitCode: 5 }),
      'POST /containers/prune': (_req, res) =>
        sendJson(res, 200, { ContainersDeleted: ['aaa', 'bbb'], SpaceReclaimed: 2048 }),
      'GET /containers/x/json': (_req, res) => sendJson(res, 200, { Id: 'x', Name: '/x' }),
      'GET /images/x/json': (_req, res) => sendJson(res, 200, { Id: 'sha256:img' }),
    });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());
  beforeEach(() => {
    engine.requests.length = 0;
    engine.upgrades.clear();
  });
  const last = (): string => {
    const r = engine.requests.filter((q) => !q.url.includes('_ping')).at(-1);
    return `${r?.method} ${r?.url.replace(/^\/v[\d.]+/, '')}`;
  };

  it('start prints each name; failures are listed then summed up, exit 1', async () => {
    const ok = await runLading(['start', 'a', 'b'], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'a\nb\n');
    const bad = await runLading(['start', 'gone', 'a'], { env });
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, 'a\n');
    assert.equal(
      bad.stderr,
      'Error response from daemon: No such container: gone\nError: failed to start containers: gone\n',
    );
  });

  it('stop/restart send t= and signal= only when given', async () => {
    assert.equal((await runLading(['stop', 'a'], { env })).stdout, 'a\n');
    assert.equal(last(), 'POST /containers/a/stop');
    await runLading(['stop', '-t', '3', '-s', 'INT', 'a'], { env });
    assert.equal(last(), 'POST /containers/a/stop?signal=INT&t=3');
    await runLading(['restart', '--timeout', '2', 'a'], { env });
    assert.equal(last(), 'POST /containers/a/restart?t=2');
    const bad = await runLading(['stop', 'gone', 'a'], { env });
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, 'a\n');
    assert.equal(bad.stderr, 'Error response from daemon: No such container: gone\n');
    const t = await runLading(['stop', '-t', 'x', 'a'], { env });
    assert.equal(t.code, 125);
    assert.match(t.stderr, /^invalid argument "x" for "-t, --timeout" flag: strconv.ParseInt/);
  });

  it('kill -s, rm -f -v -l, rename, wait', async () => {
    await runLading(['kill', '-s', '9', 'a'], { env });
    assert.equal(last(), 'POST /containers/a/kill?signal=9');
    const rm = await runLading(['rm', '-f', '-v', '-l', 'a'], { env });
    assert.equal(rm.stdout, 'a\n');
    assert.equal(last(), 'DELETE /containers/a?force=1&link=1&v=1');
    const rmBad = await runLading(['container', 'remove', 'gone'], { env });
    assert.equal(rmBad.code, 1);
    assert.equal(rmBad.stderr, 'Error response from daemon: No such container: gone\n');
    const rn = await runLading(['rename', 'a', 'b'], { env });
    assert.equal(rn.code, 0, rn.stderr);
    assert.equal(last(), 'POST /containers/a/rename?name=b');
    const rnBad = await runLading(['rename', 'gone', 'b'], { env });
    assert.equal(
      rnBad.stderr,
      'Error response from daemon: No such container: gone\nError: failed to rename container named gone\n',
    );
    const w = await runLading(['wait', 'a'], { env });
    assert.equal(w.stdout, '7\n');
    assert.equal(last(), 'POST /containers/a/wait');
  });

  it('logs: demultiplexed, query as docker encodes it', async () => {
    const r = await runLading(['logs', 'a'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'out line\n');
    assert.equal(r.stderr, 'err line\n');
    assert.equal(last(), 'GET /containers/abc/logs?stderr=1&stdout=1&tail=all');
    await runLading(['logs', '-f', '-n', '5', '-t', '--details', '--since', '2024-01-02T03:04:05Z', 'a'], {
      env,
    });
    assert.equal(
      last(),
      'GET /containers/abc/logs?details=1&follow=1&since=1704164645.000000000&stderr=1&stdout=1&tail=5&timestamps=1',
    );
  });

  it('exec -d sends the body docker sends', async () => {
    const r = await runLading(['exec', '-d', '-e', 'A=1', '-u', 'u', '-w', '/w', '--privileged', 'a', 'ls'], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    const bodies = engine.requests.filter((q) => q.method === 'POST').map((q) => q.body);
    assert.deepEqual(bodies, [
      '{"User":"u","Privileged":true,"Tty":false,"AttachStdin":false,"AttachStderr":false,"AttachStdout":false,"Detach":true,"DetachKeys":"","Env":["A=1"],"WorkingDir":"/w","Cmd":["ls"]}',
      '{"Detach":true,"Tty":false}',
    ]);
  });

  it('exec: hijacked start, output demultiplexed, exit status from exec inspect', async () => {
    engine.upgrades.set('POST /exec/e1/start', {
      handle: (_req, socket) => socket.end(Buffer.concat([frame(1, 'listing\n'), frame(2, 'warn\n')])),
    });
    const r = await runLading(['exec', 'a', 'ls', '-l'], { env });
    assert.equal(r.code, 5);
    assert.equal(r.stdout, 'listing\n');
    assert.equal(r.stderr, 'warn\n');
    const create = engine.requests.find((q) => q.url.endsWith('/containers/a/exec'));
    assert.equal(
      create?.body,
      '{"User":"","Privileged":false,"Tty":false,"AttachStdin":false,"AttachStderr":true,"AttachStdout":true,"Detach":false,"DetachKeys":"","Env":null,"WorkingDir":"","Cmd":["ls","-l"]}',
    );
    const start = engine.requests.find((q) => q.url.endsWith('/exec/e1/start'));
    assert.equal(start?.body, '{"Detach":false,"Tty":false}');
    const noTty = await runLading(['exec', '-it', 'a', 'sh'], { env });
    assert.equal(noTty.code, 1);
    assert.equal(noTty.stderr, 'the input device is not a TTY\n');
  });

  it('start -a attaches, waits, starts and exits with the status; attach follows a running one', async () => {
    engine.routes.set('POST /containers/abc/wait', (_req, res) =>
      sendJson(res, 200, { StatusCode: 2, Error: null }),
    );
    engine.routes.set('POST /containers/abc/start', noContent);
    engine.upgrades.set('POST /containers/abc/attach', {
      handle: (_req, socket) => socket.end(frame(1, 'started\n')),
    });
    const r = await runLading(['start', '-a', 'a'], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, 'started\n');
    const order = engine.requests
      .filter((q) => q.url.includes('/containers/abc/'))
      .map((q) => q.url.replace(/^\/v[\d.]+\/containers\/abc\//, ''));
    assert.deepEqual(order, ['attach?stderr=1&stdout=1&stream=1', 'wait?condition=next-exit', 'start']);
    const multi = await runLading(['start', '-a', 'a', 'b'], { env });
    assert.equal(multi.stderr, 'you cannot start and attach multiple containers at once\n');
    engine.requests.length = 0;
    // attach uses the name as given, as docker does; the wait for `a` answers 7.
    engine.upgrades.set('POST /containers/a/attach', {
      handle: (_req, socket) => socket.end(frame(1, 'started\n')),
    });
    const at = await runLading(['attach', '--no-stdin', 'a'], { env });
    assert.equal(at.code, 7);
    assert.equal(at.stdout, 'started\n');
    assert.deepEqual(
      engine.requests.filter((q) => !q.url.includes('_ping')).map((q) => q.url.replace(/^\/v[\d.]+/, '')),
      ['/containers/a/wait', '/containers/a/json', '/containers/a/attach?stderr=1&stdout=1&stream=1'],
    );
    assert.equal(
      queryOf(engine.requests.find((q) => q.url.includes('/attach'))).toString(),
      'stderr=1&stdout=1&stream=1',
    );
  });

  it('attach: detaching ends with docker\'s "read escape sequence", exit 1', async () => {
    engine.routes.set('POST /containers/t/wait', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': '1.47' });
      res.flushHeaders(); // the container keeps running
    });
    engine.upgrades.set('POST /containers/t/attach', {
      contentType: 'application/vnd.docker.raw-stream',
      handle: (_req, socket) => socket.write('/ # '),
    });
    const stdin = new PassThrough();
    const done = runLading(['attach', 't'], { env, stdin, stdinTTY: true });
    setTimeout(() => stdin.write(Buffer.from([0x10, 0x11])), 100);
    const r = await done;
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '/ # ');
    assert.equal(r.stderr, 'read escape sequence\n');
    assert.equal(queryOf(engine.requests.find((q) => q.url.includes('/attach'))).get('stdin'), '1');
  });

  it('attach refuses a stopped container in docker words', async () => {
    const r = await runLading(['attach', 'stopped'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'You cannot attach to a stopped container, start it first\n');
  });

  it('container prune asks first; -f skips; reports as docker', async () => {
    const no = await runLading(['container', 'prune'], { env, stdin: 'n\n' });
    assert.equal(no.code, 0);
    assert.equal(
      no.stdout,
      'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ',
    );
    assert.ok(!engine.requests.some((q) => q.url.includes('/prune')));
    const yes = await runLading(['container', 'prune', '-f', '--filter', 'until=1h'], { env });
    assert.equal(yes.stdout, 'Deleted Containers:\naaa\nbbb\n\nTotal reclaimed space: 2.048kB\n');
    assert.equal(queryOf(engine.requests.at(-1)).get('filters'), '{"until":{"1h":true}}');
  });

  it('inspect tries the container first; --type image and container inspect -s', async () => {
    const r = await runLading(['inspect', '-f', '{{.Id}}', 'x'], { env });
    assert.equal(r.stdout, 'x\n');
    const img = await runLading(['inspect', '--type', 'image', '-f', '{{.Id}}', 'x'], { env });
    assert.equal(img.stdout, 'sha256:img\n');
    await runLading(['container', 'inspect', '-s', 'x'], { env });
    assert.equal(last(), 'GET /containers/x/json?size=1');
  });
});
