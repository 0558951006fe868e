import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from '../../../test/support/cli.js';
import { testBase } from '../../../test/support/test-base.js';
import { CliContext } from '../context.js';
import { parseNormalizedNamed } from '../../reference/index.js';
import {
  memoryOutput,
  queryOf,
  sendJson,
  sendJsonLines,
  startFakeEngine,
  type FakeEngine,
} from '../testing/fake-engine.js';
import { runLading } from '../testing/run-cli.js';
import { platformJson, pushImage } from './push.js';

const DIGEST = 'sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7';

function pushStream(repo: string, tag: string): unknown[] {
  return [
    { status: `The push refers to repository [${repo}]` },
    { status: 'Preparing', progressDetail: {}, id: '5f70bf18a086' },
    { status: 'Preparing', progressDetail: {}, id: 'e2eb06d8af82' },
    { status: 'Waiting', progressDetail: {}, id: 'e2eb06d8af82' },
    {
      status: 'Pushing',
      progressDetail: { current: 512, total: 2048 },
      progress: '[==>  ]',
      id: '5f70bf18a086',
    },
    { status: 'Pushed', progressDetail: {}, id: '5f70bf18a086' },
    { status: 'Layer already exists', progressDetail: {}, id: 'e2eb06d8af82' },
    { status: `${tag}: digest: ${DIGEST} size: 739` },
    { progressDetail: {}, aux: { Tag: tag, Digest: DIGEST, Size: 739 } },
  ];
}

describe('lading push', () => {
  let engine: FakeEngine;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    engine = await startFakeEngine();
    const handler = (req: { url: string }, res: import('node:http').ServerResponse): void => {
      const path = req.url.split('?')[0] ?? '';
      const name = path.replace(/^\/v[\d.]+\/images\//, '').replace(/\/push$/, '');
      if (name.endsWith('/absent'))
        return sendJson(res, 404, { message: `An image does not exist locally with the tag: ${name}` });
      if (name.endsWith('/denied')) {
        return sendJsonLines(res, [
          { status: `The push refers to repository [${name}]` },
          {
            errorDetail: { message: 'denied: requested access to the resource is denied' },
            error: 'denied: requested access to the resource is denied',
          },
        ]);
      }
      sendJsonLines(res, pushStream(name, queryOf(req as never).get('tag') ?? 'latest'));
    };
    for (const name of [
      'docker.io/library/foo',
      'localhost:5000/team/app',
      'docker.io/library/absent',
      'docker.io/library/denied',
    ]) {
      engine.routes.set(`POST /images/${name}/push`, handler);
    }
    dir = mkdtempSync(join(testBase(), 'lading-cli-push-'));
    env = { DOCKER_HOST: engine.host, DOCKER_CONFIG: join(dir, 'empty') };
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the push as docker, ending with the digest line', async () => {
    const r = await runLading(['push', 'foo'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'Using default tag: latest\n' +
        'The push refers to repository [docker.io/library/foo]\n' +
        '5f70bf18a086: Preparing\n' +
        'e2eb06d8af82: Preparing\n' +
        'e2eb06d8af82: Waiting\n' +
        '5f70bf18a086: Pushed\n' +
        'e2eb06d8af82: Layer already exists\n' +
        `latest: digest: ${DIGEST} size: 739\n`,
    );
    const req = engine.requests.at(-1);
    assert.equal(req?.url, '/v1.47/images/docker.io/library/foo/push?tag=latest');
    assert.equal(req?.headers['x-registry-auth'], 'e30=');
    assert.equal(req?.body, '{}');
  });

  it('-q prints the reference once pushed; -a pushes every tag', async () => {
    const q = await runLading(['push', '-q', 'localhost:5000/team/app:v2'], { env });
    assert.deepEqual([q.code, q.stdout], [0, 'localhost:5000/team/app:v2\n']);
    assert.equal(queryOf(engine.requests.at(-1)).get('tag'), 'v2');
    const a = await runLading(['push', '-a', 'foo'], { env });
    assert.equal(a.code, 0, a.stderr);
    assert.ok(a.stdout.startsWith('The push refers to repository'));
    assert.equal(engine.requests.at(-1)?.url, '/v1.47/images/docker.io/library/foo/push');
  });

  it('sends the credentials stored for the registry', async () => {
    const config = join(dir, 'auth');
    mkdirSync(config);
    writeFileSync(
      join(config, 'config.json'),
      JSON.stringify({ auths: { 'localhost:5000': { auth: Buffer.from('bob:pw').toString('base64') } } }),
    );
    const r = await runLading(['push', '-q', 'localhost:5000/team/app:v2'], {
      env: { ...env, DOCKER_CONFIG: config },
    });
    assert.equal(r.code, 0, r.stderr);
    const auth = engine.requests.at(-1)?.headers['x-registry-auth'];
    assert.deepEqual(JSON.parse(Buffer.from(String(auth), 'base64url').toString()), {
      username: 'bob',
      password: 'pw',
      serveraddress: 'localhost:5000',
    });
  });

  it('fails as docker: digest, tag with -a, absent image, registry refusal', async () => {
    const digest = await runLading(['push', `foo@${DIGEST}`], { env });
    assert.deepEqual([digest.code, digest.stderr], [1, 'cannot push a digest reference\n']);
    const all = await runLading(['push', '-a', 'foo:1'], { env });
    assert.deepEqual([all.code, all.stderr], [1, "tag can't be used with --all-tags/-a\n"]);
    const absent = await runLading(['push', 'absent'], { env });
    assert.deepEqual(
      [absent.code, absent.stderr],
      [
        1,
        'Error response from daemon: An image does not exist locally with the tag: docker.io/library/absent\n',
      ],
    );
    const denied = await runLading(['push', '-q', 'denied'], { env });
    assert.deepEqual(
      [denied.code, denied.stdout, denied.stderr],
      [1, '', 'denied: requested access to the resource is denied\n'],
    );
  });

  it('--platform sends the OCI platform as JSON, with docker’s note', async () => {
    assert.equal(platformJson('linux/arm64/v8'), '{"architecture":"arm64","os":"linux","variant":"v8"}');
    assert.equal(platformJson('linux'), '{"architecture":"amd64","os":"linux"}');
    assert.equal(platformJson('a/b/c/d'), undefined);
    const r = await runLading(['push', '--platform', 'linux/arm64', '-q', 'foo:1'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(queryOf(engine.requests.at(-1)).get('platform'), '{"architecture":"arm64","os":"linux"}');
    assert.match(r.stdout, /^\n Info -> Using --platform pushes only the specified platform manifest/);
    assert.ok(r.stdout.endsWith('docker.io/library/foo:1\n'));
  });

  it('pushImage resolves with the pushed manifests from the aux message', async () => {
    const ctx = new CliContext({ stdout: memoryOutput(), stderr: memoryOutput(), env });
    try {
      const pushed = await pushImage(ctx.client(), parseNormalizedNamed('foo:3'));
      assert.deepEqual(pushed, [{ Tag: '3', Digest: DIGEST, Size: 739 }]);
    } finally {
      ctx.close();
    }
  });

  it('matches the docker CLI run against the same daemon', async () => {
    for (const args of [
      ['push', 'foo'],
      ['push', '-q', 'foo:2'],
      ['push', 'absent'],
      ['push', 'denied'],
      ['push', `foo@${DIGEST}`],
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
