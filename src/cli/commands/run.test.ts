import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { PassThrough } from 'node:stream';
import { frame } from '../stdcopy.js';
import {
  queryOf,
  sendJson,
  sendJsonLines,
  startFakeEngine,
  type FakeEngine,
} from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';

const ID = 'c0ffee0000000000000000000000000000000000000000000000000000000001';

describe('lading run', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;
  /** The pending wait's response, answered when the fake "container" exits. */
  let waiting: http.ServerResponse | undefined;
  let exitCode = 0;
  const exit = (): void => {
    waiting?.end(JSON.stringify({ StatusCode: exitCode, Error: null }));
    waiting = undefined;
  };

  before(async () => {
    engine = await startFakeEngine({
      'POST /containers/create': (_req, res) => sendJson(res, 201, { Id: ID, Warnings: [] }),
      [`POST /containers/${ID}/wait`]: (_req, res) => {
        // Headers at once, the body when the container exits, as the daemon streams it.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': '1.47' });
        res.flushHeaders();
        waiting = res;
      },
      [`POST /containers/${ID}/start`]: (_req, res) => {
        res.writeHead(204, { 'Api-Version': '1.47' });
        res.end();
      },
      [`POST /containers/${ID}/kill`]: (_req, res) => {
        res.writeHead(204, { 'Api-Version': '1.47' });
        res.end();
        exitCode = 130;
        exit();
      },
    });
    env = { DOCKER_HOST: engine.host };
  });
  after(() => engine.close());
  beforeEach(() => {
    engine.requests.length = 0;
    engine.upgrades.clear();
    exitCode = 0;
  });

  const paths = (): string[] =>
    engine.requests
      .filter((r) => !r.url.includes('_ping'))
      .map((r) => `${r.method} ${r.url.replace(/^\/v[\d.]+/, '').replace(ID, 'ID')}`);

  it('-d: create, wait for next-exit, start, print the ID', async () => {
    const r = await runLading(['run', '-d', 'busybox'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${ID}\n`);
    assert.deepEqual(paths(), [
      'POST /containers/create',
      'POST /containers/ID/wait?condition=next-exit',
      'POST /containers/ID/start',
    ]);
  });

  it('--rm waits for removal', async () => {
    await runLading(['run', '-d', '--rm', 'busybox'], { env });
    assert.ok(paths().includes('POST /containers/ID/wait?condition=removed'));
  });

  it('attaches before start, splits stdout/stderr and exits with the container status', async () => {
    engine.upgrades.set(`POST /containers/${ID}/attach`, {
      handle: (_req, socket) => {
        // Output only once started: attach must already be in place.
        const timer = setInterval(() => {
          if (!paths().includes('POST /containers/ID/start')) return;
          clearInterval(timer);
          socket.write(Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops\n')]));
          exitCode = 3;
          socket.end();
          exit();
        }, 5);
      },
    });
    const r = await runLading(['run', 'busybox', 'sh', '-c', 'x'], { env });
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'hello\n');
    assert.equal(r.stderr, 'oops\n');
    assert.deepEqual(paths(), [
      'POST /containers/create',
      'POST /containers/ID/attach?stderr=1&stdout=1&stream=1',
      'POST /containers/ID/wait?condition=next-exit',
      'POST /containers/ID/start',
    ]);
    const attach = engine.requests.find((req) => req.url.includes('/attach'));
    assert.equal(attach?.headers['upgrade'], 'tcp');
  });

  it('-i sends stdin and half-closes at its end, output still arriving after', async () => {
    engine.upgrades.set(`POST /containers/${ID}/attach`, {
      handle: (_req, socket) => {
        const got: Buffer[] = [];
        socket.on('data', (c: Buffer) => got.push(c));
        socket.on('end', () => {
          socket.end(frame(1, `echo:${Buffer.concat(got).toString()}`));
          exit();
        });
      },
    });
    const r = await runLading(['run', '-i', 'busybox', 'cat'], { env, stdin: 'some input' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'echo:some input');
    assert.equal(queryOf(engine.requests.find((q) => q.url.includes('/attach'))).get('stdin'), '1');
  });

  it('-it on a terminal: raw bytes, and ctrl-p ctrl-q detaches quietly with status 0', async () => {
    let received = '';
    engine.upgrades.set(`POST /containers/${ID}/attach`, {
      contentType: 'application/vnd.docker.raw-stream',
      handle: (_req, socket) => {
        socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
        socket.write('/ # ');
      },
    });
    const stdin = new PassThrough();
    const done = runLading(['run', '-it', '--detach-keys', 'ctrl-p,ctrl-q', 'busybox'], {
      env,
      stdin,
      stdinTTY: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    stdin.write('ls\r');
    stdin.write(Buffer.from([0x10]));
    stdin.write(Buffer.from([0x61])); // a broken sequence passes through whole
    stdin.write(Buffer.from([0x10, 0x11]));
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '/ # ');
    assert.equal(r.stderr, '');
    for (let i = 0; i < 50 && received.length < 4; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(received, 'ls\r\u0010a');
    assert.equal(
      queryOf(engine.requests.find((q) => q.url.includes('/attach'))).get('detachKeys'),
      'ctrl-p,ctrl-q',
    );
    exit();
  });

  it('-it without a terminal stdin: docker\'s "the input device is not a TTY", exit 1', async () => {
    const r = await runLading(['run', '-it', 'busybox'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'the input device is not a TTY\n');
    assert.deepEqual(paths(), []);
  });

  it('passes signals on as kill when there is no TTY (sig-proxy)', async () => {
    engine.upgrades.set(`POST /containers/${ID}/attach`, {
      handle: (_req, socket) => {
        const timer = setInterval(() => {
          if (waiting !== undefined) return;
          clearInterval(timer);
          socket.end();
        }, 5);
      },
    });
    const signals = new EventEmitter();
    const done = runLading(['run', 'busybox', 'sleep', '100'], { env, signals });
    await new Promise((resolve) => setTimeout(resolve, 150));
    signals.emit('SIGINT');
    const r = await done;
    assert.equal(r.code, 130);
    assert.ok(paths().includes('POST /containers/ID/kill?signal=INT'), paths().join('\n'));
    assert.equal(signals.listenerCount('SIGINT'), 0);
  });

  it("a command that cannot be found at start exits 127 with docker's framing", async () => {
    engine.routes.set(`POST /containers/${ID}/start`, (_req, res) =>
      sendJson(res, 400, {
        message:
          'failed to create task for container: OCI runtime create failed: exec: "nosuch": executable file not found in $PATH: unknown',
      }),
    );
    try {
      const r = await runLading(['run', '-d', 'busybox', 'nosuch'], { env });
      assert.equal(r.code, 127);
      assert.match(
        r.stderr,
        /^lading: Error response from daemon: failed to create task.*unknown\n\nRun 'lading run --help' for more information\n$/,
      );
      engine.routes.set(`POST /containers/${ID}/start`, (_req, res) =>
        sendJson(res, 400, { message: 'exec: "/etc": permission denied: unknown' }),
      );
      assert.equal((await runLading(['run', '-d', 'busybox', '/etc'], { env })).code, 126);
    } finally {
      engine.routes.set(`POST /containers/${ID}/start`, (_req, res) => {
        res.writeHead(204, { 'Api-Version': '1.47' });
        res.end();
      });
    }
  });

  it('an image the daemon lacks is pulled (progress on stderr) and the create retried', async () => {
    let creates = 0;
    engine.routes.set('POST /containers/create', (_req, res) => {
      creates++;
      if (creates === 1) sendJson(res, 404, { message: 'No such image: busybox:latest' });
      else sendJson(res, 201, { Id: ID, Warnings: [] });
    });
    engine.routes.set('POST /images/create', (_req, res) =>
      sendJsonLines(res, [{ status: 'Status: Downloaded newer image for busybox:latest' }]),
    );
    try {
      const r = await runLading(['run', '-d', 'busybox'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${ID}\n`);
      assert.equal(
        r.stderr,
        "Unable to find image 'busybox:latest' locally\nStatus: Downloaded newer image for busybox:latest\n",
      );
      const pull = engine.requests.find((q) => q.url.includes('/images/create'));
      assert.equal(queryOf(pull).get('fromImage'), 'docker.io/library/busybox');
      assert.equal(queryOf(pull).get('tag'), 'latest');
      // --pull never: the daemon's answer is the failure, exit 125.
      creates = 0;
      const never = await runLading(['run', '--pull', 'never', 'busybox'], { env });
      assert.equal(never.code, 125);
      assert.equal(
        never.stderr,
        "lading: Error response from daemon: No such image: busybox:latest\n\nRun 'lading run --help' for more information\n",
      );
    } finally {
      engine.routes.set('POST /containers/create', (_req, res) =>
        sendJson(res, 201, { Id: ID, Warnings: [] }),
      );
    }
  });

  it('--pull with a bad value, and -a with -d, fail as docker', async () => {
    const p = await runLading(['run', '--pull', 'bogus', 'busybox'], { env });
    assert.equal(p.code, 125);
    assert.equal(
      p.stderr,
      `lading: invalid pull option: 'bogus': must be one of "always", "missing" or "never"\n\nRun 'lading run --help' for more information\n`,
    );
    const a = await runLading(['run', '-a', 'stdout', '-d', 'busybox'], { env });
    assert.equal(a.code, 1);
    assert.equal(a.stderr, 'conflicting options: cannot specify both --attach and --detach\n');
  });
});
