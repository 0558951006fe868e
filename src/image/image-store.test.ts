import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, beforeEach, describe, it } from 'node:test';
import { sha256Digest, type Digest, type HistoryEntry } from '../oci/index.js';
import { chainIdsOf } from '../layer/index.js';
import { deleteImage, type DeleteOptions, type DeleteRecord, type ImageUsage } from './image-delete.js';
import type { ImageRef } from './image-ref.js';
import { ImageStore } from './image-store.js';
import { imageHistory } from './history.js';
import { MemoryLayerStore } from './memory-layer-store.test-helper.js';
import { testBase } from '../../test/support/test-base.js';

const base = await mkdtemp(join(testBase(), 'image-store-'));
after(() => rm(base, { recursive: true, force: true }));

let counter = 0;
async function freshStore(layers = new MemoryLayerStore()) {
  const root = join(base, `store-${++counter}`);
  return { root, layers, store: await ImageStore.open({ root, layers }) };
}

function layerBytes(text: string): Buffer {
  return Buffer.from(`layer:${text}`);
}

interface MadeImage {
  id: Digest;
  configBytes: Buffer;
}

/** Registers the layers, creates the image, drops the registration references (as load does). */
async function makeImage(
  store: ImageStore,
  layers: MemoryLayerStore,
  texts: string[],
  extra: {
    history?: HistoryEntry[];
    labels?: Record<string, string>;
    created?: string;
    parent?: Digest;
  } = {},
): Promise<MadeImage> {
  const diffIds = texts.map((t) => sha256Digest(layerBytes(t)));
  let parent: Digest | undefined;
  const taken: Digest[] = [];
  for (const t of texts) {
    const layer = await layers.register(Readable.from([layerBytes(t)]), parent);
    parent = layer.chainId;
    taken.push(layer.chainId);
  }
  const config = {
    architecture: 'amd64',
    os: 'linux',
    created: extra.created ?? '2024-01-01T00:00:00Z',
    config: { Cmd: ['sh'], ...(extra.labels && { Labels: extra.labels }) },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: extra.history ?? texts.map((t) => ({ created: '2024-01-01T00:00:00Z', created_by: `ADD ${t}` })),
  };
  // Pretty-printed on purpose: the store must keep the bytes, not re-serialise them.
  const configBytes = Buffer.from(JSON.stringify(config, null, 2));
  const image = await store.create(configBytes, extra.parent ? { parent: extra.parent } : {});
  for (const c of taken.reverse()) await layers.release(c);
  return { id: image.id, configBytes };
}

const tag = (repo: string, t: string): ImageRef => ({ repo, tag: t });
const DIGEST = `sha256:${'d'.repeat(64)}` as Digest;

function options(overrides: Partial<DeleteOptions> = {}): DeleteOptions {
  return { force: false, prune: true, inUse: () => undefined, ...overrides };
}

function summary(records: DeleteRecord[]): string[] {
  return records.map((r) => ('untagged' in r ? `Untagged: ${r.untagged}` : `Deleted: ${r.deleted}`));
}

