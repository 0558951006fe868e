import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { sha256Digest } from '../../oci/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import type { FaultProxy } from '../../../test/support/fault-proxy.js';
import { createRegistryClient } from './create-registry-client.js';
import type { RegistryClient } from './registry-client.js';
import {
  buildFixtures,
  clientOptions,
  collect,
  emptyCertsDir,
  LAYER_BYTES,
  type Fixtures,
  startProxiedRegistry,
} from './registry-client.testkit.js';

describe('registry client: pushing', () => {
  const cleanup = useCleanup();
  let proxy: FaultProxy;
  let fixtures: Fixtures;
  let client: RegistryClient;

  before(async () => {
    fixtures = await buildFixtures(cleanup);
    ({ proxy } = await startProxiedRegistry(cleanup));
    client = createRegistryClient(clientOptions(emptyCertsDir(cleanup), { uploadChunkBytes: 256 * 1024 }));
    cleanup.defer('client', () => client.close());
  });

  const layerStream = (): AsyncIterable<Buffer> => {
    const layer = fixtures.image.layers[0]?.descriptor;
    assert.ok(layer !== undefined);
    return createReadStream(fixtures.image.blobs.path(layer.digest)) as AsyncIterable<Buffer>;
  };

  it('uploads a large blob in PATCH chunks with Content-Range, then PUT ?digest=', async () => {
    proxy.requests.length = 0;
    const repo = client.repository(proxy.host, 'push/chunked', { actions: ['pull', 'push'] });
    const layer = fixtures.image.layers[0]?.descriptor;
    assert.ok(layer !== undefined);
    assert.equal(await repo.hasBlob(layer.digest), false);
    let sent = 0;
    const pushed = await repo.uploadBlob(layerStream(), { onProgress: (n) => (sent = n) });
    assert.deepEqual(pushed, { digest: layer.digest, size: layer.size });
    assert.equal(sent, layer.size);
    const patches = proxy.requests.filter((r) => r.method === 'PATCH');
    assert.equal(patches.length, Math.ceil(layer.size / (256 * 1024)));
    assert.equal(patches[0]?.headers['content-range'], `0-${256 * 1024 - 1}`);
    const put = proxy.requests.find((r) => r.method === 'PUT');
    assert.match(put?.path ?? '', new RegExp(`digest=${encodeURIComponent(layer.digest)}`));
    assert.equal(await repo.hasBlob(layer.digest), true);
    assert.ok(LAYER_BYTES < layer.size + 4096);
    const back = await collect(repo.openBlob(layer));
    assert.equal(sha256Digest(back), layer.digest);
  });

  it('uploads a small blob monolithically (POST, one PUT with the body)', async () => {
    proxy.requests.length = 0;
    const repo = client.repository(proxy.host, 'push/small', { actions: ['pull', 'push'] });
    const bytes = Buffer.from('{"small":"config"}');
    const pushed = await repo.uploadBlob(
      (async function* () {
        yield bytes.subarray(0, 5);
        yield bytes.subarray(5);
      })(),
    );
    assert.deepEqual(pushed, { digest: sha256Digest(bytes), size: bytes.length });
    assert.deepEqual(
      proxy.requests.filter((r) => r.path.includes('/blobs/')).map((r) => r.method),
      ['POST', 'PUT'],
    );
    assert.equal(await repo.hasBlob(pushed.digest), true);
  });

  it('mounts a blob from another repository (201), and says false when it cannot (202)', async () => {
    const layer = fixtures.image.layers[0]?.descriptor;
    assert.ok(layer !== undefined);
    const repo = client.repository(proxy.host, 'push/mounted', {
      actions: ['pull', 'push'],
      mountFrom: ['push/chunked'],
    });
    assert.equal(await repo.mountBlob(layer.digest, 'push/chunked'), true);
    assert.equal(await repo.hasBlob(layer.digest), true);
    assert.equal(await repo.mountBlob(sha256Digest('never pushed'), 'push/chunked'), false);
  });

  it('puts a manifest by tag and returns its digest and size; the registry serves it back', async () => {
    const repo = client.repository(proxy.host, 'push/image', { actions: ['pull', 'push'] });
    for (const d of [...fixtures.image.layers.map((l) => l.descriptor), fixtures.image.configDescriptor]) {
      if (!(await repo.mountBlob(d.digest, 'push/chunked'))) {
        await repo.uploadBlob(createReadStream(fixtures.image.blobs.path(d.digest)) as AsyncIterable<Buffer>);
      }
    }
    const pushed = await repo.putManifest(
      'latest',
      fixtures.image.manifestBytes,
      fixtures.image.manifestDescriptor.mediaType,
    );
    assert.deepEqual(pushed, { digest: fixtures.image.digest, size: fixtures.image.manifestBytes.length });
    assert.equal((await repo.getManifest('latest')).digest, fixtures.image.digest);
  });

  it('a manifest naming blobs the registry lacks is refused with its errcode words', async () => {
    const repo = client.repository(proxy.host, 'push/empty', { actions: ['pull', 'push'] });
    await assert.rejects(
      repo.putManifest('latest', fixtures.image.manifestBytes, fixtures.image.manifestDescriptor.mediaType),
      /manifest blob unknown/,
    );
  });

  it('lists tags, following Link pages', async () => {
    const repo = client.repository(proxy.host, 'push/image', { actions: ['pull', 'push'] });
    const tags = ['a', 'b', 'c', 'd', 'latest'];
    for (const tag of tags.slice(0, 4)) {
      await repo.putManifest(tag, fixtures.image.manifestBytes, fixtures.image.manifestDescriptor.mediaType);
    }
    assert.deepEqual((await repo.listTags()).sort(), tags, 'the real registry, one page');
    // distribution 2.8 ignores `n` on tags/list (pagination came in 3.0), so the pages come
    // from the proxy, shaped as distribution 3 writes them.
    const page = (body: string[], next?: string) => ({
      kind: 'status' as const,
      status: 200,
      body: JSON.stringify({ name: 'push/image', tags: body }),
      headers: {
        'content-type': 'application/json',
        ...(next === undefined ? {} : { link: `</v2/push/image/tags/list?last=${next}&n=2>; rel="next"` }),
      },
    });
    proxy.setFaults([
      { path: /\/tags\/list\?n=2$/, fault: page(['a', 'b'], 'b') },
      { path: /\/tags\/list\?last=b&n=2$/, fault: page(['c', 'd'], 'd') },
      { path: /\/tags\/list\?last=d&n=2$/, fault: page(['latest']) },
    ]);
    proxy.requests.length = 0;
    assert.deepEqual(await repo.listTags({ pageSize: 2 }), tags);
    assert.deepEqual(
      proxy.requests.filter((r) => r.path.includes('/tags/list')).map((r) => r.path),
      [
        '/v2/push/image/tags/list?n=2',
        '/v2/push/image/tags/list?last=b&n=2',
        '/v2/push/image/tags/list?last=d&n=2',
      ],
    );
    proxy.setFaults([]);
  });
});
