import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import tar from 'tar-stream';
import { MediaType, digestHex, sha256Digest, type Digest } from '../oci/index.js';
import { normalizeArchiveName } from './archive-stream.js';
import { imageRefString, type ImageRef } from './image-ref.js';
import { ImageStore } from './image-store.js';
import { importImage } from './import.js';
import { loadImages, type LoadEvent } from './load.js';
import { MemoryLayerStore } from './memory-layer-store.test-helper.js';
import { saveImages } from './save.js';
import { testBase } from '../../test/support/test-base.js';

const base = await mkdtemp(join(testBase(), 'image-transfer-'));
after(() => rm(base, { recursive: true, force: true }));
let counter = 0;

async function freshStore() {
  const layers = new MemoryLayerStore();
  const root = join(base, `store-${++counter}`);
  return { root, layers, store: await ImageStore.open({ root, layers }) };
}

/** `name:tag` → ImageRef without the reference grammar (enough for these tests). */
function parseName(name: string): ImageRef {
  const short = name.replace(/^docker\.io\/(library\/)?/, '');
  const colon = short.lastIndexOf(':');
  return colon < 0
    ? { repo: short, tag: 'latest' }
    : { repo: short.slice(0, colon), tag: short.slice(colon + 1) };
}

type Entry = { name: string; data?: Buffer | string; type?: 'directory' | 'symlink'; linkname?: string };

async function archive(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname ?? '' });
    else pack.entry({ name: e.name }, Buffer.from(e.data ?? ''));
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const extract = tar.extract();
  const files = new Map<string, Buffer>();
  Readable.from([bytes]).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    files.set(entry.header.name, Buffer.concat(chunks));
  }
  return files;
}

const LAYERS: Buffer[] = [Buffer.from('bottom layer bytes'), Buffer.from('top layer bytes')];
const DIFF_IDS = LAYERS.map((l) => sha256Digest(l));
const CONFIG = Buffer.from(
  JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    rootfs: { type: 'layers', diff_ids: DIFF_IDS },
    history: [{ created_by: 'a' }, { created_by: 'b' }],
  }),
);
const IMAGE_ID = sha256Digest(CONFIG);

function dockerArchive(layers = LAYERS, repoTags: string[] | null = ['busybox:latest']): Entry[] {
  return [
    ...layers.map((l) => ({ name: `blobs/sha256/${digestHex(sha256Digest(l))}`, data: l })),
    { name: `blobs/sha256/${digestHex(IMAGE_ID)}`, data: CONFIG },
    {
      name: 'manifest.json',
      data: JSON.stringify([
        {
          Config: `blobs/sha256/${digestHex(IMAGE_ID)}`,
          RepoTags: repoTags,
          Layers: DIFF_IDS.map((d) => `blobs/sha256/${digestHex(d)}`),
        },
      ]),
    },
  ];
}

async function load(store: ImageStore, bytes: Buffer, events: LoadEvent[] = []) {
  return loadImages(store, Readable.from([bytes]), { parseName, report: (e) => events.push(e) });
}