describe('ImageStore', () => {
  it('stores the config verbatim under its digest and holds its top layer', async () => {
    const { root, layers, store } = await freshStore();
    const { id, configBytes } = await makeImage(store, layers, ['a', 'b']);
    assert.equal(id, sha256Digest(configBytes));
    assert.deepEqual(await readFile(join(root, 'imagedb/content/sha256', id.slice(7))), configBytes);
    const [bottom, top] = chainIdsOf([sha256Digest(layerBytes('a')), sha256Digest(layerBytes('b'))]);
    assert.equal(layers.refs(top as Digest), 1);
    assert.equal(layers.refs(bottom as Digest), 0);
    assert.ok(layers.get(bottom as Digest), 'layers below a referenced one stay');
    assert.equal(store.sizeOf(store.get(id)!), layerBytes('a').length + layerBytes('b').length);
  });

  it('creating an existing image changes nothing', async () => {
    const { layers, store } = await freshStore();
    const first = await makeImage(store, layers, ['a']);
    const again = await store.create(first.configBytes);
    assert.equal(again.id, first.id);
    assert.equal(layers.refs(sha256Digest(layerBytes('a'))), 1);
  });

  it('refuses a config whose layers are not in the layer store, writing nothing', async () => {
    const { root, store } = await freshStore();
    const config = { rootfs: { type: 'layers', diff_ids: [sha256Digest('nope')] } };
    await assert.rejects(store.create(Buffer.from(JSON.stringify(config))), /does not exist/);
    assert.deepEqual(await readdir(join(root, 'imagedb/content/sha256')), []);
    await assert.rejects(
      store.create(Buffer.from('{"rootfs":{"type":"layers","diff_ids":["x"]}}')),
      /sha256/,
    );
    await assert.rejects(store.create(Buffer.from('not json')), /invalid image config/);
  });

  it('writes repositories.json as Docker does and reloads everything on open', async () => {
    const { root, layers, store } = await freshStore();
    const { id } = await makeImage(store, layers, ['a', 'b'], { parent: undefined });
    await store.addReference(tag('busybox', 'latest'), id);
    await store.addReference({ repo: 'busybox', digest: DIGEST }, id);
    await store.addReference(tag('localhost:5000/a/b', 'x'), id);
    const file = JSON.parse(await readFile(join(root, 'repositories.json'), 'utf8'));
    assert.deepEqual(file, {
      Repositories: {
        busybox: { 'busybox:latest': id, [`busybox@${DIGEST}`]: id },
        'localhost:5000/a/b': { 'localhost:5000/a/b:x': id },
      },
    });
    await store.close();

    // A fresh layer store (references are in memory only): the reopened image store re-takes them.
    const top = chainIdsOf([sha256Digest(layerBytes('a')), sha256Digest(layerBytes('b'))])[1] as Digest;
    layers.nodes.get(top)!.refs = 0;
    await mkdir(join(root, 'tmp', 'load-stale'), { recursive: true });
    const reopened = await ImageStore.open({ root, layers });
    assert.equal(reopened.lookup(tag('busybox', 'latest'))?.id, id);
    assert.equal(reopened.references(id).length, 3);
    assert.ok(reopened.get(id)?.lastUpdated, 'tagging records lastUpdated');
    assert.equal(layers.refs(top), 1);
    assert.deepEqual(await readdir(join(root, 'tmp')), [], 'stale spools are removed at open');
  });

  it('skips images whose config file does not match its name', async () => {
    const { root, layers, store } = await freshStore();
    const { id } = await makeImage(store, layers, ['a']);
    await store.close();
    await writeFile(join(root, 'imagedb/content/sha256', id.slice(7)), '{"tampered":true}');
    const reopened = await ImageStore.open({ root, layers });
    assert.equal(reopened.get(id), undefined);
  });

  it('collects layers no image uses, keeping shared bases', async () => {
    const { root, layers, store } = await freshStore();
    const { id } = await makeImage(store, layers, ['a', 'b']);
    // A load interrupted after registering: a layer on the image's base, and one on its own.
    const base = sha256Digest(layerBytes('a'));
    await layers.register(Readable.from([layerBytes('orphan-on-a')]), base);
    await layers.register(Readable.from([layerBytes('orphan')]), undefined);
    for (const layer of layers.list()) layers.nodes.get(layer.chainId)!.refs = 0; // as after a restart
    await mkdir(join(root, 'imagedb/metadata/sha256', 'f'.repeat(64)), { recursive: true });
    const reopened = await ImageStore.open({ root, layers });
    const deleted = await reopened.collectOrphanLayers();
    assert.equal(deleted.length, 2);
    assert.equal(layers.list().length, 2, 'the image keeps both of its layers');
    assert.ok(reopened.get(id));
    assert.deepEqual(await readdir(join(root, 'imagedb/metadata/sha256')), [], 'orphan metadata removed');
  });

  it('finds images by unique id prefix only', async () => {
    const { layers, store } = await freshStore();
    const { id } = await makeImage(store, layers, ['a']);
    assert.equal(store.search(id.slice(7, 19))?.id, id);
    assert.equal(store.search(id.slice(0, 19))?.id, id);
    assert.equal(store.search('zz'), undefined);
    assert.equal(store.search(''), undefined);
  });

  it('check reports and repairs references to missing images', async () => {
    const { root, layers, store } = await freshStore();
    const { id } = await makeImage(store, layers, ['a']);
    await store.addReference(tag('a', '1'), id);
    await store.close();
    const repos = JSON.parse(await readFile(join(root, 'repositories.json'), 'utf8'));
    repos.Repositories.ghost = { 'ghost:1': DIGEST };
    await writeFile(join(root, 'repositories.json'), JSON.stringify(repos));
    const reopened = await ImageStore.open({ root, layers });
    const found = await reopened.check({ repair: false });
    assert.equal(found.length, 1);
    assert.equal(found[0]?.subject, 'ghost:1');
    const repaired = await reopened.check({ repair: true });
    assert.equal(repaired[0]?.repaired, 'reference removed');
    assert.deepEqual(await reopened.check({ repair: false }), []);
  });
});

