/**
 * Pull and push against Debian's docker-registry (through the fault proxy, which counts and
 * spoils requests), the real layer and image stores, and the real registry client.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { NotFoundError } from '../errors/index.js';
import { ImageStore } from '../image/index.js';
import { createLayerStore, type LayerStore } from '../layer/index.js';
import { silentLogger } from '../log/index.js';
import { createRegistryClient, type RegistryClient } from '../registry/client/index.js';
import { BlobDir, buildImage, buildIndex, BuiltImage, type TarEntry } from '../../test/fixtures/index.js';
import { useCleanup } from '../../test/support/cleanup.js';
import { startFaultProxy, type FaultProxy } from '../../test/support/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { BlobSources } from './blob-sources.js';
import { LayerJobs } from './layer-jobs.js';
import { parsePlatform } from './platform.js';
import type { ProgressEvent } from './progress.js';
import { Puller } from './puller.js';
import { Pusher } from './pusher.js';
import { Semaphore } from './semaphore.js';
import { shortDigest, type RemoteImage } from './types.js';

const logger = silentLogger();

function files(prefix: string, count: number, size = 2000): TarEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'file' as const,
    name: `${prefix}/f${i}`,
    content: `${prefix}:${i}:`.repeat(Math.ceil(size / 8)).slice(0, size),
  }));
}

interface Stores {
  layers: LayerStore;
  images: ImageStore;
  puller: Puller;
  pusher: Pusher;
  jobs: LayerJobs;
  dataRoot: string;
}

describe('distribution: pull and push', { timeout: 240_000 }, () => {
  const cleanup = useCleanup();
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let client: RegistryClient;
  let blobs: BlobDir;
  let base: BuiltImage;
  let app: BuiltImage;

  before(async () => {
    registry = await startRegistry();
    cleanup.defer('registry', () => registry.stop());
    proxy = await startFaultProxy(registry.url);
    cleanup.defer('fault proxy', () => proxy.stop());
    client = createRegistryClient({
      mirrors: new Map(),
      mirrorOnly: new Set(),
      insecureRegistries: [],
      certsDir: '/nonexistent',
      userAgent: 'lading-test',
      requestTimeoutMs: 10_000,
    });
    cleanup.defer('registry client', () => client.close());
    const dirs = makeTestDirs('distribution-blobs');
    cleanup.directory(dirs.root);
    blobs = await BlobDir.create(dirs.root);
    base = await buildImage(
      { layers: [files('base', 20), files('mid', 5)], config: { Cmd: ['/bin/sh'] } },
      blobs,
    );
    app = await buildImage(
      { layers: [files('base', 20), files('mid', 5), files('app', 3)], config: { Cmd: ['/app'] } },
      blobs,
    );
    await base.pushToRegistry(registry.url, 'base', 'latest');
    await app.pushToRegistry(registry.url, 'app', 'v1');
  });

  async function stores(label: string): Promise<Stores> {
    const dirs = makeTestDirs(`distribution-${label}`);
    cleanup.directory(dirs.root);
    const layers = await createLayerStore({ root: dirs.dataRoot, logger });
    cleanup.defer(`close ${label}`, () => layers.close());
    const images = await ImageStore.open({
      root: join(dirs.dataRoot, 'image', layers.driver),
      layers,
      logger,
    });
    const sources = await BlobSources.open(join(dirs.root, 'blob-sources.json'), logger);
    const jobs = new LayerJobs(layers, new Semaphore(3), logger);
    return {
      layers,
      images,
      jobs,
      dataRoot: dirs.dataRoot,
      puller: new Puller({ images, jobs, logger, sources }),
      pusher: new Pusher({ images, uploads: new Semaphore(5), sources, logger }),
    };
  }

  function remote(repository: string, ref: { tag?: string; digest?: `sha256:${string}` }): RemoteImage {
    return { registry: proxy.host, repository, familiarName: `${proxy.host}/${repository}`, ...ref };
  }

  function repo(repository: string) {
    return client.repository(proxy.host, repository, { actions: ['pull'] });
  }

  const blobGets = (digest: string): number =>
    proxy.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/blobs/${digest}`)).length;

  it('pulls an image, registers tag and RepoDigest, and reports Docker’s progress sequence', async () => {
    const s = await stores('single');
    const events: ProgressEvent[] = [];
    const result = await s.puller.pull({
      client: repo('base'),
      image: remote('base', { tag: 'latest' }),
      signal: new AbortController().signal,
      progress: (e) => events.push(e),
    });
    assert.equal(result.image.id, base.id);
    assert.equal(result.manifestDigest, base.digest);
    assert.equal(result.updated, true);
    assert.deepEqual(result.image.config.rootfs.diff_ids, base.config.rootfs.diff_ids);
    assert.deepEqual(
      s.images
        .references(base.id)
        .map((r) => (r.tag !== undefined ? `:${r.tag}` : `@${r.digest}`))
        .sort(),
      [`:latest`, `@${base.digest}`].sort(),
    );
    assert.equal(s.layers.list().length, 2);

    assert.deepEqual(events[0], { id: 'latest', status: 'Pulling from base' });
    assert.equal(events[1]?.status, `Endpoint: ${proxy.url}`);
    for (const layer of base.layers) {
      const id = shortDigest(layer.descriptor.digest);
      const statuses = events.filter((e) => e.id === id).map((e) => e.status);
      const order = [
        'Pulling fs layer',
        'Downloading',
        'Verifying Checksum',
        'Download complete',
        'Extracting',
        'Pull complete',
      ];
      const firsts = order.map((status) => statuses.indexOf(status));
      assert.ok(
        firsts.every((at) => at >= 0),
        `${id}: ${statuses.join(', ')}`,
      );
      assert.deepEqual(
        [...firsts].sort((a, b) => a - b),
        firsts,
        `${id}: ${statuses.join(', ')}`,
      );
      const downloading = events.find((e) => e.id === id && e.status === 'Downloading');
      assert.equal(downloading?.progressDetail?.total, layer.descriptor.size);
    }
    assert.deepEqual(events.slice(-2), [
      { status: `Digest: ${base.digest}` },
      { status: `Status: Downloaded newer image for ${proxy.host}/base:latest` },
    ]);

    // Again: every layer is there and the tag already names the image.
    const again: ProgressEvent[] = [];
    const second = await s.puller.pull({
      client: repo('base'),
      image: remote('base', { tag: 'latest' }),
      signal: new AbortController().signal,
      progress: (e) => again.push(e),
    });
    assert.equal(second.updated, false);
    assert.deepEqual(
      again.filter((e) => e.id !== undefined && e.id !== 'latest').map((e) => e.status),
      ['Already exists', 'Already exists'],
    );
    assert.equal(again.at(-1)?.status, `Status: Image is up to date for ${proxy.host}/base:latest`);
  });

  it('pulls by digest, recording only the digest', async () => {
    const s = await stores('by-digest');
    const result = await s.puller.pull({
      client: repo('base'),
      image: remote('base', { digest: base.digest }),
      signal: new AbortController().signal,
      progress: () => undefined,
    });
    assert.equal(result.image.id, base.id);
    assert.deepEqual(s.images.references(base.id), [{ repo: `${proxy.host}/base`, digest: base.digest }]);
  });

  it('chooses the platform from an index: default linux/amd64, platform=, and Docker’s 404', async () => {
    const amd = { layers: [files('amd', 2)], platform: { architecture: 'amd64', os: 'linux' } };
    const arm = {
      layers: [files('arm', 2)],
      platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
    };
    const index = await buildIndex([arm, amd], blobs, 'docker');
    await index.pushToRegistry(registry.url, 'multi', 'latest');
    const s = await stores('index');
    const pull = (platform?: string) =>
      s.puller.pull({
        client: repo('multi'),
        image: remote('multi', { tag: 'latest' }),
        ...(platform !== undefined && { platform: parsePlatform(platform) }),
        signal: new AbortController().signal,
        progress: () => undefined,
      });
    const byDefault = await pull();
    assert.equal(byDefault.image.config.architecture, 'amd64');
    assert.equal(byDefault.manifestDigest, index.digest);
    const arm64 = await pull('linux/arm64');
    assert.equal(arm64.image.config.architecture, 'arm64');
    await assert.rejects(pull('linux/s390x'), (err: Error) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.message, 'no matching manifest for linux/s390x in the manifest list entries');
      return true;
    });
  });

  it('answers a missing tag with Docker’s words before any progress', async () => {
    const s = await stores('missing');
    const events: ProgressEvent[] = [];
    await assert.rejects(
      s.puller.pull({
        client: repo('base'),
        image: remote('base', { tag: 'nope' }),
        signal: new AbortController().signal,
        progress: (e) => events.push(e),
      }),
      (err: Error) => {
        assert.ok(err instanceof NotFoundError, String(err));
        assert.equal(
          err.message,
          `manifest for ${proxy.host}/base:nope not found: manifest unknown: manifest unknown`,
        );
        return true;
      },
    );
    assert.deepEqual(events, []);
  });

  it('fetches and unpacks each layer once for 10 concurrent pulls of one image and of images sharing layers', async () => {
    const s = await stores('concurrent');
    const before = new Map(app.layers.map((l) => [l.descriptor.digest, blobGets(l.descriptor.digest)]));
    const configBefore = blobGets(app.id);
    const pulls = Array.from({ length: 10 }, (_, i) => {
      const events: ProgressEvent[] = [];
      const pulling = s.puller.pull({
        client: repo(i % 2 === 0 ? 'app' : 'base'),
        image: remote(i % 2 === 0 ? 'app' : 'base', { tag: i % 2 === 0 ? 'v1' : 'latest' }),
        signal: new AbortController().signal,
        progress: (e) => events.push(e),
      });
      return pulling.then((result) => ({ result, events }));
    });
    const results = await Promise.all(pulls);
    for (const layer of app.layers) {
      assert.equal(
        blobGets(layer.descriptor.digest) - before.get(layer.descriptor.digest)!,
        1,
        JSON.stringify(proxy.requests.filter((r) => r.path.includes(layer.descriptor.digest))),
      );
    }
    assert.equal(blobGets(app.id) - configBefore, 1);
    assert.equal(s.layers.list().length, 3);
    assert.equal(s.images.count, 2);
    // Every puller saw its layers complete (joined pulls report the shared job's progress).
    for (const { events } of results) {
      for (const e of events.filter((x) => x.status === 'Pulling fs layer')) {
        assert.ok(
          events.some((x) => x.id === e.id && x.status === 'Pull complete'),
          `no Pull complete for ${e.id}`,
        );
      }
    }
    assert.equal(s.jobs.running, 0);
  });

  it('leaves nothing behind when a layer fails verification', async () => {
    const s = await stores('failure');
    const bad = app.layers[2]!.descriptor.digest;
    proxy.setFaults([
      { method: 'GET', path: new RegExp(`/blobs/${bad}$`), fault: { kind: 'corrupt', atByte: 10 } },
    ]);
    try {
      await assert.rejects(
        s.puller.pull({
          client: repo('app'),
          image: remote('app', { tag: 'v1' }),
          signal: new AbortController().signal,
          progress: () => undefined,
        }),
      );
    } finally {
      proxy.setFaults([]);
    }
    assert.equal(s.images.count, 0);
    assert.deepEqual(s.layers.list(), []);
    assert.equal(s.jobs.running, 0);
    const driverDir = join(s.dataRoot, s.layers.driver);
    const leftovers = readdirSync(driverDir).filter((n) => n !== 'l');
    assert.deepEqual(leftovers, [], `left in ${driverDir}`);
  });

  it('starts a layer again when its bytes fail verification once (hostile-input row 18), committing only good bytes', async () => {
    const s = await stores('retry');
    const flaky = app.layers[2]!.descriptor.digest;
    proxy.setFaults([
      {
        method: 'GET',
        path: new RegExp(`/blobs/${flaky}$`),
        times: 1,
        fault: { kind: 'corrupt', atByte: 10 },
      },
    ]);
    const events: ProgressEvent[] = [];
    try {
      const result = await s.puller.pull({
        client: repo('app'),
        image: remote('app', { tag: 'v1' }),
        signal: new AbortController().signal,
        progress: (e) => events.push(e),
      });
      assert.equal(result.image.id, app.id);
    } finally {
      proxy.setFaults([]);
    }
    const id = flaky.slice(7, 19);
    const statuses = events.filter((e) => e.id === id).map((e) => e.status);
    assert.ok(statuses.includes('Retrying in 1 second'), statuses.join(', '));
    assert.equal(statuses.at(-1), 'Pull complete');
    assert.equal(
      proxy.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/blobs/${flaky}`)).length >= 2,
      true,
    );
    assert.deepEqual(
      s.layers
        .list()
        .map((l) => l.diffId)
        .sort(),
      [...app.config.rootfs.diff_ids].sort(),
    );
  });

  it('refuses an image whose config does not describe its layers (hostile-input row 17), keeping nothing', async () => {
    const liar = async (repository: string, diffIds: `sha256:${string}`[]): Promise<void> => {
      const config = { ...base.config, rootfs: { type: 'layers' as const, diff_ids: diffIds } };
      const configBytes = Buffer.from(JSON.stringify(config));
      const configDescriptor = {
        mediaType: base.configDescriptor.mediaType,
        ...(await blobs.putBytes(configBytes)),
      };
      const manifest = { ...base.manifest, config: configDescriptor };
      const manifestBytes = Buffer.from(JSON.stringify(manifest));
      const manifestDescriptor = {
        mediaType: base.manifestDescriptor.mediaType,
        ...(await blobs.putBytes(manifestBytes)),
      };
      await new BuiltImage(
        blobs,
        base.layers,
        config,
        configDescriptor,
        manifest,
        manifestBytes,
        manifestDescriptor,
      ).pushToRegistry(registry.url, repository, 'latest');
    };
    const [first] = base.config.rootfs.diff_ids as [`sha256:${string}`];
    await liar('liar/diffid', [first, `sha256:${'ab'.repeat(32)}`]);
    await liar('liar/count', [first]);
    const s = await stores('liars');
    const pull = (repository: string) =>
      s.puller.pull({
        client: repo(repository),
        image: remote(repository, { tag: 'latest' }),
        signal: new AbortController().signal,
        progress: () => undefined,
      });
    await assert.rejects(pull('liar/diffid'), {
      message: /^layer diffID mismatch: image config says sha256:(ab){32}/,
    });
    await assert.rejects(pull('liar/count'), {
      message: "layers from manifest don't match image configuration",
    });
    assert.equal(s.images.count, 0);
    assert.deepEqual(s.layers.list(), []);
    assert.deepEqual(
      readdirSync(join(s.dataRoot, s.layers.driver)).filter((n) => n !== 'l'),
      [],
    );
  });

  it('keeps a shared download going when one of two pullers leaves, and stops it when the last one does', async () => {
    const s = await stores('abort');
    const slow = base.layers[0]!.descriptor.digest;
    proxy.setFaults([
      { method: 'GET', path: new RegExp(`/blobs/${slow}$`), times: 1, fault: { kind: 'delay', ms: 400 } },
    ]);
    const getsBefore = blobGets(slow);
    const leaving = new AbortController();
    const seen: ProgressEvent[] = [];
    const seen2: ProgressEvent[] = [];
    const first = s.puller.pull({
      client: repo('base'),
      image: remote('base', { tag: 'latest' }),
      signal: leaving.signal,
      progress: (e) => seen.push(e),
    });
    const second = s.puller.pull({
      client: repo('base'),
      image: remote('base', { tag: 'latest' }),
      signal: new AbortController().signal,
      progress: (e) => seen2.push(e),
    });
    const joined = (events: ProgressEvent[]) => events.some((e) => e.status === 'Pulling fs layer');
    while (!joined(seen) || !joined(seen2)) await new Promise((r) => setTimeout(r, 5));
    leaving.abort(new Error('client went away'));
    await assert.rejects(first, { message: 'client went away' });
    const result = await second;
    assert.equal(result.image.id, base.id);
    assert.equal(blobGets(slow) - getsBefore, 1, 'the download went on for the puller that stayed');

    // Alone, a puller that leaves takes its download with it: nothing remains.
    const alone = await stores('abort-alone');
    const stalled = app.layers[2]!.descriptor.digest;
    proxy.setFaults([
      { method: 'GET', path: new RegExp(`/blobs/${stalled}$`), fault: { kind: 'stall', afterBytes: 10 } },
    ]);
    try {
      const controller = new AbortController();
      const events: ProgressEvent[] = [];
      const pulling = alone.puller.pull({
        client: repo('app'),
        image: remote('app', { tag: 'v1' }),
        signal: controller.signal,
        progress: (e) => events.push(e),
      });
      const id = shortDigest(stalled);
      while (!events.some((e) => e.id === id && e.status === 'Downloading')) {
        await new Promise((r) => setTimeout(r, 5));
      }
      controller.abort(new Error('gone'));
      await assert.rejects(pulling, { message: 'gone' });
    } finally {
      proxy.setFaults([]);
    }
    assert.equal(alone.images.count, 0);
    assert.deepEqual(alone.layers.list(), []);
    assert.deepEqual(
      readdirSync(join(alone.dataRoot, alone.layers.driver)).filter((n) => n !== 'l'),
      [],
    );
  });

  it('pushes with Docker’s messages, skips blobs the registry has, mounts across repositories, and pulls back the same diffIDs', async () => {
    const s = await stores('push-source');
    await s.puller.pull({
      client: repo('app'),
      image: remote('app', { tag: 'v1' }),
      signal: new AbortController().signal,
      progress: () => undefined,
    });
    await s.images.addReference({ repo: `${proxy.host}/copy`, tag: 'latest' }, app.id);
    const target = remote('copy', { tag: 'latest' });
    const targets = s.pusher.targets(target);
    const mountFrom = s.pusher.mountCandidates(target, targets);
    assert.deepEqual(mountFrom, ['app']);
    const events: ProgressEvent[] = [];
    await s.pusher.push({
      client: client.repository(proxy.host, 'copy', { actions: ['pull', 'push'], mountFrom }),
      image: target,
      targets,
      signal: new AbortController().signal,
      progress: (e) => events.push(e),
    });
    assert.deepEqual(events[0], { status: `The push refers to repository [${proxy.host}/copy]` });
    const diffIds = app.config.rootfs.diff_ids;
    assert.deepEqual(
      events.filter((e) => e.status === 'Preparing').map((e) => e.id),
      [...diffIds].reverse().map(shortDigest),
    );
    assert.deepEqual(
      events.filter((e) => e.status?.startsWith('Mounted from')).map((e) => e.status),
      ['Mounted from app', 'Mounted from app', 'Mounted from app'],
    );
    const summary = events.find((e) => e.status?.startsWith('latest: digest: '));
    assert.match(summary?.status ?? '', /^latest: digest: sha256:[a-f0-9]{64} size: \d+$/);
    const aux = events.at(-1)?.aux as { Tag: string; Digest: string; Size: number };
    assert.equal(aux.Tag, 'latest');

    // A local-only layer goes up compressed; pushing again finds everything in place.
    const local = await stores('push-local');
    await local.puller.pull({
      client: repo('copy'),
      image: remote('copy', { tag: 'latest' }),
      signal: new AbortController().signal,
      progress: () => undefined,
    });
    await local.images.addReference({ repo: `${proxy.host}/fresh`, tag: 'v2' }, app.id);
    // Forget where the layers came from, so push has to compress and upload them.
    const uploader = new Pusher({
      images: local.images,
      uploads: new Semaphore(2),
      sources: await BlobSources.open(join(local.dataRoot, 'none.json'), logger),
      logger,
    });
    const fresh = remote('fresh', { tag: 'v2' });
    const pushEvents: ProgressEvent[] = [];
    await uploader.push({
      client: client.repository(proxy.host, 'fresh', { actions: ['pull', 'push'] }),
      image: fresh,
      targets: uploader.targets(fresh),
      signal: new AbortController().signal,
      progress: (e) => pushEvents.push(e),
    });
    assert.equal(pushEvents.filter((e) => e.status === 'Pushed').length, 3);
    const again: ProgressEvent[] = [];
    await uploader.push({
      client: client.repository(proxy.host, 'fresh', { actions: ['pull', 'push'] }),
      image: fresh,
      targets: uploader.targets(fresh),
      signal: new AbortController().signal,
      progress: (e) => again.push(e),
    });
    assert.equal(again.filter((e) => e.status === 'Layer already exists').length, 3);

    const back = await stores('push-back');
    const pulled = await back.puller.pull({
      client: repo('fresh'),
      image: remote('fresh', { tag: 'v2' }),
      signal: new AbortController().signal,
      progress: () => undefined,
    });
    assert.deepEqual(pulled.image.config.rootfs.diff_ids, diffIds);
    assert.equal(pulled.image.id, app.id);
  });

  it('refuses to push a tag that does not exist locally, in Docker’s words', async () => {
    const s = await stores('push-missing');
    assert.throws(() => s.pusher.targets(remote('nothing', { tag: 'latest' })), {
      message: `An image does not exist locally with the tag: ${proxy.host}/nothing`,
    });
  });
});
