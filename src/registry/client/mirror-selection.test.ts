import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256Digest, type Descriptor } from '../../oci/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.js';
import { startFaultProxy, type FaultProxy } from '../../../test/support/fault-proxy.js';
import { createRegistryClient } from './create-registry-client.js';
import type { EndpointEvent, RegistryClient, RegistryClientOptions } from './registry-client.js';
import { buildFixtures, clientOptions, emptyCertsDir, type Fixtures } from './registry-client.testkit.js';

describe('registry client: mirrors for any registry', () => {
  const cleanup = useCleanup();
  let registry: TestRegistry;
  let upstream: FaultProxy;
  let first: FaultProxy;
  let second: FaultProxy;
  let fixtures: Fixtures;
  let certsDir: string;
  let layer: Descriptor;

  function makeClient(
    mirrors: string[],
    extra: Partial<RegistryClientOptions> = {},
    registryName = upstream.host,
  ): { client: RegistryClient; events: EndpointEvent[] } {
    const events: EndpointEvent[] = [];
    const client = createRegistryClient(
      clientOptions(certsDir, {
        mirrors: new Map([[registryName, mirrors]]),
        onEndpointEvent: (e) => events.push(e),
        requestTimeoutMs: 1000,
        ...extra,
      }),
    );
    cleanup.defer('client', () => client.close());
    return { client, events };
  }

  function reset(): void {
    for (const p of [upstream, first, second]) {
      p.setFaults([]);
      p.requests.length = 0;
    }
  }

  const served = (events: EndpointEvent[]): string[] =>
    events.filter((e) => e.kind === 'served').map((e) => `${e.what} ${e.endpoint}`);

  before(async () => {
    fixtures = await buildFixtures(cleanup);
    registry = await startRegistry();
    cleanup.defer('registry', () => registry.stop());
    upstream = await startFaultProxy(registry.url);
    first = await startFaultProxy(registry.url, { prefix: '/cache' });
    second = await startFaultProxy(registry.url);
    for (const p of [upstream, first, second]) cleanup.defer('proxy', () => p.stop());
    await fixtures.image.pushToRegistry(registry.url, 'app', 'v1');
    await fixtures.image.pushToRegistry(registry.url, 'library/busybox', 'latest');
    certsDir = emptyCertsDir(cleanup);
    const l = fixtures.image.layers[0]?.descriptor;
    assert.ok(l !== undefined);
    layer = l;
  });

  it('tries mirrors in order (path prefix included) and reports who served', async () => {
    reset();
    const { client, events } = makeClient([first.url, second.url]);
    const repo = client.repository(upstream.host, 'app', { actions: ['pull'] });
    const fetched = await repo.getManifest('v1');
    assert.deepEqual(fetched.servedBy, { registry: upstream.host, endpoint: first.url, mirror: true });
    assert.equal(sha256Digest(await repo.fetchBlob(fixtures.image.configDescriptor)), fixtures.image.id);
    assert.deepEqual(served(events), [`manifest v1 ${first.url}`, `blob ${fixtures.image.id} ${first.url}`]);
    assert.ok(first.requests.every((r) => r.path.startsWith('/cache/v2/')));
    assert.equal(second.requests.length, 0);
    assert.equal(upstream.requests.length, 0);
  });

  for (const [name, fault] of [
    ['5xx', { kind: 'status', status: 503 }],
    ['404', { kind: 'status', status: 404 }],
    ['401', { kind: 'status', status: 401 }],
    ['refused connection', { kind: 'refuse' }],
    ['stalled answer (timeout)', { kind: 'stall' }],
  ] as const) {
    it(`passes over a mirror answering ${name}, then skips it for the backoff window`, async () => {
      reset();
      first.setFaults([{ path: /\/manifests\//, fault }]);
      const { client, events } = makeClient([first.url, second.url]);
      const repo = client.repository(upstream.host, 'app', { actions: ['pull'] });
      const fetched = await repo.getManifest('v1');
      assert.equal(fetched.servedBy.endpoint, second.url);
      const failed = events.find((e) => e.kind === 'failed');
      assert.equal(failed?.endpoint, first.url);
      const before = first.requests.length;
      await repo.getManifest('v1');
      assert.equal(first.requests.length, before, 'the failed mirror was not asked again');
      assert.ok(events.some((e) => e.kind === 'failed' && e.reason === 'skipped: failed recently'));
    });
  }

  it('a mirror serving wrong content is passed over; the upstream serves last', async () => {
    reset();
    const other = fixtures.index.images[0];
    assert.ok(other !== undefined);
    first.setFaults([{ path: /\/manifests\//, fault: { kind: 'replace-body', body: other.manifestBytes } }]);
    second.setFaults([{ path: /\/manifests\//, fault: { kind: 'status', status: 500 } }]);
    const { client } = makeClient([first.url, second.url]);
    const repo = client.repository(upstream.host, 'app', { actions: ['pull'] });
    const fetched = await repo.getManifest(fixtures.image.digest);
    assert.equal(fetched.digest, fixtures.image.digest);
    assert.equal(fetched.servedBy.mirror, false);
    assert.equal(fetched.servedBy.endpoint, `http://${upstream.host}`);
  });

  it('HEAD: a mirror without the manifest is passed over; the upstream answers', async () => {
    reset();
    first.setFaults([{ method: 'HEAD', path: /\/manifests\//, fault: { kind: 'status', status: 404 } }]);
    const { client } = makeClient([first.url]);
    const repo = client.repository(upstream.host, 'app', { actions: ['pull'] });
    assert.equal(await repo.headManifest('v1'), fixtures.image.digest);
    assert.equal(upstream.requests.filter((r) => r.method === 'HEAD').length, 1);
    assert.equal(await repo.headManifest('absent'), undefined);
  });

  it('a dead mirror (nothing listening) is passed over', async () => {
    reset();
    const dead = await startFaultProxy(registry.url);
    await dead.stop();
    const { client, events } = makeClient([dead.url]);
    const fetched = await client.repository(upstream.host, 'app', { actions: ['pull'] }).getManifest('v1');
    assert.equal(fetched.servedBy.mirror, false);
    assert.match((events.find((e) => e.kind === 'failed') as { reason: string }).reason, /ECONNREFUSED/);
  });

  it('a mirror sending corrupt blob bytes: consumer truncates, the next endpoint serves, the mirror is skipped', async () => {
    reset();
    first.setFaults([{ method: 'GET', path: /\/blobs\//, fault: { kind: 'corrupt', atByte: 99 } }]);
    const { client, events } = makeClient([first.url]);
    const repo = client.repository(upstream.host, 'app', { actions: ['pull'] });
    let chunks: Buffer[] = [];
    let restarts = 0;
    for await (const chunk of repo.openBlob(layer, {
      onRestart: () => {
        restarts++;
        chunks = [];
      },
    }))
      chunks.push(chunk);
    assert.equal(sha256Digest(Buffer.concat(chunks)), layer.digest);
    assert.equal(restarts, 1);
    assert.deepEqual(served(events), [`blob ${layer.digest} http://${upstream.host}`]);
    assert.equal(upstream.requests.filter((r) => r.path.includes('/blobs/')).length, 1);
  });

  it('a mirror whose blob drops past its resumes hands over to the next endpoint at the same offset', async () => {
    reset();
    first.setFaults([{ method: 'GET', path: /\/blobs\//, fault: { kind: 'drop-after', bytes: 200_000 } }]);
    const { client } = makeClient([first.url], { maxResumes: 1 });
    const repo = client.repository(upstream.host, 'app', { actions: ['pull'] });
    const chunks: Buffer[] = [];
    for await (const chunk of repo.openBlob(layer)) chunks.push(chunk);
    assert.equal(sha256Digest(Buffer.concat(chunks)), layer.digest);
    const upstreamGet = upstream.requests.find((r) => r.path.includes('/blobs/') && r.method === 'GET');
    assert.match(String(upstreamGet?.headers.range), /^bytes=\d+-$/);
  });

  it('the skip window ends after mirrorBackoffMs', async () => {
    reset();
    first.setFaults([{ path: /\/manifests\//, times: 1, fault: { kind: 'status', status: 502 } }]);
    const { client } = makeClient([first.url], { mirrorBackoffMs: 300 });
    const repo = client.repository(upstream.host, 'app', { actions: ['pull'] });
    assert.equal((await repo.getManifest('v1')).servedBy.mirror, false);
    assert.equal((await repo.getManifest('v1')).servedBy.mirror, false);
    await sleep(350);
    assert.equal((await repo.getManifest('v1')).servedBy.endpoint, first.url);
  });

  it('mirror-only: never asks the upstream, and the error says why', async () => {
    reset();
    first.setFaults([{ path: /\/manifests\//, fault: { kind: 'status', status: 404 } }]);
    second.setFaults([{ path: /\/manifests\//, fault: { kind: 'status', status: 503 } }]);
    const { client } = makeClient([first.url, second.url], { mirrorOnly: new Set([upstream.host]) });
    const repo = client.repository(upstream.host, 'app', { actions: ['pull'] });
    await assert.rejects(repo.getManifest('v1'), (err: Error & { kind?: string }) => {
      assert.equal(err.kind, 'unavailable');
      assert.match(
        err.message,
        new RegExp(
          `no mirror of ${upstream.host} could serve manifest v1, and ${upstream.host} is mirror-only`,
        ),
      );
      return true;
    });
    assert.equal(upstream.requests.length, 0);
    await assert.rejects(repo.headManifest('v1'), /is mirror-only/, 'a 503 is not an answer');
    second.setFaults([{ path: /\/manifests\//, fault: { kind: 'status', status: 404 } }]);
    client.reconfigure({
      mirrors: new Map([[upstream.host, [first.url, second.url]]]),
      mirrorOnly: new Set([upstream.host]),
      insecureRegistries: [],
    });
    assert.equal(
      await repo.headManifest('v1'),
      undefined,
      'no mirror has it: for mirror-only that is the answer',
    );
    // All mirrors in backoff: they are tried anyway rather than failing without a request.
    reset();
    assert.equal((await repo.getManifest('v1')).servedBy.endpoint, first.url);
  });

  it('docker.io is served by its mirror (with a path prefix) and never reaches registry-1.docker.io when mirror-only', async () => {
    reset();
    const { client, events } = makeClient([first.url], { mirrorOnly: new Set(['docker.io']) }, 'docker.io');
    const repo = client.repository('docker.io', 'library/busybox', { actions: ['pull'] });
    const fetched = await repo.getManifest('latest');
    assert.equal(fetched.digest, fixtures.image.digest);
    assert.deepEqual(fetched.servedBy, { registry: 'docker.io', endpoint: first.url, mirror: true });
    assert.ok(first.requests.some((r) => r.path === '/cache/v2/library/busybox/manifests/latest'));
    assert.ok(events.every((e) => !e.endpoint.includes('docker.io')));
    first.setFaults([{ path: /\/manifests\//, fault: { kind: 'status', status: 404 } }]);
    await assert.rejects(repo.getManifest('other'), /docker\.io is mirror-only/);
  });

  it('reconfigure swaps mirrors for the next request', async () => {
    reset();
    const { client } = makeClient([first.url]);
    const repo = client.repository(upstream.host, 'app', { actions: ['pull'] });
    assert.equal((await repo.getManifest('v1')).servedBy.endpoint, first.url);
    client.reconfigure({
      mirrors: new Map([[upstream.host, [second.url]]]),
      mirrorOnly: new Set(),
      insecureRegistries: [],
    });
    assert.equal((await repo.getManifest('v1')).servedBy.endpoint, second.url);
  });
});
