import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MediaType, sha256Digest } from '../../oci/index.js';
import { NotFoundError, UnauthorizedError, InvalidArgumentError } from '../../errors/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import type { TestRegistry } from '../../../test/support/registry.js';
import { startFaultProxy, type FaultProxy } from '../../../test/support/fault-proxy.js';
import { createRegistryClient } from './create-registry-client.js';
import type { RegistryClient } from './registry-client.js';
import {
  buildFixtures,
  clientOptions,
  collect,
  emptyCertsDir,
  type Fixtures,
  startProxiedRegistry,
} from './registry-client.testkit.js';

describe('registry client: pulling manifests and blobs', () => {
  const cleanup = useCleanup();
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let fixtures: Fixtures;
  let client: RegistryClient;

  before(async () => {
    fixtures = await buildFixtures(cleanup);
    ({ registry, proxy } = await startProxiedRegistry(cleanup));
    await fixtures.image.pushToRegistry(registry.url, 'app', 'v1');
    await fixtures.index.pushToRegistry(registry.url, 'multi', 'latest');
    client = createRegistryClient(clientOptions(emptyCertsDir(cleanup)));
    cleanup.defer('client', () => client.close());
  });

  it('logs in to a registry without auth (ping) and says so as Docker does', async () => {
    assert.deepEqual(await client.login(registry.host, { kind: 'basic', username: 'u', password: 'p' }), {
      status: 'Login Succeeded',
    });
  });

  it('fetches a manifest by tag, hashing the bytes for its digest, over plain HTTP on loopback', async () => {
    const repo = client.repository(registry.host, 'app', { actions: ['pull'] });
    const fetched = await repo.getManifest('v1');
    assert.equal(fetched.digest, fixtures.image.digest);
    assert.equal(sha256Digest(fetched.bytes), fetched.digest);
    assert.equal(fetched.mediaType, MediaType.OciManifest);
    assert.equal(fetched.document.kind, 'manifest');
    assert.deepEqual(fetched.servedBy, {
      registry: registry.host,
      endpoint: `http://${registry.host}`,
      mirror: false,
    });
    assert.equal(await repo.headManifest('v1'), fixtures.image.digest);
    assert.equal(await repo.headManifest('nope'), undefined);
  });

  it('fetches an index and one of its manifests by digest', async () => {
    const repo = client.repository(registry.host, 'multi', { actions: ['pull'] });
    const fetched = await repo.getManifest('latest');
    assert.equal(fetched.document.kind, 'index');
    assert.equal(fetched.digest, fixtures.index.digest);
    const arm = fixtures.index.images[1];
    assert.ok(arm !== undefined);
    const byDigest = await repo.getManifest(arm.digest);
    assert.equal(byDigest.digest, arm.digest);
    assert.deepEqual(byDigest.bytes, arm.manifestBytes);
  });

  it('fetches the config whole and the layer as a stream, both verified', async () => {
    const repo = client.repository(registry.host, 'app', { actions: ['pull'] });
    const config = await repo.fetchBlob(fixtures.image.configDescriptor);
    assert.equal(sha256Digest(config), fixtures.image.id);
    const layer = fixtures.image.layers[0]?.descriptor;
    assert.ok(layer !== undefined);
    let progress = 0;
    const bytes = await collect(repo.openBlob(layer, { onProgress: (n) => (progress = n) }));
    assert.equal(sha256Digest(bytes), layer.digest);
    assert.equal(progress, layer.size);
  });

  it('refuses a config larger than maxBytes before asking', async () => {
    const repo = client.repository(registry.host, 'app', { actions: ['pull'] });
    await assert.rejects(repo.fetchBlob(fixtures.image.configDescriptor, { maxBytes: 10 }), /limit is 10/);
  });

  it("answers a missing tag and a missing repository with Docker's words", async () => {
    const repo = client.repository(registry.host, 'app', { actions: ['pull'] });
    await assert.rejects(repo.getManifest('nope'), (err: Error) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(
        err.message,
        `manifest for ${registry.host}/app:nope not found: manifest unknown: manifest unknown`,
      );
      return true;
    });
    const missing = client.repository(registry.host, 'missing/repo', { actions: ['pull'] });
    await assert.rejects(missing.getManifest('latest'), (err: Error) => {
      assert.ok(err instanceof NotFoundError);
      // distribution 2.8 answers MANIFEST_UNKNOWN (not NAME_UNKNOWN) for a repository it never saw.
      assert.equal(
        err.message,
        `manifest for ${registry.host}/missing/repo:latest not found: manifest unknown: manifest unknown`,
      );
      return true;
    });
  });

  it('maps 401 to pull access denied (UnauthorizedError)', async () => {
    proxy.setFaults([
      {
        path: /\/manifests\//,
        times: 1,
        fault: {
          kind: 'status',
          status: 401,
          body: JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }),
        },
      },
    ]);
    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    await assert.rejects(repo.getManifest('v1'), (err: Error) => {
      assert.ok(err instanceof UnauthorizedError);
      assert.equal(
        err.message,
        `pull access denied for ${proxy.host}/app, repository does not exist or may require 'docker login': unauthorized: authentication required`,
      );
      return true;
    });
  });

  it('row 19: a manifest pulled by digest that hashes differently is refused', async () => {
    const other = fixtures.index.images[0];
    assert.ok(other !== undefined);
    proxy.setFaults([
      {
        path: new RegExp(`/manifests/${fixtures.image.digest}`),
        times: 2,
        fault: { kind: 'replace-body', body: other.manifestBytes, contentType: MediaType.OciManifest },
      },
    ]);
    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    await assert.rejects(repo.getManifest(fixtures.image.digest), {
      message: `manifest verification failed for digest ${fixtures.image.digest}`,
    });
    // HEAD by digest goes through the same check when the header disagrees.
    proxy.setFaults([]);
  });

  it('row 19: a Docker-Content-Digest header that disagrees with the bytes is refused', async () => {
    proxy.setFaults([
      {
        method: 'GET',
        path: /\/manifests\/v1$/,
        times: 1,
        fault: {
          kind: 'status',
          status: 200,
          body: fixtures.image.manifestBytes.toString(),
          headers: { 'content-type': MediaType.OciManifest, 'docker-content-digest': fixtures.index.digest },
        },
      },
    ]);
    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    await assert.rejects(repo.getManifest('v1'), /Docker-Content-Digest .* does not match/);
  });

  it('row 20: both manifests and layers, a media type unlike the Content-Type, and > 4 MiB are refused', async () => {
    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    const both = JSON.stringify({ ...fixtures.image.manifest, manifests: [] });
    const cases: [string | Buffer, string, RegExp][] = [
      [both, MediaType.OciManifest, /both "manifests" and "layers"/],
      [fixtures.image.manifestBytes, MediaType.DockerManifest, /does not match content type/],
      [Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), MediaType.OciManifest, /limit/],
    ];
    for (const [body, contentType, expected] of cases) {
      proxy.setFaults([
        { path: /\/manifests\/v1$/, times: 1, fault: { kind: 'replace-body', body, contentType } },
      ]);
      await assert.rejects(repo.getManifest('v1'), (err: Error) => {
        assert.ok(err instanceof InvalidArgumentError, err.message);
        assert.match(err.message, expected);
        return true;
      });
    }
  });

  it('refuses schema 1 with the deprecation message naming the image', async () => {
    const schema1 = JSON.stringify({ schemaVersion: 1, name: 'app', tag: 'v1', fsLayers: [], history: [] });
    proxy.setFaults([
      {
        path: /\/manifests\/v1$/,
        times: 1,
        fault: { kind: 'replace-body', body: schema1, contentType: MediaType.DockerManifestSchema1Signed },
      },
    ]);
    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    await assert.rejects(
      repo.getManifest('v1'),
      new RegExp(
        `Docker Image manifest version 2, schema 1 has been removed. Suggest the author of ${proxy.host}/app:v1`,
      ),
    );
  });

  it('a registry that refuses connections is UnavailableError-kind', async () => {
    const dead = await startFaultProxy(registry.url);
    const host = dead.host;
    await dead.stop();
    const repo = client.repository(host, 'app', { actions: ['pull'] });
    await assert.rejects(repo.getManifest('v1'), (err: Error & { kind?: string }) => {
      assert.match(err.message, /ECONNREFUSED/);
      return true;
    });
  });
});
