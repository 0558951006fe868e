/**
 * The real docker CLI against the containers and exec routers (with recording backends): the
 * requests it sends and how it reads our answers, for wait, logs, start -a, kill and exec.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { docker, DOCKER_BIN, type CommandResult } from '../../../../test/support/cli.js';
import { testBase } from '../../../../test/support/test-base.js';
import type { ContainerWaitResponse } from '../../types/index.js';
import { fakeSystemBackend, startTestServer, type TestServer } from '../testing.js';
import { containersRoutes } from './containers.js';
import {
  fakeContainersBackend,
  fakeExecBackend,
  newFakeState,
  type FakeState,
} from './containers.test-backend.js';
import { execRoutes } from './exec.js';
import { systemRoutes } from './system.js';

/** `docker -H host args…` with `input` on its stdin (then EOF), as `echo x | docker …`. */
function dockerWithInput(host: string, input: string, ...args: string[]): Promise<CommandResult> {
  const config = join(testBase(), 'docker-config');
  mkdirSync(config, { recursive: true, mode: 0o700 });
  return new Promise((resolve, reject) => {
    const child = execFile(
      DOCKER_BIN,
      ['-H', host, ...args],
      { env: { PATH: process.env['PATH'], DOCKER_CONFIG: config }, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code === 'string') {
          reject(err);
          return;
        }
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, signal: (err?.signal as NodeJS.Signals | undefined) ?? null, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

describe('docker CLI against the containers and exec routes', () => {
  let server: TestServer;
  let host: string;
  const state: FakeState = newFakeState();

  before(async () => {
    server = await startTestServer({
      routes: [
        ...systemRoutes(fakeSystemBackend()),
        ...containersRoutes(fakeContainersBackend(state)),
        ...execRoutes(fakeExecBackend(state)),
      ],
    });
    host = `unix://${server.socketPath}`;
  });
  after(() => server.close());
  beforeEach(() => {
    Object.assign(state, newFakeState());
    delete state.waitResult;
    delete state.followLines;
  });
  const names = (): unknown[] => state.calls.map((c) => c[0]);

  it('docker wait prints the exit code the body carries', async () => {
    state.waitResult = new Promise<ContainerWaitResponse>((resolve) =>
      setTimeout(() => resolve({ StatusCode: 7, Error: null }), 100),
    );
    const result = await docker(host, 'wait', 'web');
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, '7\n');
    assert.deepEqual(state.calls.at(-1), ['wait', 'web', 'not-running']);
    const missing = await docker(host, 'wait', 'ghost');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Error response from daemon: No such container: ghost/);
  });

  it('docker logs -t demultiplexes stdout and stderr', async () => {
    state.logLines = [
      { stream: 'stdout', line: Buffer.from('to out\n'), time: '2026-11-29T10:00:01.000000000Z' },
      { stream: 'stderr', line: Buffer.from('to err\n'), time: '2026-11-29T10:00:02.000000000Z' },
    ];
    const result = await docker(host, 'logs', '-t', '--tail', '2', 'web');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '2026-11-29T10:00:01.000000000Z to out\n');
    assert.equal(result.stderr, '2026-11-29T10:00:02.000000000Z to err\n');
    const logs = state.calls.find((c) => c[0] === 'logs');
    assert.equal((logs?.[2] as { tail: string }).tail, '2');
  });

  it('docker start -a attaches before starting and exits with the wait status', async () => {
    state.session = async (streams) => {
      // Output only once start has been asked for (the CLI uses the inspected id), as a real process would.
      while (!state.running.has('abc123')) await new Promise((r) => setTimeout(r, 5));
      streams.stdout?.write('hello from web\n');
      streams.stderr?.write('oops\n');
    };
    state.waitResult = new Promise<ContainerWaitResponse>((resolve) =>
      setTimeout(() => resolve({ StatusCode: 3, Error: null }), 200),
    );
    const result = await docker(host, 'start', '-a', 'web');
    assert.equal(result.stdout, 'hello from web\n');
    assert.equal(result.stderr, 'oops\n');
    assert.equal(result.code, 3);
    const order = names();
    assert.ok(order.indexOf('attach') < order.indexOf('start'), `attach before start: ${order.join(',')}`);
  });

  it('docker kill reports dockerd’s wording for a stopped container', async () => {
    const result = await docker(host, 'kill', '-s', 'HUP', 'web');
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      /Error response from daemon: cannot kill container: web: container abc123 is not running/,
    );
    assert.deepEqual(state.calls.at(-1), ['kill', 'web', 'HUP']);
  });

  it('docker exec streams output and exits with the exec’s exit code', async () => {
    state.session = async (streams) => {
      streams.stdout?.write('in the container\n');
    };
    const result = await docker(host, 'exec', 'web', 'echo', 'hi');
    assert.equal(result.stdout, 'in the container\n');
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(
      state.calls.filter((c) => String(c[0]).startsWith('exec')).map((c) => c[0]),
      ['exec-create', 'exec-start', 'exec-inspect'],
    );
  });

  it('docker exec -i half-closes on stdin EOF and still gets the output', async () => {
    state.session = async (streams) => {
      const input: Buffer[] = [];
      for await (const chunk of streams.stdin ?? []) input.push(chunk as Buffer);
      // Only after the CLI's half-close: the answer must still reach it.
      streams.stdout?.write(`read ${Buffer.concat(input).length} bytes: ${Buffer.concat(input).toString()}`);
    };
    const result = await dockerWithInput(host, 'line one\nline two\n', 'exec', '-i', 'web', 'cat');
    assert.equal(result.stdout, 'read 18 bytes: line one\nline two\n');
    assert.equal(result.code, 3, result.stderr);
    const start = state.calls.find((c) => c[0] === 'exec-create');
    assert.equal((start?.[2] as { AttachStdin: boolean }).AttachStdin, true);
  });

  it('docker logs -f shows lines as they come and ends when the log ends', async () => {
    state.logLines = [
      { stream: 'stdout', line: Buffer.from('old\n'), time: '2026-11-29T10:00:01.000000000Z' },
    ];
    state.followLines = (async function* () {
      await new Promise((r) => setTimeout(r, 100));
      yield { stream: 'stdout' as const, line: Buffer.from('new\n'), time: '2026-11-29T10:00:02.000000000Z' };
    })();
    const result = await docker(host, 'logs', '-f', '--since', '2026-11-29T10:00:00Z', 'web');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'old\nnew\n');
    const logs = state.calls.find((c) => c[0] === 'logs')?.[2] as { follow: boolean; since: number };
    assert.equal(logs.follow, true);
    assert.equal(logs.since, Date.UTC(2026, 10, 29, 10) / 1000);
  });

  it('with a TTY container, logs and start -a read raw bytes', async () => {
    state.tty = true;
    state.logLines = [
      { stream: 'stdout', line: Buffer.from('raw out\r\n'), time: '2026-11-29T10:00:01.000000000Z' },
    ];
    const logs = await docker(host, 'logs', 'web');
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'raw out\r\n');
    state.session = async (streams) => {
      while (!state.running.has('abc123')) await new Promise((r) => setTimeout(r, 5));
      streams.stdout?.write('\x1b[1mbold\x1b[0m\r\n');
    };
    state.waitResult = new Promise<ContainerWaitResponse>((resolve) =>
      setTimeout(() => resolve({ StatusCode: 0, Error: null }), 100),
    );
    const started = await docker(host, 'start', '-a', 'web');
    assert.equal(started.code, 0, started.stderr);
    assert.equal(started.stdout, '\x1b[1mbold\x1b[0m\r\n');
  });
});
