/**
 * Pull and push end to end: a real ladingd configured with a registry mirror on 127.0.0.1,
 * driven by the real docker CLI. The "done when": `docker pull busybox` with only a
 * mirror configured pulls docker.io/library/busybox:latest through it (the mirror here sits
 * behind a path prefix, /cache, which Docker's mirrors cannot have).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs, type BuiltImage } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { docker } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { engineRequest } from '../support/engine-request.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { makeTestDirs } from '../support/test-base.js';
import { waitFor } from '../support/wait.js';

async function ok(host: string, ...args: string[]): Promise<string> {
  const result = await docker(host, ...args);
  assert.equal(result.code, 0, `docker ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

describe('pull and push with the docker CLI', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let registry: TestRegistry;
  let mirror: FaultProxy;
  let daemon: TestDaemon;
  let busybox: BuiltImage;

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'the e2e tests run as root');
    const dirs = makeTestDirs('pull-e2e');
    cleanup.directory(dirs.root);
    const blobs = await BlobDir.create(dirs.root);
    busybox = await buildImage(
      { layers: [{ entries: busyboxRootfs(), createdBy: 'ADD rootfs' }], config: { Cmd: ['sh'] } },
      blobs,
    );
    registry = await startRegistry();
    cleanup.defer('registry', () => registry.stop());
    await busybox.pushToRegistry(registry.url, 'library/busybox', 'latest');
    await busybox.pushToRegistry(registry.url, 'tools/busybox', 'v1');
    await busybox.pushToRegistry(registry.url, 'tools/busybox', 'v2');
    mirror = await startFaultProxy(registry.url, { prefix: '/cache' });
    cleanup.defer('mirror', () => mirror.stop());
    daemon = await startDaemon({
      cleanup,
      label: 'pull-daemon',
      config: { 'registry-mirrors': [mirror.url], 'log-level': 'debug' },
    });
  });

  it('pulls busybox from docker.io through the only configured mirror', async () => {
    const out = await ok(daemon.host, 'pull', 'busybox');
    assert.match(out, /^latest: Pulling from library\/busybox$/m);
    assert.match(out, new RegExp(`^Endpoint: ${mirror.url} \\(mirror of docker.io\\)$`, 'm'));
    assert.match(out, new RegExp(`^Digest: ${busybox.digest}$`, 'm'));
    assert.match(out, /^Status: Downloaded newer image for busybox:latest$/m);
    assert.match(out, /^docker\.io\/library\/busybox:latest$/m);
    assert.ok(
      mirror.requests.some((r) => r.path === `/cache/v2/library/busybox/manifests/latest`),
      'the manifest came from the mirror',
    );
    await daemon.waitForLog('served by registry mirror');

    const [inspect] = JSON.parse(await ok(daemon.host, 'image', 'inspect', 'busybox')) as {
      Id: string;
      RepoTags: string[];
      RepoDigests: string[];
      RootFS: { Layers: string[] };
    }[];
    assert.equal(inspect?.Id, busybox.id);
    assert.deepEqual(inspect?.RepoTags, ['busybox:latest']);
    assert.deepEqual(inspect?.RepoDigests, [`busybox@${busybox.digest}`]);
    assert.deepEqual(inspect?.RootFS.Layers, busybox.config.rootfs.diff_ids);

    const again = await ok(daemon.host, 'pull', 'busybox');
    assert.match(again, /: Already exists$/m);
    assert.match(again, /^Status: Image is up to date for busybox:latest$/m);

    const events = await engineRequest(
      daemon.socketPath,
      'GET',
      `/events?since=0&until=${Math.ceil(Date.now() / 1000) + 1}&filters=${encodeURIComponent('{"event":["pull"]}')}`,
    );
    const pulls = events.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Action: string; Actor: { ID: string } });
    assert.ok(
      pulls.some((e) => e.Action === 'pull' && e.Actor.ID === 'busybox:latest'),
      events.body,
    );
  });

  it('shows the mirror in docker info', async () => {
    const mirrors = await ok(daemon.host, 'info', '--format', '{{json .RegistryConfig.Mirrors}}');
    assert.deepEqual(JSON.parse(mirrors), [`${mirror.url}/`]);
  });

  it('reports a missing tag in Docker’s words, before any progress', async () => {
    // Straight from the registry: through a mirror the upstream (unreachable here) has the last word.
    const result = await docker(daemon.host, 'pull', `${registry.host}/tools/busybox:nope`);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.trim(),
      `Error response from daemon: manifest for ${registry.host}/tools/busybox:nope not found: manifest unknown: manifest unknown`,
    );
    assert.equal(result.stdout, '');
  });

  it('pulls from a registry on 127.0.0.1 directly, and pushes to it', async () => {
    const name = `${registry.host}/tools/busybox:v1`;
    const out = await ok(daemon.host, 'pull', name);
    assert.match(out, /^v1: Pulling from tools\/busybox$/m);
    assert.match(
      out,
      new RegExp(`^Status: Downloaded newer image for ${registry.host}/tools/busybox:v1$`, 'm'),
    );

    const all = await ok(daemon.host, 'pull', '-a', `${registry.host}/tools/busybox`);
    assert.match(all, /^v1: Pulling from tools\/busybox$/m);
    assert.match(all, /^v2: Pulling from tools\/busybox$/m);
    assert.match(all, new RegExp(`^Status: Downloaded newer image for ${registry.host}/tools/busybox$`, 'm'));
    const tags = await ok(daemon.host, 'images', '--format', '{{.Tag}}', `${registry.host}/tools/busybox`);
    assert.deepEqual(tags.trim().split('\n').sort(), ['v1', 'v2']);

    await ok(daemon.host, 'tag', 'busybox', `${registry.host}/pushed/busybox:latest`);
    const push = await ok(daemon.host, 'push', `${registry.host}/pushed/busybox:latest`);
    assert.match(push, new RegExp(`The push refers to repository \\[${registry.host}/pushed/busybox\\]`));
    assert.match(push, /: Mounted from (library|tools)\/busybox$/m);
    assert.match(push, /^latest: digest: sha256:[a-f0-9]{64} size: \d+$/m);
    const head = await fetch(`${registry.url}/v2/pushed/busybox/manifests/latest`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    assert.equal(head.status, 200);
  });

  it('reloads mirrors on SIGHUP: mirror-only with a dead mirror fails; a dead mirror is passed over for the next', async () => {
    const dead = 'http://127.0.0.1:9/dead';
    writeFileSync(
      daemon.configFile,
      JSON.stringify({
        // A dead mirror first: it is passed over for the next one.
        'registry-mirrors': { 'docker.io': [dead], [registry.host]: [dead, mirror.url] },
        'registry-mirror-only': ['docker.io'],
        'log-level': 'debug',
      }),
    );
    process.kill(daemon.pid, 'SIGHUP');
    await waitFor(
      'the new mirrors in docker info',
      async () =>
        (await ok(daemon.host, 'info', '--format', '{{json .RegistryConfig.Mirrors}}')).includes('dead'),
      10_000,
    );
    const result = await docker(daemon.host, 'pull', 'busybox:other');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /no mirror of docker\.io could serve .*docker\.io is mirror-only/);
    const before = mirror.requests.length;
    const direct = await ok(daemon.host, 'pull', `${registry.host}/tools/busybox:v1`);
    assert.match(direct, new RegExp(`Endpoint: ${mirror.url} \\(mirror of ${registry.host}\\)`));
    assert.ok(mirror.requests.length > before);
    await daemon.waitForLog('registry mirror failed; trying the next endpoint');
  });
});

describe('docker login, then pull and push with credentials', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let registry: TestRegistry;
  let daemon: TestDaemon;
  let image: BuiltImage;

  before(async () => {
    const dirs = makeTestDirs('login-e2e');
    cleanup.directory(dirs.root);
    const blobs = await BlobDir.create(dirs.root);
    image = await buildImage({ layers: [[{ type: 'file', name: 'hello', content: 'hi\n' }]] }, blobs);
    registry = await startRegistry({ auth: { kind: 'htpasswd', users: { alice: 'secret' } } });
    cleanup.defer('registry', () => registry.stop());
    const auth = `Basic ${Buffer.from('alice:secret').toString('base64')}`;
    // The fixture pushes without credentials; go through a tiny authenticating hop instead.
    await pushWithAuth(image, registry.url, 'private/hello', 'v1', auth);
    daemon = await startDaemon({ cleanup, label: 'login-daemon' });
  });

  it('refuses wrong credentials with 401 and accepts the right ones', async () => {
    const wrong = await docker(daemon.host, 'login', '-u', 'alice', '-p', 'nope', registry.host);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Error response from daemon: .*401|unauthorized/i);
    const right = await ok(daemon.host, 'login', '-u', 'alice', '-p', 'secret', registry.host);
    assert.match(right, /Login Succeeded/);
  });

  it('pulls and pushes with the stored credentials (X-Registry-Auth)', async () => {
    const out = await ok(daemon.host, 'pull', `${registry.host}/private/hello:v1`);
    assert.match(out, new RegExp(`Status: Downloaded newer image for ${registry.host}/private/hello:v1`));
    await ok(daemon.host, 'tag', `${registry.host}/private/hello:v1`, `${registry.host}/private/copy:v2`);
    const push = await ok(daemon.host, 'push', `${registry.host}/private/copy:v2`);
    assert.match(push, /^v2: digest: sha256:[a-f0-9]{64} size: \d+$/m);
    await ok(daemon.host, 'logout', registry.host);
    const anonymous = await docker(daemon.host, 'pull', `${registry.host}/private/hello:v1`);
    assert.equal(anonymous.code, 1);
    // A 404 as dockerd's (a 401 would make the CLI prompt for a password).
    assert.match(
      anonymous.stderr,
      new RegExp(
        `pull access denied for ${registry.host}/private/hello, repository does not exist or may require 'docker login'`,
      ),
    );
  });
});

/** pushToRegistry with an Authorization header on every request (the fixture has none). */
async function pushWithAuth(
  image: BuiltImage,
  url: string,
  repo: string,
  tag: string,
  auth: string,
): Promise<void> {
  const { createServer, request } = await import('node:http');
  const target = new URL(url);
  const hop = createServer((req, res) => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, authorization: auth },
      },
      (answer) => {
        const headers = { ...answer.headers };
        if (typeof headers.location === 'string')
          headers.location = headers.location.replace(target.origin, '');
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
  try {
    const address = hop.address() as { port: number };
    await image.pushToRegistry(`http://127.0.0.1:${address.port}`, repo, tag);
  } finally {
    hop.closeAllConnections();
    await new Promise<void>((resolve) => hop.close(() => resolve()));
  }
}
