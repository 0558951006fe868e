/**
 * The lading CLI's pull, push, login and logout against a real ladingd: docker.io mirrored
 * through the map form of registry-mirrors (a path-prefixed mirror), and a token-auth
 * registry on 127.0.0.1 for login and push.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlobDir, buildImage, busyboxRootfs, type BuiltImage } from '../fixtures/index.js';
import { useCleanup } from '../support/cleanup.js';
import { lading } from '../support/cli.js';
import { startDaemon, type TestDaemon } from '../support/daemon.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { makeTestDirs } from '../support/test-base.js';

describe('pull, push, login and logout with the lading CLI', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let hub: TestRegistry;
  let mirror: FaultProxy;
  let secured: TestRegistry;
  let daemon: TestDaemon;
  let busybox: BuiltImage;
  let configDir: string;

  const run = async (...args: string[]) => lading(['-H', daemon.host, ...args], { DOCKER_CONFIG: configDir });
  const ok = async (...args: string[]): Promise<string> => {
    const result = await run(...args);
    assert.equal(result.code, 0, `lading ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  };

  before(async () => {
    const dirs = makeTestDirs('pull-lading');
    cleanup.directory(dirs.root);
    configDir = join(dirs.root, 'client-config');
    mkdirSync(configDir, { mode: 0o700 });
    const blobs = await BlobDir.create(dirs.root);
    busybox = await buildImage(
      { layers: [{ entries: busyboxRootfs(), createdBy: 'ADD rootfs' }], config: { Cmd: ['sh'] } },
      blobs,
    );
    hub = await startRegistry();
    cleanup.defer('hub', () => hub.stop());
    await busybox.pushToRegistry(hub.url, 'library/busybox', 'latest');
    mirror = await startFaultProxy(hub.url, { prefix: '/hub-cache' });
    cleanup.defer('mirror', () => mirror.stop());
    secured = await startRegistry({ auth: { kind: 'token', users: { alice: 's3cret' } } });
    cleanup.defer('secured', () => secured.stop());
    daemon = await startDaemon({
      cleanup,
      label: 'pull-lading',
      config: { 'registry-mirrors': { 'docker.io': [mirror.url] } },
    });
  });

  it('pulls busybox (docker.io/library/busybox:latest) through the only configured mirror', async () => {
    const out = await ok('pull', 'busybox');
    assert.match(out, /^Using default tag: latest$/m);
    assert.match(out, /^latest: Pulling from library\/busybox$/m);
    assert.match(out, /: Pull complete$/m);
    assert.match(out, new RegExp(`^Digest: ${busybox.digest}$`, 'm'));
    assert.match(out, /^Status: Downloaded newer image for busybox:latest$/m);
    assert.match(out, /^docker\.io\/library\/busybox:latest$/m);
    assert.ok(mirror.requests.some((r) => r.path === '/hub-cache/v2/library/busybox/manifests/latest'));
    const images = await ok('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}');
    assert.match(images, new RegExp(`^busybox:latest ${busybox.id.slice(7, 19)}$`, 'm'));
    assert.equal((await ok('pull', '-q', 'busybox')).trim(), 'docker.io/library/busybox:latest');
  });

  it('refuses a push without credentials, logs in, pushes, and logs out', async () => {
    const name = `${secured.host}/alice/busybox:v1`;
    await ok('tag', 'busybox', name);
    const denied = await run('push', name);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /denied|unauthorized|authentication required/i);

    const wrong = await run('login', '-u', 'alice', '-p', 'nope', secured.host);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /unauthorized|incorrect username or password/i);

    const login = await run('login', '-u', 'alice', '-p', 's3cret', secured.host);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /^Login Succeeded$/m);
    assert.match(login.stderr, /Using --password via the CLI is insecure/);
    const stored = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as {
      auths: Record<string, { auth?: string; identitytoken?: string }>;
    };
    assert.ok(stored.auths[secured.host], 'credentials stored under the registry host');

    const pushed = await ok('push', name);
    assert.match(
      pushed,
      new RegExp(`^The push refers to repository \\[${secured.host}/alice/busybox\\]$`, 'm'),
    );
    assert.match(pushed, /: Pushed$/m);
    const digest = /^v1: digest: (sha256:[0-9a-f]{64}) size: \d+$/m.exec(pushed)?.[1];
    assert.ok(digest, pushed);

    await ok('rmi', name);
    const pulled = await ok('pull', name);
    assert.match(pulled, new RegExp(`^Digest: ${digest}$`, 'm'));

    const logout = await ok('logout', secured.host);
    assert.match(logout, new RegExp(`Removing login credentials for ${secured.host}`));
    const after = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as {
      auths: Record<string, unknown>;
    };
    assert.equal(after.auths[secured.host], undefined);
    assert.ok(existsSync(join(configDir, 'config.json')));
  });
});