describe('load', () => {
  it('loads docker save’s archive, plain or gzip, and tags it', async () => {
    for (const compress of [false, true]) {
      const { store, layers } = await freshStore();
      const bytes = await archive(dockerArchive());
      const events: LoadEvent[] = [];
      const [image] = await load(store, compress ? gzipSync(bytes) : bytes, events);
      assert.equal(image?.id, IMAGE_ID);
      assert.equal(store.lookup({ repo: 'busybox', tag: 'latest' })?.id, IMAGE_ID);
      assert.deepEqual(
        events.filter((e) => e.kind === 'loaded').map((e) => (e.kind === 'loaded' ? e.name : '')),
        ['busybox:latest'],
      );
      assert.equal(layers.list().length, 2);
      assert.equal(layers.refs(image!.topLayer!), 1, 'only the image holds its top layer');
    }
  });

  it('loads the legacy <id>/layer.tar form, links included', async () => {
    const { store } = await freshStore();
    const entries: Entry[] = [
      { name: 'aaa/', type: 'directory' },
      { name: 'aaa/layer.tar', data: LAYERS[0] },
      { name: 'bbb/layer.tar', data: LAYERS[1] },
      { name: 'ccc/layer.tar', type: 'symlink', linkname: '../bbb/layer.tar' },
      { name: `${digestHex(IMAGE_ID)}.json`, data: CONFIG },
      {
        name: 'manifest.json',
        data: JSON.stringify([
          {
            Config: `${digestHex(IMAGE_ID)}.json`,
            RepoTags: ['legacy:1'],
            Layers: ['aaa/layer.tar', 'ccc/layer.tar'],
          },
        ]),
      },
    ];
    const [image] = await load(store, await archive(entries));
    assert.equal(image?.id, IMAGE_ID);
    assert.equal(store.lookup({ repo: 'legacy', tag: '1' })?.id, IMAGE_ID);
  });

  it('loads a plain OCI layout (gzip layers), named from its annotations', async () => {
    const { store } = await freshStore();
    const gz = LAYERS.map((l) => gzipSync(l));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        config: { mediaType: MediaType.OciConfig, digest: IMAGE_ID, size: CONFIG.length },
        layers: gz.map((g) => ({
          mediaType: MediaType.OciLayerGzip,
          digest: sha256Digest(g),
          size: g.length,
        })),
      }),
    );
    const index = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MediaType.OciManifest,
          digest: sha256Digest(manifest),
          size: manifest.length,
          annotations: { 'io.containerd.image.name': 'docker.io/library/oci:v2' },
        },
      ],
    };
    const entries: Entry[] = [
      { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
      { name: 'index.json', data: JSON.stringify(index) },
      { name: `blobs/sha256/${digestHex(sha256Digest(manifest))}`, data: manifest },
      { name: `blobs/sha256/${digestHex(IMAGE_ID)}`, data: CONFIG },
      ...gz.map((g) => ({ name: `./blobs/sha256/${digestHex(sha256Digest(g))}`, data: g })),
    ];
    const [image] = await load(store, await archive(entries));
    assert.equal(image?.id, IMAGE_ID);
    assert.equal(store.lookup({ repo: 'oci', tag: 'v2' })?.id, IMAGE_ID);
  });

  it('rejects a layer that does not match its diffID and keeps nothing (hostile row 17)', async () => {
    const { root, store, layers } = await freshStore();
    const tampered: Buffer[] = [LAYERS[0] as Buffer, Buffer.from('top layer bytez')];
    const entries = dockerArchive(tampered).map((e) =>
      e.name === `blobs/sha256/${digestHex(sha256Digest(tampered[1] as Buffer))}`
        ? { ...e, name: `blobs/sha256/${digestHex(DIFF_IDS[1] as Digest)}` }
        : e,
    );
    await assert.rejects(load(store, await archive(entries)), /diffID mismatch/);
    assert.equal(layers.list().length, 0, 'the bottom layer registered first is released again');
    assert.equal(store.list().length, 0);
    assert.equal(store.lookup({ repo: 'busybox', tag: 'latest' }), undefined);
    assert.deepEqual(await readdir(join(root, 'tmp')), [], 'the spool is removed');
  });

  it('refuses malformed and hostile archives', async () => {
    const { store, layers } = await freshStore();
    const cases: [Entry[] | Buffer, RegExp][] = [
      [[{ name: '../escape', data: 'x' }], /escapes the archive/],
      [[{ name: 'hello', data: 'x' }], /no manifest.json or index.json/],
      [[{ name: 'manifest.json', data: '{not json' }], /not valid JSON/],
      [
        [{ name: 'manifest.json', data: '[{"Config":"missing.json","Layers":[]}]' }],
        /missing.json not found/,
      ],
      [
        dockerArchive().map((e) =>
          e.name === 'manifest.json' ? { ...e, data: e.data!.toString().replace(/,"blobs[^\]]*\]/, ']') } : e,
        ),
        /layers length mismatch: expected 2, got 1/,
      ],
      [dockerArchive(LAYERS, ['Bad Name!']), /.*/],
      [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]), /zstd/],
      [Buffer.alloc(0), /empty/],
    ];
    for (const [entries, message] of cases) {
      const bytes = Buffer.isBuffer(entries) ? entries : await archive(entries);
      await assert.rejects(
        loadImages(store, Readable.from([bytes]), {
          parseName: (n) => {
            if (/\s|!/.test(n)) throw new Error('invalid reference format');
            return parseName(n);
          },
        }),
        message,
      );
    }
    assert.equal(store.list().length, 0);
    assert.equal(layers.list().length, 0);
  });

  it('stops at the spool limits and on link loops', async () => {
    const { store, root } = await freshStore();
    const many: Entry[] = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
    await assert.rejects(
      loadImages(store, Readable.from([await archive(many)]), {
        parseName,
        limits: { maxEntries: 3, maxBytes: 1e9, maxNameLength: 100, maxRatio: 1000 },
      }),
      /more than 3 entries/,
    );
    await assert.rejects(
      loadImages(store, Readable.from([await archive(dockerArchive())]), {
        parseName,
        limits: { maxEntries: 100, maxBytes: 10, maxNameLength: 100, maxRatio: 1000 },
      }),
      /larger than 10 bytes/,
    );
    // 8 MiB of zeros gzip to ~8 KiB; with a 100:1 limit that is a bomb.
    const bomb = gzipSync(await archive([{ name: 'zeros', data: Buffer.alloc(8 * 1024 * 1024) }]));
    await assert.rejects(
      loadImages(store, Readable.from([bomb]), {
        parseName,
        limits: { maxEntries: 100, maxBytes: 1e9, maxNameLength: 100, maxRatio: 100 },
      }),
      /expands more than 100:1/,
    );
    const loop: Entry[] = [
      { name: 'a/layer.tar', type: 'symlink', linkname: '../b/layer.tar' },
      { name: 'b/layer.tar', type: 'symlink', linkname: '../a/layer.tar' },
      { name: `${digestHex(IMAGE_ID)}.json`, data: CONFIG },
      {
        name: 'manifest.json',
        data: JSON.stringify([
          { Config: `${digestHex(IMAGE_ID)}.json`, Layers: ['a/layer.tar', 'b/layer.tar'] },
        ]),
      },
    ];
    await assert.rejects(load(store, await archive(loop)), /a\/layer.tar not found/);
    assert.deepEqual(await readdir(join(root, 'tmp')), []);
  });

  it('streams layers into detached layers in any member order; discards what is not used', async () => {
    // Blobs big enough to be extracted as they arrive (tiny members are kept in memory).
    const big = [Buffer.alloc(2048, 1), Buffer.alloc(4096, 2)];
    const diffIds = big.map((l) => sha256Digest(l));
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [...diffIds, diffIds[0]] },
      }),
    );
    const configName = `blobs/sha256/${digestHex(sha256Digest(config))}`;
    const blob = (l: Buffer): Entry => ({ name: `blobs/sha256/${digestHex(sha256Digest(l))}`, data: l });
    const manifest = (layers: string[]): Entry => ({
      name: 'manifest.json',
      data: JSON.stringify([{ Config: configName, RepoTags: ['streamed:1'], Layers: layers }]),
    });
    const names = [...big, big[0]!].map((l) => blob(l).name);
    const garbage: Entry = { name: 'blobs/sha256/garbage', data: Buffer.alloc(3000, 7) };
    const unused: Entry = { name: 'blobs/sha256/unused', data: Buffer.alloc(1536, 3) };
    {
      const { store, layers } = await freshStore();
      const entries: Entry[] = [
        manifest(names), // first, as some writers put it
        { name: 'VERSION', data: '1.0' },
        unused,
        garbage,
        blob(big[0]!),
        blob(big[1]!),
        blob(big[0]!), // the same member twice: the later one counts
        { name: configName, data: config },
      ];
      const [image] = await load(store, await archive(entries));
      assert.equal(image?.id, sha256Digest(config));
      assert.equal(layers.list().length, 3, 'a, a/b, a/b/a');
      assert.equal(layers.detached.size, 0, 'every detached layer attached or discarded');
    }
    {
      // A manifest naming a member that is not a layer: rejected, nothing kept.
      const { store, layers } = await freshStore();
      const entries: Entry[] = [
        blob(big[0]!),
        { name: names[1]!, data: Buffer.alloc(3000, 7) },
        { name: configName, data: config },
        manifest(names),
      ];
      await assert.rejects(load(store, await archive(entries)), /not a tar/);
      assert.equal(layers.list().length, 0);
      assert.equal(layers.detached.size, 0);
      assert.equal(store.list().length, 0);
    }
    {
      // A config that is not JSON, or a layer where the config should be.
      const { store, layers } = await freshStore();
      const entries: Entry[] = [blob(big[0]!), blob(big[1]!), manifest(names)];
      entries.push({ name: configName, data: Buffer.alloc(2000, 0x41) });
      await assert.rejects(load(store, await archive(entries)), /is not valid JSON/);
      entries[entries.length - 1] = { name: configName, data: big[1] };
      await assert.rejects(load(store, await archive(entries)), /is a layer, not metadata/);
      assert.equal(layers.detached.size, 0);
    }
  });

  it('says when a tag moves from another image', async () => {
    const { store } = await freshStore();
    await load(store, await archive(dockerArchive()));
    const other = Buffer.from(CONFIG.toString().replace('"a"', '"z"'));
    const entries = dockerArchive().map((e) =>
      e.name.startsWith('blobs/sha256/' + digestHex(IMAGE_ID))
        ? { name: `blobs/sha256/${digestHex(sha256Digest(other))}`, data: other }
        : e.name === 'manifest.json'
          ? { ...e, data: e.data!.toString().replace(digestHex(IMAGE_ID), digestHex(sha256Digest(other))) }
          : e,
    );
    const events: LoadEvent[] = [];
    await load(store, await archive(entries), events);
    assert.deepEqual(
      events.find((e) => e.kind === 'renamed'),
      { kind: 'renamed', name: 'busybox:latest', oldId: IMAGE_ID },
    );
  });

  it('normalises archive names and refuses those that climb out', () => {
    assert.equal(normalizeArchiveName('./blobs//sha256/x'), 'blobs/sha256/x');
    assert.equal(normalizeArchiveName('a/../b'), 'b');
    assert.equal(normalizeArchiveName('/manifest.json'), 'manifest.json');
    assert.equal(normalizeArchiveName('../x'), undefined);
    assert.equal(normalizeArchiveName('a/../../x'), undefined);
    assert.equal(normalizeArchiveName('./'), undefined);
  });
});

