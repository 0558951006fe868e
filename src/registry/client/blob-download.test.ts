import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Digest, type Descriptor } from '../../oci/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import type { TestRegistry } from '../../../test/support/registry.js';
import type { FaultProxy } from '../../../test/support/fault-proxy.js';
import { createRegistryClient } from './create-registry-client.js';
import { BlobVerificationError } from './blob-download.js';
import type { RegistryClient } from './registry-client.js';
import {
  buildFixtures,
  clientOptions,
  collect,
  emptyCertsDir,
  type Fixtures,
  startProxiedRegistry,
} from './registry-client.testkit.js';

/** What a careful consumer does: keeps what it got, truncates when told to restart. */
async function consume(
  client: RegistryClient,
  host: string,
  layer: Descriptor,
): Promise<{ bytes: Buffer; resumes: [number, string][]; restarts: string[] }> {
  const resumes: [number, string][] = [];
  const restarts: string[] = [];
  let chunks: Buffer[] = [];
  const repo = client.repository(host, 'app', { actions: ['pull'] });
  for await (const chunk of repo.openBlob(layer, {
    onResume: (offset, reason) => resumes.push([offset, reason]),
    onRestart: (reason) => {
      restarts.push(reason);
      chunks = [];
    },
  })) {
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks), resumes, restarts };
}