describe('deleteImage (docker rmi)', () => {
  let env: Awaited<ReturnType<typeof freshStore>>;
  let id: Digest;
  beforeEach(async () => {
    env = await freshStore();
    id = (await makeImage(env.store, env.layers, ['a', 'b'])).id;
  });

  it('untags only, while other references remain', async () => {
    await env.store.addReference(tag('busybox', 'latest'), id);
    await env.store.addReference(tag('mine', 'v1'), id);
    const records = await deleteImage(
      env.store,
      id,
      { kind: 'ref', ref: tag('mine', 'v1'), input: 'mine:v1' },
      options(),
    );
    assert.deepEqual(summary(records), ['Untagged: mine:v1']);
    assert.ok(env.store.get(id));
  });

  it('deletes the image and its layers with its last tag', async () => {
    await env.store.addReference(tag('busybox', 'latest'), id);
    await env.store.addReference({ repo: 'busybox', digest: DIGEST }, id);
    const events: string[] = [];
    const records = await deleteImage(
      env.store,
      id,
      { kind: 'ref', ref: tag('busybox', 'latest'), input: 'busybox' },
      options({ onEvent: (action) => events.push(action) }),
    );
    const chains = chainIdsOf([sha256Digest(layerBytes('a')), sha256Digest(layerBytes('b'))]);
    assert.deepEqual(summary(records), [
      'Untagged: busybox:latest',
      `Untagged: busybox@${DIGEST}`,
      `Deleted: ${id}`,
      `Deleted: ${chains[1]}`,
      `Deleted: ${chains[0]}`,
    ]);
    assert.deepEqual(events, ['untag', 'delete']);
    assert.equal(env.layers.list().length, 0);
  });

  it('by id: one repository is untagged and deleted; several need force', async () => {
    await env.store.addReference(tag('a', '1'), id);
    await env.store.addReference(tag('b', '1'), id);
    await assert.rejects(
      deleteImage(env.store, id, { kind: 'id', input: id.slice(7, 19) }, options()),
      (err: Error & { kind?: string }) =>
        err.kind === 'conflict' &&
        err.message ===
          `conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
    );
    const records = await deleteImage(env.store, id, { kind: 'id', input: id }, options({ force: true }));
    assert.deepEqual(summary(records).slice(0, 3), ['Untagged: a:1', 'Untagged: b:1', `Deleted: ${id}`]);
  });

  it('refuses while a container uses the image, in Docker’s words', async () => {
    await env.store.addReference(tag('web', 'latest'), id);
    const stopped: ImageUsage = { containerId: 'c'.repeat(64), running: false };
    await assert.rejects(
      deleteImage(
        env.store,
        id,
        { kind: 'ref', ref: tag('web', 'latest'), input: 'web' },
        options({ inUse: () => stopped }),
      ),
      {
        message: `conflict: unable to remove repository reference "web" (must force) - container cccccccccccc is using its referenced image ${id.slice(7, 19)}`,
      },
    );
    await assert.rejects(
      deleteImage(
        env.store,
        id,
        { kind: 'id', input: id },
        options({ inUse: () => ({ ...stopped, running: true }), force: true }),
      ),
      {
        message: `conflict: unable to delete ${id.slice(7, 19)} (cannot be forced) - image is being used by running container cccccccccccc`,
      },
    );
    // Forced untag of a stopped container's image: the tag goes, the image stays (it is used).
    const records = await deleteImage(
      env.store,
      id,
      { kind: 'ref', ref: tag('web', 'latest'), input: 'web' },
      options({ inUse: () => stopped, force: true }),
    );
    assert.ok(records.length >= 1);
    assert.deepEqual(summary(records).slice(0, 1), ['Untagged: web:latest']);
  });

  it('prunes an untagged parent unless told not to', async () => {
    const child = await makeImage(env.store, env.layers, ['a', 'b', 'c'], { parent: id });
    await env.store.addReference(tag('child', '1'), child.id);
    await assert.rejects(
      deleteImage(env.store, id, { kind: 'id', input: id }, options()),
      /image has dependent child images/,
    );
    const kept = await deleteImage(
      env.store,
      child.id,
      { kind: 'ref', ref: tag('child', '1'), input: 'child:1' },
      options({ prune: false }),
    );
    assert.ok(summary(kept).includes(`Deleted: ${child.id}`));
    assert.ok(env.store.get(id), 'parent kept with noprune');

    const again = await makeImage(env.store, env.layers, ['a', 'b', 'd'], { parent: id });
    await env.store.addReference(tag('child', '2'), again.id);
    const records = await deleteImage(
      env.store,
      again.id,
      { kind: 'ref', ref: tag('child', '2'), input: 'child:2' },
      options(),
    );
    assert.ok(summary(records).includes(`Deleted: ${id}`), 'untagged parent pruned');
    assert.equal(env.store.list().length, 0);
  });

  it('keeps layers another image still uses', async () => {
    const other = await makeImage(env.store, env.layers, ['a', 'x']);
    await deleteImage(env.store, id, { kind: 'id', input: id }, options());
    assert.ok(env.store.get(other.id));
    assert.ok(env.layers.get(sha256Digest(layerBytes('a'))), 'shared base layer kept');
  });
});

describe('imageHistory', () => {
  it('lists steps newest first, empty layers with size 0, <missing> below the top', async () => {
    const { layers, store } = await freshStore();
    const history: HistoryEntry[] = [
      { created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs' },
      { created: '2024-01-01T00:00:01Z', created_by: 'ENV A=1', empty_layer: true },
      { created: '2024-01-01T00:00:02Z', created_by: 'RUN make', comment: 'built' },
      { created: '2024-01-01T00:00:03Z', created_by: 'CMD ["sh"]', empty_layer: true },
    ];
    const { id } = await makeImage(store, layers, ['a', 'bb'], { history });
    const rows = imageHistory(store, store.get(id)!);
    assert.deepEqual(
      rows.map((r) => [r.id === id ? 'ID' : r.id, r.createdBy, r.size, r.created, r.comment]),
      [
        ['ID', 'CMD ["sh"]', 0, 1704067203, ''],
        ['<missing>', 'RUN make', layerBytes('bb').length, 1704067202, 'built'],
        ['<missing>', 'ENV A=1', 0, 1704067201, ''],
        ['<missing>', 'ADD rootfs', layerBytes('a').length, 1704067200, ''],
      ],
    );
  });
});