describe('save', () => {
  it('writes an OCI layout with manifest.json and repositories, and loads back identically', async () => {
    const { store } = await freshStore();
    await load(store, await archive(dockerArchive()));
    const image = store.get(IMAGE_ID)!;
    const stream = await saveImages(store, [{ image, tags: [{ repo: 'busybox', tag: 'latest' }] }], {
      qualify: (ref) => `docker.io/library/${imageRefString(ref)}`,
    });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const files = await untar(Buffer.concat(chunks));
    assert.deepEqual(files.get(`blobs/sha256/${digestHex(IMAGE_ID)}`), CONFIG);
    for (const [i, d] of DIFF_IDS.entries())
      assert.deepEqual(files.get(`blobs/sha256/${digestHex(d)}`), LAYERS[i]);
    assert.deepEqual(JSON.parse(files.get('manifest.json')!.toString()), [
      {
        Config: `blobs/sha256/${digestHex(IMAGE_ID)}`,
        RepoTags: ['busybox:latest'],
        Layers: DIFF_IDS.map((d) => `blobs/sha256/${digestHex(d)}`),
      },
    ]);
    const index = JSON.parse(files.get('index.json')!.toString());
    assert.deepEqual(index.manifests[0].annotations, {
      'io.containerd.image.name': 'docker.io/library/busybox:latest',
      'org.opencontainers.image.ref.name': 'latest',
    });
    const manifest = JSON.parse(
      files.get(`blobs/sha256/${digestHex(index.manifests[0].digest)}`)!.toString(),
    );
    assert.equal(manifest.config.digest, IMAGE_ID);
    assert.deepEqual(
      manifest.layers.map((l: { digest: string }) => l.digest),
      DIFF_IDS,
    );
    assert.deepEqual(JSON.parse(files.get('repositories')!.toString()), {
      busybox: { latest: digestHex(DIFF_IDS[1] as Digest) },
    });
    assert.equal(files.get('oci-layout')!.toString(), '{"imageLayoutVersion":"1.0.0"}');

    const again = await freshStore();
    const [loaded] = await load(again.store, Buffer.concat(chunks));
    assert.equal(loaded?.id, IMAGE_ID);
    assert.deepEqual(loaded?.configBytes, CONFIG);
  });
});

