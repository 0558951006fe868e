import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { EventMessage } from '../api/types/index.js';
import { ImageStore } from '../image/index.js';
import { MemoryLayerStore } from '../image/memory-layer-store.test-helper.js';
import { silentLogger } from '../log/index.js';
import { sha256Digest, type Digest } from '../oci/index.js';
import { EventsService } from './events-service.js';
import { ImageService } from './image-service.js';
import { testBase } from '../../test/support/test-base.js';

const base = await mkdtemp(join(testBase(), 'image-service-'));
after(() => rm(base, { recursive: true, force: true }));

async function image(
  store: ImageStore,
  layers: MemoryLayerStore,
  name: string,
  created: string,
  labels?: Record<string, string>,
): Promise<Digest> {
  const layer = await layers.register(Readable.from([Buffer.from(`layer ${name}`)]), undefined);
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created,
    config: { ...(labels && { Labels: labels }) },
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created, created_by: `ADD ${name}` }],
  };
  const made = await store.create(Buffer.from(JSON.stringify(config)));
  await layers.release(layer.chainId);
  return made.id;
}

describe('ImageService', () => {
  let service: ImageService;
  const events: EventMessage[] = [];
  const ids: Record<string, Digest> = {};
  const filters = (entries: Record<string, string[]>) => new Map(Object.entries(entries));
  const list = async (f: Record<string, string[]> = {}, all = false) =>
    (await service.list({ all, filters: filters(f), digests: false, apiVersion: '1.47' }))
      .map((s) => s.RepoTags.join(',') || s.Id.slice(7, 11))
      .sort();

  before(async () => {
    const layers = new MemoryLayerStore();
    const store = await ImageStore.open({ root: join(base, 'store'), layers });
    const bus = new EventsService();
    bus.subscribe({ filters: new Map() }).onEvent((e) => events.push(e));
    service = new ImageService({ store, events: bus, logger: silentLogger() });
    ids.old = await image(store, layers, 'old', '2020-01-01T00:00:00Z', { tier: 'base' });
    ids.mid = await image(store, layers, 'mid', '2022-01-01T00:00:00Z', { tier: 'app', team: 'x' });
    ids.new = await image(store, layers, 'new', '2024-01-01T00:00:00Z');
    ids.none = await image(store, layers, 'none', '2023-01-01T00:00:00Z');
    await service.tag(ids.old, 'busybox', 'latest');
    await service.tag(ids.mid, 'user/app', 'v1');
    await service.tag(ids.new, 'localhost:5000/a/b', 't');
  });

  it('resolves ids, prefixes and references, and says so when it cannot', () => {
    assert.equal(service.resolve('busybox').image.id, ids.old);
    assert.equal(service.resolve('docker.io/library/busybox:latest').image.id, ids.old);
    assert.equal(service.resolve(ids.mid!).image.id, ids.mid);
    assert.equal(service.resolve(ids.mid!.slice(7)).image.id, ids.mid);
    assert.equal(service.resolve(ids.mid!.slice(7, 17)).image.id, ids.mid);
    assert.throws(() => service.resolve('busybox:1'), { message: 'No such image: busybox:1' });
    assert.throws(() => service.resolve('nope'), { message: 'No such image: nope:latest' });
    assert.throws(() => service.resolve(sha256Digest('x')), {
      message: `No such image: ${sha256Digest('x')}`,
    });
    assert.throws(() => service.resolve('Bad'), /invalid reference format/);
  });

  it('filters the list as docker images does', async () => {
    assert.deepEqual(
      await list(),
      [ids.none!.slice(7, 11), 'busybox:latest', 'localhost:5000/a/b:t', 'user/app:v1'].sort(),
    );
    assert.deepEqual(await list({ dangling: ['true'] }), [ids.none!.slice(7, 11)]);
    assert.deepEqual(await list({ dangling: ['false'] }), [
      'busybox:latest',
      'localhost:5000/a/b:t',
      'user/app:v1',
    ]);
    assert.deepEqual(await list({ label: ['tier'] }), ['busybox:latest', 'user/app:v1']);
    assert.deepEqual(await list({ label: ['tier=app', 'team=x'] }), ['user/app:v1']);
    assert.deepEqual(await list({ reference: ['user/*'] }), ['user/app:v1']);
    assert.deepEqual(await list({ reference: ['busybox'] }), ['busybox:latest']);
    assert.deepEqual(await list({ before: ['user/app:v1'] }), ['busybox:latest']);
    assert.deepEqual(
      await list({ since: ['user/app:v1'] }),
      [ids.none!.slice(7, 11), 'localhost:5000/a/b:t'].sort(),
    );
    assert.deepEqual(await list({ until: ['2021-01-01T00:00:00Z'] }), ['busybox:latest']);
    await assert.rejects(list({ bogus: ['x'] }), { message: "invalid filter 'bogus'" });
    await assert.rejects(list({ dangling: ['maybe'] }), { message: "Invalid filter 'dangling=maybe'" });
  });

  it('refuses tags that are digests or malformed', async () => {
    await assert.rejects(
      service.tag('busybox', `x@${sha256Digest('x')}`, ''),
      /refusing to create a tag with a digest/,
    );
    await assert.rejects(service.tag('busybox', 'x', '.bad'), /invalid tag format/);
    await assert.rejects(service.tag('busybox', '', ''), /at least one component/);
  });

  it('shows history with tags on the top row', async () => {
    const [top] = await service.history('user/app:v1');
    assert.deepEqual(top, {
      Id: ids.mid,
      Created: 1640995200,
      CreatedBy: 'ADD mid',
      Tags: ['user/app:v1'],
      Size: 9,
      Comment: '',
    });
  });

  it('prunes dangling images only, then everything unused with dangling=false', async () => {
    const dangling = await service.prune(new Map());
    assert.deepEqual(dangling.ImagesDeleted?.[0], { Deleted: ids.none });
    assert.ok(dangling.SpaceReclaimed > 0);
    const all = await service.prune(filters({ dangling: ['false'], label: ['tier'] }));
    assert.deepEqual(
      all.ImagesDeleted?.filter((d) => d.Untagged)
        .map((d) => d.Untagged)
        .sort(),
      ['busybox:latest', 'user/app:v1'],
    );
    assert.deepEqual(await list(), ['localhost:5000/a/b:t']);
    await assert.rejects(service.prune(filters({ reference: ['x'] })), /invalid filter 'reference'/);
  });

  it('published Docker’s image events', () => {
    const seen = events.map(
      (e) => `${e.Action} ${e.Actor.Attributes.name === e.Actor.ID ? 'id' : e.Actor.Attributes.name}`,
    );
    assert.ok(seen.includes('tag busybox:latest'));
    assert.ok(seen.includes('untag id'));
    assert.ok(seen.includes('delete id'));
    assert.ok(events.some((e) => e.Action === 'prune' && Number(e.Actor.Attributes.reclaimed) > 0));
    const tagEvent = events.find((e) => e.Action === 'tag' && e.Actor.Attributes.name === 'user/app:v1');
    assert.equal(tagEvent?.Actor.Attributes.tier, 'app', 'image labels travel as attributes');
  });
});