describe('registry client: blob downloads resume and verify (hostile-input row 18)', () => {
  const cleanup = useCleanup();
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let fixtures: Fixtures;
  let client: RegistryClient;
  let layer: Descriptor;
  const blobPath = (): RegExp => new RegExp(`/blobs/${layer.digest}`);
  const blobGets = (): { headers: Record<string, unknown> }[] =>
    proxy.requests.filter((r) => r.method === 'GET' && blobPath().test(r.path));

  before(async () => {
    fixtures = await buildFixtures(cleanup);
    ({ registry, proxy } = await startProxiedRegistry(cleanup));
    await fixtures.image.pushToRegistry(registry.url, 'app', 'v1');
    const first = fixtures.image.layers[0]?.descriptor;
    assert.ok(first !== undefined);
    layer = first;
    client = createRegistryClient(
      clientOptions(emptyCertsDir(cleanup), { requestTimeoutMs: 1500, maxResumes: 3 }),
    );
    cleanup.defer('client', () => client.close());
  });

  it('resumes a dropped download with Range from where it stopped', async () => {
    proxy.requests.length = 0;
    proxy.setFaults([
      { method: 'GET', path: blobPath(), times: 1, fault: { kind: 'drop-after', bytes: 300_000 } },
    ]);
    const { bytes, resumes, restarts } = await consume(client, proxy.host, layer);
    assert.equal(sha256Digest(bytes), layer.digest);
    assert.equal(resumes.length, 1);
    assert.ok((resumes[0]?.[0] ?? 0) > 0 && (resumes[0]?.[0] ?? 0) <= 300_000);
    assert.deepEqual(restarts, []);
    const gets = blobGets();
    assert.equal(gets.length, 2);
    assert.equal(gets[1]?.headers.range, `bytes=${resumes[0]?.[0]}-`);
  });

  it('re-reads and discards the delivered bytes when the server ignores Range (200, not 206)', async () => {
    proxy.requests.length = 0;
    proxy.setFaults([
      { method: 'GET', path: blobPath(), times: 1, fault: { kind: 'drop-after', bytes: 500_000 } },
      { method: 'GET', path: blobPath(), times: 1, fault: { kind: 'ignore-range' } },
    ]);
    const { bytes, resumes } = await consume(client, proxy.host, layer);
    assert.equal(sha256Digest(bytes), layer.digest);
    assert.equal(bytes.length, layer.size);
    assert.equal(resumes.length, 2, JSON.stringify(resumes));
    assert.match(resumes[1]?.[1] ?? '', /ignored Range/);
  });

  it('a stalled body times out and resumes', async () => {
    proxy.requests.length = 0;
    proxy.setFaults([
      { method: 'GET', path: blobPath(), times: 1, fault: { kind: 'stall', afterBytes: 200_000 } },
    ]);
    const { bytes, resumes } = await consume(client, proxy.host, layer);
    assert.equal(sha256Digest(bytes), layer.digest);
    assert.equal(resumes.length, 1);
    assert.match(resumes[0]?.[1] ?? '', /no data for 1500 ms/);
  });

  it('a connection dropped right after the headers is retried from byte 0', async () => {
    proxy.requests.length = 0;
    proxy.setFaults([{ method: 'GET', path: blobPath(), times: 1, fault: { kind: 'drop-after', bytes: 0 } }]);
    const { bytes, resumes } = await consume(client, proxy.host, layer);
    assert.equal(sha256Digest(bytes), layer.digest);
    assert.deepEqual(
      resumes.map(([offset]) => offset),
      [0],
    );
    assert.equal(blobGets()[1]?.headers.range, undefined);
  });

  it("an abort ends the stream with the caller's reason", async () => {
    proxy.setFaults([
      { method: 'GET', path: blobPath(), times: 1, fault: { kind: 'stall', afterBytes: 100_000 } },
    ]);
    const controller = new AbortController();
    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    const reason = new Error('user cancelled');
    await assert.rejects(
      (async () => {
        for await (const chunk of repo.openBlob(layer, { signal: controller.signal })) {
          if (chunk.length > 0) controller.abort(reason);
        }
      })(),
      (err: unknown) => err === reason,
    );
    proxy.setFaults([]);
  });

  it('gives up after maxResumes drops', async () => {
    proxy.setFaults([{ method: 'GET', path: blobPath(), fault: { kind: 'drop-after', bytes: 100_000 } }]);
    // Each retry resumes at its offset; the proxy counts bytes from the start of each response.
    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    let resumes = 0;
    await assert.rejects(
      collect(repo.openBlob(layer, { onResume: () => resumes++ })),
      (err: Error & { kind?: string }) => err.kind === 'unavailable',
    );
    assert.equal(resumes, 3);
  });

  it('wrong bytes once: the consumer is told to truncate, the blob is fetched again, and the result verifies', async () => {
    proxy.requests.length = 0;
    proxy.setFaults([
      { method: 'GET', path: blobPath(), times: 1, fault: { kind: 'corrupt', atByte: 4242 } },
    ]);
    const { bytes, restarts } = await consume(client, proxy.host, layer);
    assert.equal(sha256Digest(bytes), layer.digest);
    assert.equal(restarts.length, 1);
    assert.match(restarts[0] ?? '', /filesystem layer verification failed for digest/);
    assert.equal(blobGets().length, 2);
  });

  it('wrong bytes after a Range resume are caught too', async () => {
    proxy.setFaults([
      { method: 'GET', path: blobPath(), times: 1, fault: { kind: 'drop-after', bytes: 300_000 } },
      { method: 'GET', path: blobPath(), times: 1, fault: { kind: 'corrupt', atByte: 10 } },
    ]);
    const { bytes, resumes, restarts } = await consume(client, proxy.host, layer);
    assert.equal(sha256Digest(bytes), layer.digest);
    assert.equal(resumes.length, 1);
    assert.equal(restarts.length, 1);
  });

  it('wrong bytes every time: fails after maxRestarts, and without onRestart the stream throws at the end', async () => {
    proxy.requests.length = 0;
    proxy.setFaults([{ method: 'GET', path: blobPath(), fault: { kind: 'corrupt', atByte: 7 } }]);
    await assert.rejects(consume(client, proxy.host, layer), BlobVerificationError);
    assert.equal(blobGets().length, 3, 'one try and two restarts (the default)');

    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    let received = 0;
    await assert.rejects(
      (async () => {
        for await (const chunk of repo.openBlob(layer)) received += chunk.length;
      })(),
      { message: `filesystem layer verification failed for digest ${layer.digest}` },
    );
    assert.equal(
      received,
      layer.size,
      'every byte was delivered, then the error came instead of a clean end',
    );
    proxy.setFaults([]);
  });

  it('a body longer than the descriptor says is refused as soon as it overruns', async () => {
    const short: Descriptor = { ...layer, size: 1000 };
    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    await assert.rejects(collect(repo.openBlob(short)), /more than 1000 bytes/);
  });

  it('a missing blob is NotFound', async () => {
    const repo = client.repository(proxy.host, 'app', { actions: ['pull'] });
    const absent: Descriptor = { ...layer, digest: sha256Digest('absent') };
    await assert.rejects(collect(repo.openBlob(absent)), (err: Error & { kind?: string }) => {
      assert.equal(err.kind, 'not-found');
      assert.match(err.message, /blob unknown/);
      return true;
    });
  });
});