describe('import', () => {
  it('makes a one-layer image with the changes and message', async () => {
    const { store, layers } = await freshStore();
    const rootfs = Buffer.from('rootfs tar bytes');
    const image = await importImage(store, Readable.from([rootfs]), {
      changes: ['CMD ["/bin/sh"]', 'ENV A=1', 'EXPOSE 80/udp 8080', 'WORKDIR /app', 'LABEL x=y'],
      message: '',
      architecture: 'arm64',
      os: 'linux',
      created: new Date('2025-01-02T03:04:05Z'),
    });
    assert.deepEqual(image.config.rootfs.diff_ids, [sha256Digest(rootfs)]);
    assert.equal(image.config.architecture, 'arm64');
    assert.deepEqual(image.config.config, {
      Cmd: ['/bin/sh'],
      Env: ['A=1'],
      ExposedPorts: { '80/udp': {}, '8080/tcp': {} },
      WorkingDir: '/app',
      Labels: { x: 'y' },
    });
    assert.deepEqual(image.config.history, [{ created: '2025-01-02T03:04:05Z', comment: 'Imported from -' }]);
    assert.equal(layers.refs(image.topLayer!), 1);
    await assert.rejects(
      importImage(store, Readable.from([rootfs]), {
        changes: ['RUN rm -rf /'],
        architecture: 'amd64',
        os: 'linux',
      }),
      /RUN is not a valid change command/,
    );
  });
});
