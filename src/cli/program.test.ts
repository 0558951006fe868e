import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, versionLine } from './program.js';
import { memoryOutput, sendJson, startFakeEngine, type FakeEngine } from './testing/fake-engine.js';
import { INFO_FIXTURE, VERSION_FIXTURE } from './testing/fixtures.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], env: Record<string, string> = {}, signal?: AbortSignal): Promise<Result> {
  const stdout = memoryOutput();
  const stderr = memoryOutput();
  const code = await runCli(args, { stdout, stderr, env, ...(signal ? { signal } : {}) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const NO_DAEMON = { LADING_HOST: 'unix:///nonexistent/lading.sock' };
const CANNOT_CONNECT =
  'Cannot connect to the lading daemon at unix:///nonexistent/lading.sock. Is the lading daemon running?\n';

describe('lading CLI: parsing and exit codes', () => {
  it('-v prints the version line', async () => {
    const r = await run(['-v']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${versionLine()}\n`);
    assert.match(r.stdout, /^lading version 0\.1\.0, build (\w{7}|dev)\n$/);
  });

  it('unknown command: exit 1 with docker wording', async () => {
    const r = await run(['foo']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      "lading: unknown command: lading foo\n\nRun 'lading --help' for more information\n",
    );
  });

  it('unknown flag: exit 125 with usage', async () => {
    const r = await run(['version', '--bogus']);
    assert.equal(r.code, 125);
    assert.equal(
      r.stderr,
      "unknown flag: --bogus\n\nUsage:  lading version [OPTIONS]\n\nRun 'lading version --help' for more information\n",
    );
  });

  it('--context is not a flag', async () => {
    const r = await run(['--context', 'x', 'version']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^unknown flag: --context\n\nUsage: {2}lading \[OPTIONS\] COMMAND\n/);
  });

  it('unknown shorthand flag', async () => {
    const r = await run(['-x']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^unknown shorthand flag: 'x' in -x\n/);
  });

  it('missing flag value: exit 125', async () => {
    const r = await run(['version', '--format']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^flag needs an argument: --format\n/);
  });

  it('extra arguments: exit 1', async () => {
    const r = await run(['version', 'extra']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^lading: 'lading version' accepts no arguments\n\nUsage: {2}lading version \[OPTIONS\]\n/,
    );
  });

  it('bad filter: exit 125 with pflag wording', async () => {
    const r = await run(['events', '-f', 'nokey']);
    assert.equal(r.code, 125);
    assert.match(
      r.stderr,
      /^invalid argument "nokey" for "-f, --filter" flag: bad format of filter \(expected name=value\)\n\nUsage: {2}lading events \[OPTIONS\]/,
    );
  });

  it('bad log level: exit 1', async () => {
    const r = await run(['-l', 'loud', 'version']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Unable to parse logging level: loud\n');
  });

  it('global flags are only read before the command, as docker', async () => {
    const r = await run(['version', '-H', 'unix:///x']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^unknown shorthand flag: 'H' in -H\n/);
  });

  it('bare lading prints help on stderr and succeeds', async () => {
    const r = await run([]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /Usage: lading \[OPTIONS\] COMMAND/);
  });

  it('--help exits 0', async () => {
    const r = await run(['version', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: lading version \[OPTIONS\]/);
  });

  it('only one -H', async () => {
    const r = await run(['-H', 'unix:///a', '-H', 'unix:///b', 'version']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Failed to initialize: unable to resolve lading endpoint: Specify only one -H\n');
  });
});

describe('lading CLI: without a daemon', () => {
  it('version prints the client part, then the error, exit 1', async () => {
    const r = await run(['version'], NO_DAEMON);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Client:\n Version: {11}0\.1\.0\n API version: {7}1\.47\n/);
    assert.doesNotMatch(r.stdout, /Server/);
    assert.equal(r.stderr, CANNOT_CONNECT);
  });

  it('info prints Client and Server headers, then the error, exit 1', async () => {
    const r = await run(['info'], NO_DAEMON);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'Client:\n Version:    0.1.0\n Debug Mode: false\n\nServer:\n');
    assert.equal(r.stderr, CANNOT_CONNECT);
  });

  it('info --format on client fields needs no daemon', async () => {
    const r = await run(['info', '--format', '{{.ClientInfo.Version}}'], NO_DAEMON);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '0.1.0\n');
  });

  it('version --format with a syntax error exits 64 before connecting', async () => {
    const r = await run(['version', '--format', '{{.Client'], NO_DAEMON);
    assert.equal(r.code, 64);
    assert.equal(r.stderr, 'template parsing error: template: version:1: unclosed action\n');
  });
});

describe('lading CLI: against an engine', () => {
  let engine: FakeEngine;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'GET /version': (_req, res) => sendJson(res, 200, VERSION_FIXTURE),
      'GET /info': (_req, res) => sendJson(res, 200, INFO_FIXTURE),
      'GET /events': (req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const ev = (action: string, n: number): string =>
          JSON.stringify({
            Type: 'container',
            Action: action,
            Actor: { ID: `c${n}`, Attributes: { name: 'web', image: 'busybox' } },
            scope: 'local',
            time: 1796038691,
          }).replace(/}$/, `,"timeNano":179603869100000000${n}}\n`);
        res.write(ev('create', 1));
        if (req.url.includes('until=')) res.end(ev('start', 2));
        // otherwise keep the stream open until the client goes away
      },
    });
    env = { DOCKER_HOST: engine.host };
  });

  after(() => engine.close());

  it('version shows the server', async () => {
    const r = await run(['version'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\n\nServer: lading Engine\n Engine:\n {2}Version: {10}0\.1\.0\n/);
    assert.match(r.stdout, / containerd:\n {2}Version: {10}1\.6\.20\n {2}GitCommit: {8}deadbeef\n/);
  });

  it('version --format reads server fields', async () => {
    const r = await run(['version', '-f', '{{.Server.Version}} {{.Server.Platform.Name}}'], env);
    assert.equal(r.stdout, '0.1.0 lading Engine\n');
  });

  it('-H wins over DOCKER_HOST', async () => {
    const r = await run(['-H', engine.host, 'version', '--format', '{{.Server.Version}}'], NO_DAEMON);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '0.1.0\n');
  });

  it('info prints the server section and warnings on stderr', async () => {
    const r = await run(['info'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Client:\n Version: {4}0\.1\.0\n Debug Mode: false\n\nServer:\n Containers: 3\n/);
    assert.match(r.stdout, / Total Memory: 23\.43GiB\n/);
    assert.equal(r.stderr, 'WARNING: bridge-nf-call-iptables is disabled\n');
  });

  it('info --format', async () => {
    const r = await run(
      ['info', '--format', '{{.ServerVersion}} {{.NCPU}} {{json .RegistryConfig.Mirrors}}'],
      env,
    );
    assert.equal(r.stdout, '0.1.0 8 ["http://127.0.0.1:5000/"]\n');
    const missing = await run(['info', '--format', '{{.Nope}}'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /can't evaluate field Nope/);
  });

  it('info with a daemon error prints ERROR: and exits 1, as docker', async () => {
    engine.routes.set('GET /info', (_req, res) => sendJson(res, 500, { message: 'containerd is down' }));
    try {
      const r = await run(['info'], env);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, 'Client:\n Version:    0.1.0\n Debug Mode: false\n\nServer:\n');
      assert.equal(
        r.stderr,
        'ERROR: Error response from daemon: containerd is down\nerrors pretty printing info\n',
      );
    } finally {
      engine.routes.set('GET /info', (_req, res) => sendJson(res, 200, INFO_FIXTURE));
    }
  });

  it("version --format json matches docker's key order for the server", async () => {
    const r = await run(['version', '--format', '{{json .Server}}'], env);
    assert.match(r.stdout, /^\{"Platform":\{"Name":"lading Engine"\},"Components":\[\{"Name":"Engine",/);
    assert.match(
      r.stdout,
      /"KernelVersion":"6\.1\.0","BuildTime":"2026-11-29T10:00:00\.000000000\+00:00"\}\n$/,
    );
  });

  it('-D shows daemon internals in info', async () => {
    const r = await run(['-D', 'info'], env);
    assert.match(r.stdout, /^ Debug Mode: true$/m);
    assert.match(r.stdout, /^ {2}File Descriptors: 24$/m);
  });

  it('events streams until the server ends, sending since/until/filters', async () => {
    engine.requests.length = 0;
    const r = await run(
      [
        'events',
        '--since',
        '1796038000',
        '--until',
        '1796039000',
        '-f',
        'type=container',
        '-f',
        'event=start',
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.replace(/T\d\d:\d\d:\d\d/g, 'T..').replace(/(Z|[+-]\d\d:\d\d) /g, ' '),
      '2026-11-30T...000000001 container create c1 (image=busybox, name=web)\n' +
        '2026-11-30T...000000002 container start c2 (image=busybox, name=web)\n',
    );
    const url = new URL(`http://x${engine.requests.at(-1)?.url ?? ''}`);
    assert.equal(url.pathname, '/v1.47/events');
    assert.equal(url.searchParams.get('since'), '1796038000');
    assert.equal(url.searchParams.get('until'), '1796039000');
    assert.equal(url.searchParams.get('filters'), '{"event":{"start":true},"type":{"container":true}}');
  });

  it('events --format', async () => {
    const r = await run(['events', '--until', '1796039000', '--format', '{{.Action}} {{.Actor.ID}}'], env);
    assert.equal(r.stdout, 'create c1\nstart c2\n');
  });

  it('events stops on interrupt with exit 130', async () => {
    const controller = new AbortController();
    const pending = run(['events'], env, controller.signal);
    setTimeout(() => controller.abort('SIGINT'), 100);
    const r = await pending;
    assert.equal(r.code, 130);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /container create c1/);
  });
});
