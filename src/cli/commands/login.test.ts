import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_BIN, runCommand } from '../../../test/support/cli.js';
import { testBase } from '../../../test/support/test-base.js';
import { sendJson, startFakeEngine, type FakeEngine } from '../testing/fake-engine.js';
import { helperPath, writeFakeHelper } from '../testing/fake-credential-helper.js';
import { runLading } from '../testing/run-cli.js';

const HUB = 'https://index.docker.io/v1/';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const WARN_PASSWORD = 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n';
const unencrypted = (path: string): string =>
  `\nWARNING! Your credentials are stored unencrypted in '${path}'.\n` +
  'Configure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n';
const STORED_NOTE =
  "\n Info -> To login with a different account, run 'lading logout' followed by 'lading login'\n\n\n";

describe('lading login and logout', () => {
  let engine: FakeEngine;
  let root: string;
  let n = 0;
  /** A fresh config directory (optionally with a config.json) and the env that uses it. */
  const fresh = (config?: unknown): { dir: string; file: string; env: Record<string, string> } => {
    const dir = join(root, `cfg${n++}`);
    mkdirSync(dir);
    const file = join(dir, 'config.json');
    if (config !== undefined)
      writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
    return { dir, file, env: { DOCKER_HOST: engine.host, DOCKER_CONFIG: dir } };
  };
  const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
  const authBodies = (): unknown[] =>
    engine.requests.filter((r) => r.url.endsWith('/auth')).map((r) => JSON.parse(r.body) as unknown);

  before(async () => {
    engine = await startFakeEngine({
      // Accepts password "pw" (or anything for user "tok", which gets an identity token).
      'POST /auth': (req, res) => {
        const body = JSON.parse(req.body) as { username?: string; password?: string; serveraddress?: string };
        if (body.username === 'tok')
          return sendJson(res, 200, { Status: 'Login Succeeded', IdentityToken: 'ID-TOKEN' });
        if (body.password === 'pw')
          return sendJson(res, 200, { Status: 'Login Succeeded', IdentityToken: '' });
        sendJson(res, 401, {
          message: `Get "https://${body.serveraddress}/v2/": unauthorized: incorrect username or password`,
        });
      },
    });
    root = mkdtempSync(join(testBase(), 'lading-cli-login-'));
  });
  after(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('logs in with -u/-p, warns twice as docker, and stores the auth 0600', async () => {
    const { file, env } = fresh();
    const r = await runLading(['login', '-u', 'bob', '-p', 'pw', 'localhost:5000'], { env });
    assert.deepEqual(
      [r.code, r.stdout, r.stderr],
      [0, 'Login Succeeded\n', WARN_PASSWORD + unencrypted(file)],
    );
    assert.deepEqual(authBodies().at(-1), {
      username: 'bob',
      password: 'pw',
      serveraddress: 'localhost:5000',
    });
    assert.equal(
      readFileSync(file, 'utf8'),
      `{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "${b64('bob:pw')}"\n\t\t}\n\t}\n}`,
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('reads --password-stdin, reduces the server to host:port, and stores an identity token', async () => {
    const { file, env } = fresh({ psFormat: 'table {{.ID}}' });
    const r = await runLading(
      ['login', '-u', 'tok', '--password-stdin', 'https://Reg.example.com:5000/v2/'],
      {
        env,
        stdin: 'pw2\r\n',
      },
    );
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'Login Succeeded\n', '']);
    assert.deepEqual(authBodies().at(-1), {
      username: 'tok',
      password: 'pw2',
      serveraddress: 'Reg.example.com:5000',
    });
    assert.deepEqual(readJson(file), {
      psFormat: 'table {{.ID}}',
      auths: { 'Reg.example.com:5000': { auth: b64('tok:'), identitytoken: 'ID-TOKEN' } },
    });
  });

  it("files docker.io, index.docker.io and registry-1.docker.io under Docker Hub's key", async () => {
    for (const server of [
      [],
      ['docker.io'],
      ['index.docker.io'],
      ['registry-1.docker.io'],
      ['https://index.docker.io/v1/'],
    ]) {
      const { file, env } = fresh();
      const r = await runLading(['login', '-u', 'bob', '-p', 'pw', ...server], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((authBodies().at(-1) as { serveraddress: string }).serveraddress, HUB, server.join());
      assert.deepEqual(Object.keys((readJson(file) as { auths: object }).auths), [HUB]);
    }
  });

  it("fails with the daemon's message and stores nothing", async () => {
    const { file, env } = fresh();
    const r = await runLading(['login', '-u', 'bob', '--password-stdin', 'localhost:5000'], {
      env,
      stdin: 'nope\n',
    });
    assert.deepEqual(
      [r.code, r.stdout, r.stderr],
      [
        1,
        '',
        'Error response from daemon: Get "https://localhost:5000/v2/": unauthorized: incorrect username or password\n',
      ],
    );
    assert.throws(() => statSync(file), { code: 'ENOENT' });
  });

  it('reuses stored credentials, and refuses to prompt without a terminal', async () => {
    const { env } = fresh({ auths: { 'localhost:5000': { auth: b64('bob:pw') } } });
    const ok = await runLading(['login', 'localhost:5000'], { env });
    assert.deepEqual(
      [ok.code, ok.stdout, ok.stderr],
      [0, 'Login Succeeded\n', 'Authenticating with existing credentials... [Username: bob]\n' + STORED_NOTE],
    );

    const stale = fresh({ auths: { 'localhost:5000': { auth: b64('bob:old') } } });
    const r = await runLading(['login', 'localhost:5000'], { env: stale.env });
    assert.deepEqual(
      [r.code, r.stdout, r.stderr],
      [
        1,
        '',
        'Authenticating with existing credentials... [Username: bob]\n' +
          STORED_NOTE +
          'Stored credentials invalid or expired\n' +
          'Error: Cannot perform an interactive login from a non TTY device\n',
      ],
    );
    const noTty = await runLading(['login', '-u', 'bob', 'localhost:5000'], { env: stale.env });
    assert.deepEqual(
      [noTty.code, noTty.stderr],
      [1, 'Error: Cannot perform an interactive login from a non TTY device\n'],
    );
  });

  it('prompts on a terminal: user name (with the stored one as default), then password', async () => {
    const { file, env } = fresh({
      auths: { 'localhost:5000': { auth: b64('carol:'), identitytoken: 'old' } },
    });
    const r = await runLading(['login', 'localhost:5000'], { env, stdinTTY: true, stdin: 'bob\npw\n' });
    assert.deepEqual(
      [r.code, r.stdout, r.stderr],
      [0, 'Username (carol): Password: \nLogin Succeeded\n', unencrypted(file)],
    );
    assert.deepEqual(authBodies().at(-1), {
      username: 'bob',
      password: 'pw',
      serveraddress: 'localhost:5000',
    });

    const keep = await runLading(['login', 'localhost:5000'], {
      env: fresh({ auths: { 'localhost:5000': { auth: b64('pwless:') } } }).env,
      stdinTTY: true,
      stdin: '\n',
    });
    assert.deepEqual(
      [keep.code, keep.stdout, keep.stderr],
      [1, 'Username (pwless): Password: \n', 'Error: Password Required\n'],
    );

    const hub = fresh();
    const h = await runLading(['login', '-p', 'pw'], { env: hub.env, stdinTTY: true, stdin: '\n' });
    assert.equal(h.code, 1);
    assert.equal(
      h.stdout,
      'Log in with your Docker ID or email address to push and pull images from Docker Hub. ' +
        "If you don't have a Docker ID, head over to https://hub.docker.com/ to create one.\n" +
        'You can log in with your password or a Personal Access Token (PAT). Using a limited-scope PAT ' +
        'grants better security and is required for organizations using SSO. Learn more at ' +
        'https://docs.docker.com/go/access-tokens/\n\nUsername: ',
    );
    assert.equal(h.stderr, WARN_PASSWORD + 'Error: Non-null Username Required\n');

    const pat = await runLading(['login', '-u', 'bob'], {
      env: { ...hub.env, DOCKER_CLI_HINTS: 'false' },
      stdinTTY: true,
      stdin: 'pw\n',
    });
    assert.deepEqual([pat.code, pat.stdout], [0, 'Password: \nLogin Succeeded\n']);
    assert.ok(
      pat.stderr.startsWith(
        '\n Info -> A Personal Access Token (PAT) can be used instead.\n' +
          '         To create a PAT, visit https://app.docker.com/settings\n         \n         \n',
      ),
      pat.stderr,
    );
  });

  it("checks flags with docker's wording", async () => {
    const { env } = fresh();
    const cases: [string[], string][] = [
      [
        ['-p', 'x', '--password-stdin', '-u', 'a'],
        'conflicting options: cannot specify both --password and --password-stdin',
      ],
      [['--password-stdin'], 'the --password-stdin option requires --username to be set'],
      [['-u', ''], 'username is empty'],
      [['-p', ''], 'password is empty'],
    ];
    for (const [args, message] of cases) {
      const r = await runLading(['login', ...args], { env });
      assert.deepEqual([r.code, r.stderr], [1, `${message}\n`], args.join(' '));
    }
    const two = await runLading(['login', 'a', 'b'], { env });
    assert.deepEqual(
      [two.code, two.stderr],
      [
        1,
        "lading: 'lading login' requires at most 1 argument\n\nUsage:  lading login [OPTIONS] [SERVER]\n\nRun 'lading login --help' for more information\n",
      ],
    );
  });

  it('stores through credsStore, leaving an empty entry in the file', async () => {
    const helper = writeFakeHelper(join(root, 'bin'), 'logintest');
    const { file, env } = fresh({ credsStore: 'logintest' });
    const r = await runLading(['login', '-u', 'bob', '--password-stdin', 'ghcr.io'], {
      env: { ...env, PATH: helperPath(helper) },
      stdin: 'pw\n',
    });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'Login Succeeded\n', '']);
    assert.deepEqual(helper.stored(), { 'ghcr.io': { ServerURL: 'ghcr.io', Username: 'bob', Secret: 'pw' } });
    assert.deepEqual(readJson(file), { credsStore: 'logintest', auths: { 'ghcr.io': {} } });

    const out = await runLading(['logout', 'ghcr.io'], { env: { ...env, PATH: helperPath(helper) } });
    assert.deepEqual([out.code, out.stdout, out.stderr], [0, 'Removing login credentials for ghcr.io\n', '']);
    assert.deepEqual(helper.stored(), {});
    assert.deepEqual(readJson(file), { credsStore: 'logintest', auths: {} });

    const failing = await runLading(['login', '-u', 'bob', '-p', 'pw', 'fail.example'], {
      env: { ...env, PATH: helperPath(helper) },
    });
    assert.deepEqual([failing.code, failing.stdout], [1, '']);
    assert.equal(
      failing.stderr,
      WARN_PASSWORD +
        'helper says no\nError saving credentials: error storing credentials - err: exit status 3, out: `keychain locked`\n',
    );
  });

  it('never overwrites a config file it cannot parse', async () => {
    const { file, env } = fresh('{"auths": ');
    const r = await runLading(['login', '-u', 'bob', '-p', 'pw', 'localhost:5000'], { env });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`parsing config file \\(${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\): `),
    );
    assert.equal(readFileSync(file, 'utf8'), '{"auths": ');
  });

  it('logout removes every form the entry may be stored under, or says there is none', async () => {
    const { file, env } = fresh({
      auths: {
        'https://reg.example:5000': { auth: b64('a:b') },
        [HUB]: { auth: b64('h:p') },
        'keep.example': { auth: b64('k:k') },
      },
      psFormat: 'x',
    });
    const r = await runLading(['logout', 'reg.example:5000'], { env });
    assert.deepEqual(
      [r.code, r.stdout, r.stderr],
      [0, 'Removing login credentials for reg.example:5000\n', ''],
    );
    const hub = await runLading(['logout'], { env });
    assert.deepEqual([hub.code, hub.stdout], [0, `Removing login credentials for ${HUB}\n`]);
    assert.deepEqual(readJson(file), { auths: { 'keep.example': { auth: b64('k:k') } }, psFormat: 'x' });
    const none = await runLading(['logout', 'https://nothere.example:1/v2/'], { env });
    assert.deepEqual([none.code, none.stdout, none.stderr], [0, 'Not logged in to nothere.example:1\n', '']);
    const hubAgain = await runLading(['logout', 'docker.io'], { env });
    assert.deepEqual([hubAgain.code, hubAgain.stdout], [0, `Not logged in to ${HUB}\n`]);
  });

  it('writes the same config.json as the docker CLI for the same logins', async () => {
    const ours = fresh();
    const theirs = fresh();
    const steps: [string[], string][] = [
      [['login', '-u', 'bob', '-p', 'pw', 'localhost:5000'], ''],
      [['login', '-u', 'tok', '--password-stdin', 'https://Reg.example.com:5000/v2/'], 'pw2\n'],
      [['login', '-u', 'hub', '--password-stdin'], 'pw\n'],
      [['logout', 'localhost:5000'], ''],
    ];
    for (const [args, stdin] of steps) {
      const o = await runLading(args, { env: ours.env, stdin });
      const t = await runDocker(engine.host, theirs.dir, args, stdin);
      assert.deepEqual(
        [o.code, o.stdout, o.stderr.replaceAll(ours.file, 'CONFIG')],
        [t.code, t.stdout, t.stderr.replaceAll(theirs.file, 'CONFIG')],
        args.join(' '),
      );
    }
    assert.equal(readFileSync(ours.file, 'utf8'), readFileSync(theirs.file, 'utf8'));
  });
});

/** The docker CLI with its own config directory, and stdin (for --password-stdin). */
async function runDocker(host: string, config: string, args: string[], stdin: string) {
  if (stdin === '') return runCommand(DOCKER_BIN, ['-H', host, '--config', config, ...args]);
  const input = join(config, '..', `stdin-${Math.random().toString(36).slice(2)}`);
  writeFileSync(input, stdin);
  return runCommand('/bin/sh', [
    '-c',
    `"$0" "$@" < "${input}"`,
    DOCKER_BIN,
    '-H',
    host,
    '--config',
    config,
    ...args,
  ]);
}
