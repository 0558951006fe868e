import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256Digest } from '../../oci/index.js';
import { UnauthorizedError } from '../../errors/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.js';
import { createRegistryClient } from './create-registry-client.js';
import { AgentPool, discard, httpRequest } from './http-request.js';
import type { RegistryClient } from './registry-client.js';
import {
  buildFixtures,
  clientOptions,
  collect,
  emptyCertsDir,
  pushWithClient,
  type Fixtures,
} from './registry-client.testkit.js';

const users = { alice: 'wonderland' };
const alice = { kind: 'basic', username: 'alice', password: 'wonderland' } as const;

describe('registry client: token auth, basic auth, TLS', () => {
  const cleanup = useCleanup();
  let fixtures: Fixtures;
  let tokenRegistry: TestRegistry;
  let basicRegistry: TestRegistry;
  let certsDir: string;

  function newClient(): RegistryClient {
    const client = createRegistryClient(clientOptions(certsDir));
    cleanup.defer('client', () => client.close());
    return client;
  }

  before(async () => {
    fixtures = await buildFixtures(cleanup);
    certsDir = emptyCertsDir(cleanup);
    tokenRegistry = await startRegistry({ auth: { kind: 'token', users, tokenTtlSeconds: 2 } });
    cleanup.defer('token registry', () => tokenRegistry.stop());
    basicRegistry = await startRegistry({ auth: { kind: 'htpasswd', users }, tls: true });
    cleanup.defer('basic registry', () => basicRegistry.stop());
  });

  it('token auth: pushes with credentials, asking the token service once per scope set', async () => {
    const client = newClient();
    const repo = client.repository(tokenRegistry.host, 'team/app', {
      actions: ['pull', 'push'],
      credentials: alice,
    });
    const before = tokenRegistry.auth?.tokensIssued() ?? -1;
    await pushWithClient(repo, fixtures.image, 'v1');
    assert.equal((tokenRegistry.auth?.tokensIssued() ?? 0) - before, 1, 'one token for the whole push');
    const last = tokenRegistry.auth?.tokenServer?.requests.at(-1);
    assert.equal(last?.user, 'alice');
    assert.deepEqual(last?.scopes, ['repository:team/app:pull,push']);
  });

  it('token auth: anonymous pull gets a pull token, reused for every request of the pull', async () => {
    const client = newClient();
    const repo = client.repository(tokenRegistry.host, 'team/app', { actions: ['pull'] });
    const before = tokenRegistry.auth?.tokensIssued() ?? -1;
    const fetched = await repo.getManifest('v1');
    assert.equal(fetched.digest, fixtures.image.digest);
    assert.equal(sha256Digest(await repo.fetchBlob(fixtures.image.configDescriptor)), fixtures.image.id);
    const layer = fixtures.image.layers[0]?.descriptor;
    assert.ok(layer !== undefined);
    assert.equal(sha256Digest(await collect(repo.openBlob(layer))), layer.digest);
    assert.equal((tokenRegistry.auth?.tokensIssued() ?? 0) - before, 1);
    assert.equal(tokenRegistry.auth?.tokenServer?.requests.at(-1)?.user, undefined);
  });

  it('token auth: anonymous push is refused with Docker words', async () => {
    const client = newClient();
    const repo = client.repository(tokenRegistry.host, 'team/app', { actions: ['pull', 'push'] });
    await assert.rejects(
      repo.putManifest('v2', fixtures.image.manifestBytes, fixtures.image.manifestDescriptor.mediaType),
      (err: Error) => {
        assert.ok(err instanceof UnauthorizedError, err.message);
        assert.match(err.message, /^unauthorized: /);
        return true;
      },
    );
  });

  it('token auth: an expired token is replaced by a new one', async () => {
    const client = newClient();
    const repo = client.repository(tokenRegistry.host, 'team/app', { actions: ['pull'], credentials: alice });
    const before = tokenRegistry.auth?.tokensIssued() ?? -1;
    await repo.getManifest('v1');
    await repo.getManifest('v1');
    assert.equal((tokenRegistry.auth?.tokensIssued() ?? 0) - before, 1);
    await sleep(2000); // the test registry's tokens live 2 s
    await repo.getManifest('v1');
    assert.equal((tokenRegistry.auth?.tokensIssued() ?? 0) - before, 2);
  });

  it('token auth: wrong password is an UnauthorizedError, not an anonymous fallback', async () => {
    const client = newClient();
    const repo = client.repository(tokenRegistry.host, 'team/app', {
      actions: ['pull'],
      credentials: { kind: 'basic', username: 'alice', password: 'wrong' },
    });
    await assert.rejects(repo.getManifest('v1'), (err: Error) => {
      assert.ok(err instanceof UnauthorizedError);
      assert.equal(err.message, 'unauthorized: incorrect username or password');
      return true;
    });
  });

  it('token auth: ten concurrent pulls share one ping and one token', async () => {
    const client = newClient();
    const repo = client.repository(tokenRegistry.host, 'team/app', { actions: ['pull'] });
    const before = tokenRegistry.auth?.tokensIssued() ?? -1;
    const results = await Promise.all(Array.from({ length: 10 }, () => repo.getManifest('v1')));
    assert.ok(results.every((r) => r.digest === fixtures.image.digest));
    assert.equal((tokenRegistry.auth?.tokensIssued() ?? 0) - before, 1);
  });

  it('login against a token registry returns an identity token that later pulls use (OAuth2 POST)', async () => {
    const client = newClient();
    const result = await client.login(tokenRegistry.host, alice);
    assert.equal(result.status, 'Login Succeeded');
    assert.ok(result.identityToken !== undefined && result.identityToken !== '');
    const loginRequest = tokenRegistry.auth?.tokenServer?.requests.at(-1);
    assert.equal(loginRequest?.offline, true);
    assert.equal(loginRequest?.clientId, 'lading');

    const repo = client.repository(tokenRegistry.host, 'team/app', {
      actions: ['pull'],
      credentials: { kind: 'identity-token', token: result.identityToken },
    });
    assert.equal((await repo.getManifest('v1')).digest, fixtures.image.digest);
    const used = tokenRegistry.auth?.tokenServer?.requests.at(-1);
    assert.equal(used?.method, 'POST');
    assert.equal(used?.grantType, 'refresh_token');
    assert.equal(used?.user, 'alice');

    await assert.rejects(
      client.login(tokenRegistry.host, { kind: 'basic', username: 'alice', password: 'nope' }),
      UnauthorizedError,
    );
  });

  it('basic auth over TLS (insecure loopback: verification off, as Docker): push, pull, login', async () => {
    const client = newClient();
    const repo = client.repository(basicRegistry.host, 'app', {
      actions: ['pull', 'push'],
      credentials: alice,
    });
    await pushWithClient(repo, fixtures.image, 'v1');
    const fetched = await repo.getManifest('v1');
    assert.equal(fetched.servedBy.endpoint, `https://${basicRegistry.host}`);
    assert.deepEqual(await client.login(basicRegistry.host, alice), { status: 'Login Succeeded' });
    await assert.rejects(
      client.login(basicRegistry.host, { kind: 'basic', username: 'alice', password: 'bad' }),
      { message: `login attempt to https://${basicRegistry.host}/v2/ failed with status: 401 Unauthorized` },
    );
    const anonymous = client.repository(basicRegistry.host, 'app', { actions: ['pull'] });
    await assert.rejects(anonymous.getManifest('v1'), /pull access denied for .*may require 'docker login'/);
  });

  it('verified TLS trusts a CA from certs.d/<host:port>/ and nothing else', async () => {
    const caDir = emptyCertsDir(cleanup);
    const url = new URL(`${basicRegistry.url}/v2/`);
    const bare = new AgentPool(caDir);
    cleanup.defer('agents', () => bare.close());
    await assert.rejects(
      httpRequest(bare, { method: 'GET', url, timeoutMs: 3000 }),
      /self-signed certificate|SELF_SIGNED/i,
    );
    mkdirSync(join(caDir, basicRegistry.host));
    assert.ok(basicRegistry.caCertPath !== undefined);
    copyFileSync(basicRegistry.caCertPath, join(caDir, basicRegistry.host, 'ca.crt'));
    const trusting = new AgentPool(caDir);
    cleanup.defer('agents', () => trusting.close());
    const res = await httpRequest(trusting, { method: 'GET', url, timeoutMs: 3000 });
    discard(res);
    assert.equal(res.status, 401);
  });
});
