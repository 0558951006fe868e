import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from '../../../test/support/cli.js';
import { testBase } from '../../../test/support/test-base.js';
import { CliContext } from '../context.js';
import { CredentialStore } from '../credentials/index.js';
import { parseNormalizedNamed } from '../../reference/index.js';
import {
  memoryOutput,
  queryOf,
  sendJson,
  sendJsonLines,
  startFakeEngine,
  type FakeEngine,
} from '../testing/fake-engine.js';
import { helperPath, writeFakeHelper } from '../testing/fake-credential-helper.js';
import { DOCKER_PULL_PIPE, DOCKER_PULL_TTY_120, PULL_STREAM } from '../testing/recorded-streams.js';
import { runLading } from '../testing/run-cli.js';
import { pullImage, pullMissingImage } from './pull.js';

const DIGEST = 'sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7';
const DENIED =
  "pull access denied for private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";

const decodeAuth = (header: unknown): unknown =>
  JSON.parse(Buffer.from(String(header), 'base64url').toString('utf8'));

describe('lading pull', () => {
  let engine: FakeEngine;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine({
      'POST /images/create': (req, res) => {
        const from = queryOf(req).get('fromImage') ?? '';
        if (from.endsWith('/private')) return sendJson(res, 404, { message: DENIED });
        if (from.endsWith('/broken')) {
          return sendJsonLines(res, [
            { status: 'Pulling from library/broken', id: 'latest' },
            { errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' },
          ]);
        }
        sendJsonLines(res, PULL_STREAM as unknown[]);
      },
    });
    dir = mkdtempSync(join(testBase(), 'lading-cli-pull-'));
    // An empty config directory, so that the user's own ~/.docker plays no part.
    env = { DOCKER_HOST: engine.host, DOCKER_CONFIG: join(dir, 'empty') };
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints what docker prints into a pipe, and asks for the normalised name anonymously', async () => {
    const r = await runLading(['pull', 'busybox'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, DOCKER_PULL_PIPE);
    assert.equal(r.stderr, '');
    const req = engine.requests.at(-1);
    assert.equal(req?.url, '/v1.47/images/create?fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest');
    assert.equal(req?.headers['x-registry-auth'], 'e30=');
  });

  it('draws progress bars on a terminal as docker does', async () => {
    const r = await runLading(['pull', 'busybox'], { env, stdoutTTY: true, columns: 120 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, DOCKER_PULL_TTY_120);
  });

  it('-q prints only the reference; -a pulls every tag by name', async () => {
    const q = await runLading(['pull', '-q', 'localhost:5000/team/app:v2'], { env });
    assert.equal(q.stdout, 'localhost:5000/team/app:v2\n');
    assert.equal(queryOf(engine.requests.at(-1)).get('fromImage'), 'localhost:5000/team/app');
    assert.equal(queryOf(engine.requests.at(-1)).get('tag'), 'v2');

    const a = await runLading(['pull', '--all-tags', 'busybox'], { env });
    assert.equal(a.code, 0, a.stderr);
    assert.ok(a.stdout.startsWith('latest: Pulling from library/busybox\n'), a.stdout); // no "Using default tag"
    assert.ok(a.stdout.endsWith('\ndocker.io/library/busybox\n'), a.stdout);
    assert.equal(queryOf(engine.requests.at(-1)).has('tag'), false);

    const bad = await runLading(['pull', '-a', 'busybox:1'], { env });
    assert.deepEqual([bad.code, bad.stdout, bad.stderr], [1, '', "tag can't be used with --all-tags/-a\n"]);
  });

  it('sends a digest as the tag, and the platform lower-cased (flag or DOCKER_DEFAULT_PLATFORM)', async () => {
    const r = await runLading(['pull', '--platform', 'Linux/ARM64/v8', `busybox@${DIGEST}`], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.endsWith(`docker.io/library/busybox@${DIGEST}\n`));
    let q = queryOf(engine.requests.at(-1));
    assert.equal(q.get('tag'), DIGEST);
    assert.equal(q.get('platform'), 'linux/arm64/v8');

    await runLading(['pull', '-q', 'busybox'], { env: { ...env, DOCKER_DEFAULT_PLATFORM: 'linux/386' } });
    q = queryOf(engine.requests.at(-1));
    assert.equal(q.get('platform'), 'linux/386');
  });

  it("sends the stored credentials of the image's registry (file and credential helper)", async () => {
    const config = join(dir, 'with-auth');
    mkdirSync(config);
    writeFileSync(
      join(config, 'config.json'),
      JSON.stringify({
        auths: {
          'localhost:5000': { auth: Buffer.from('bob:pw').toString('base64') },
          'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpw').toString('base64') },
        },
      }),
    );
    await runLading(['--config', config, 'pull', '-q', 'localhost:5000/app'], { env });
    assert.deepEqual(decodeAuth(engine.requests.at(-1)?.headers['x-registry-auth']), {
      username: 'bob',
      password: 'pw',
      serveraddress: 'localhost:5000',
    });
    await runLading(['pull', '-q', 'user/app'], { env: { ...env, DOCKER_CONFIG: config } });
    assert.deepEqual(decodeAuth(engine.requests.at(-1)?.headers['x-registry-auth']), {
      username: 'hubuser',
      password: 'hubpw',
      serveraddress: 'https://index.docker.io/v1/',
    });
    await runLading(['pull', '-q', 'elsewhere.example/app'], { env: { ...env, DOCKER_CONFIG: config } });
    assert.equal(engine.requests.at(-1)?.headers['x-registry-auth'], 'e30=');

    const helper = writeFakeHelper(join(dir, 'bin'), 'pulltest');
    const helperConfig = join(dir, 'with-helper');
    mkdirSync(helperConfig);
    writeFileSync(
      join(helperConfig, 'config.json'),
      JSON.stringify({ credHelpers: { 'ghcr.io': 'pulltest' } }),
    );
    const helperEnv = { ...env, DOCKER_CONFIG: helperConfig, PATH: helperPath(helper) };
    const store = await CredentialStore.open(helperConfig, { env: helperEnv, stderr: memoryOutput() });
    await store.store({ serveraddress: 'ghcr.io', username: 'octo', password: 'secret' });
    const r = await runLading(['pull', '-q', 'ghcr.io/octo/app'], { env: helperEnv });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(decodeAuth(engine.requests.at(-1)?.headers['x-registry-auth']), {
      username: 'octo',
      password: 'secret',
      serveraddress: 'ghcr.io',
    });
    assert.deepEqual(helper.calls(), ['store ghcr.io', 'get ghcr.io']);
  });

  it('warns about a config.json that does not parse and pulls anonymously, as docker', async () => {
    const config = join(dir, 'broken-config');
    mkdirSync(config);
    writeFileSync(join(config, 'config.json'), '{"auths": [');
    const r = await runLading(['pull', '-q', 'busybox'], { env: { ...env, DOCKER_CONFIG: config } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^WARNING: Error parsing config file \(.*config\.json\): /);
    assert.equal(engine.requests.at(-1)?.headers['x-registry-auth'], 'e30=');
  });

  it("passes the daemon's refusal and in-stream errors through, exit 1", async () => {
    const denied = await runLading(['pull', 'private'], { env });
    assert.deepEqual(
      [denied.code, denied.stdout, denied.stderr],
      [1, 'Using default tag: latest\n', `Error response from daemon: ${DENIED}\n`],
    );
    const broken = await runLading(['pull', 'broken'], { env });
    assert.deepEqual(
      [broken.code, broken.stdout, broken.stderr],
      [1, 'Using default tag: latest\nlatest: Pulling from library/broken\n', 'unexpected EOF\n'],
    );
    const quiet = await runLading(['pull', '-q', 'broken'], { env });
    assert.deepEqual([quiet.code, quiet.stdout, quiet.stderr], [1, '', 'unexpected EOF\n']);
  });

  it('refuses bad references and arguments before asking the daemon', async () => {
    const before = engine.requests.length;
    const upper = await runLading(['pull', 'UPPER'], { env });
    assert.deepEqual(
      [upper.code, upper.stderr],
      [1, 'invalid reference format: repository name (library/UPPER) must be lowercase\n'],
    );
    const bad = await runLading(['pull', 'a@sha256:zz'], { env });
    assert.deepEqual([bad.code, bad.stderr], [1, 'invalid reference format\n']);
    const none = await runLading(['pull'], { env });
    assert.deepEqual(
      [none.code, none.stderr],
      [
        1,
        "lading: 'lading pull' requires 1 argument\n\nUsage:  lading pull [OPTIONS] NAME[:TAG|@DIGEST]\n\nRun 'lading pull --help' for more information\n",
      ],
    );
    assert.equal(engine.requests.length, before);
  });

  it('pullImage is reusable: anonymous, quiet and rendering into any output', async () => {
    const ctx = new CliContext({ stdout: memoryOutput(), stderr: memoryOutput(), env });
    try {
      const out = memoryOutput();
      await pullImage(ctx.client(), parseNormalizedNamed('alpine'), { out });
      assert.ok(out.text().startsWith('latest: Pulling from library/busybox\n'));
      assert.equal(
        engine.requests.at(-1)?.url,
        '/v1.47/images/create?fromImage=docker.io%2Flibrary%2Falpine&tag=latest',
      );
      await assert.rejects(pullImage(ctx.client(), parseNormalizedNamed('broken')), {
        message: 'unexpected EOF',
      });
    } finally {
      ctx.close();
    }
  });

  it('pullMissingImage announces the pull on stderr and renders it there, as docker run', async () => {
    const stdout = memoryOutput();
    const stderr = memoryOutput();
    const ctx = new CliContext({ stdout, stderr, env });
    try {
      await pullMissingImage(ctx, parseNormalizedNamed('busybox'));
      assert.equal(stdout.text(), '');
      assert.equal(
        stderr.text(),
        "Unable to find image 'busybox:latest' locally\n" +
          DOCKER_PULL_PIPE.slice(
            'Using default tag: latest\n'.length,
            -'docker.io/library/busybox:latest\n'.length,
          ),
      );
      const quiet = memoryOutput();
      const qctx = new CliContext({ stdout, stderr: quiet, env });
      try {
        await pullMissingImage(qctx, parseNormalizedNamed('busybox:1'), {
          quiet: true,
          platform: 'linux/arm64',
        });
      } finally {
        qctx.close();
      }
      assert.equal(quiet.text(), '');
      assert.equal(queryOf(engine.requests.at(-1)).get('platform'), 'linux/arm64');
    } finally {
      ctx.close();
    }
  });

  it('matches the docker CLI run against the same daemon', async () => {
    for (const args of [
      ['pull', 'busybox'],
      ['pull', '-q', 'busybox'],
      ['pull', 'private'],
      ['pull', 'broken'],
      ['pull', 'UPPER'],
    ]) {
      const theirs = await docker(engine.host, ...args);
      const ours = await runLading(args, { env });
      assert.deepEqual(
        [ours.code, ours.stdout, ours.stderr],
        [theirs.code, theirs.stdout, theirs.stderr],
        args.join(' '),
      );
    }
  });
});
