import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../test/support/cleanup.js';
import { mountsUnder } from '../../test/support/mounts.js';
import { makeTestDirs } from '../../test/support/test-base.js';
import { ConflictError, InvalidArgumentError, NotFoundError, SystemError } from '../errors/index.js';
import { silentLogger } from '../log/index.js';
import { VolumeStore, type VolumeEvent } from './volume-store.js';

const cleanup = useCleanup();

async function newStore(
  label: string,
): Promise<{ store: VolumeStore; root: string; events: VolumeEvent[]; base: string }> {
  const dirs = makeTestDirs(label);
  cleanup.directory(dirs.root);
  const root = join(dirs.dataRoot, 'volumes');
  const events: VolumeEvent[] = [];
  const store = await VolumeStore.open({ root, logger: silentLogger(), onEvent: (e) => events.push(e) });
  return { store, root, events, base: dirs.root };
}

function rejectsWith(kind: new (...args: never[]) => Error, message: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof kind, `expected ${kind.name}, got ${String(err)}`);
    assert.equal(err.message, message);
    return true;
  };
}

describe('volume store', () => {
  it("creates Docker's layout with a durable record and answers inspect as dockerd", async () => {
    const { store, root, events } = await newStore('vol-create');
    const handle = await store.create({ name: 'data', labels: { tier: 'db' } });
    assert.deepEqual(handle, { name: 'data', driver: 'local', mountpoint: join(root, 'data', '_data') });
    assert.equal((await stat(root)).mode & 0o777, 0o701);
    assert.equal((await stat(join(root, 'data'))).mode & 0o777, 0o701);
    assert.equal((await stat(join(root, 'data', '_data'))).mode & 0o777, 0o755);
    assert.equal((await stat(join(root, 'data', 'volume.json'))).mode & 0o777, 0o600);
    assert.deepEqual((await readdir(root)).sort(), ['data']);

    const volume = store.inspect('data');
    assert.deepEqual(Object.keys(volume), [
      'CreatedAt',
      'Driver',
      'Labels',
      'Mountpoint',
      'Name',
      'Options',
      'Scope',
    ]);
    assert.match(volume.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.deepEqual(
      { ...volume, CreatedAt: '' },
      {
        CreatedAt: '',
        Driver: 'local',
        Labels: { tier: 'db' },
        Mountpoint: join(root, 'data', '_data'),
        Name: 'data',
        Options: null,
        Scope: 'local',
      },
    );
    assert.deepEqual(events, [{ action: 'create', name: 'data', attributes: { driver: 'local' } }]);

    // Same name again: the existing volume, unchanged, and no second event.
    await store.create({ name: 'data', labels: { other: '1' } });
    assert.deepEqual(store.inspect('data').Labels, { tier: 'db' });
    assert.equal(events.length, 1);
  });

  it('gives a nameless volume a random name and the anonymous label', async () => {
    const { store } = await newStore('vol-anon');
    const handle = await store.create({});
    assert.match(handle.name, /^[0-9a-f]{64}$/);
    assert.deepEqual(store.inspect(handle.name).Labels, { 'com.docker.volume.anonymous': '' });
    const plain = await store.create({ name: 'plain' });
    assert.equal(store.inspect(plain.name).Labels, null);
  });

  it('refuses bad names, unknown drivers and bad options, creating nothing', async () => {
    const { store, root, base } = await newStore('vol-refuse');
    for (const name of ['../x', '../../escape', 'a/b', '.tmp-create-x', '/abs']) {
      await assert.rejects(
        store.create({ name }),
        rejectsWith(
          InvalidArgumentError,
          `create ${name}: ${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
        ),
      );
    }
    await assert.rejects(
      store.create({ name: 'x', driver: 'flocker' }),
      rejectsWith(
        NotFoundError,
        'create x: error looking up volume plugin flocker: plugin "flocker" not found',
      ),
    );
    await assert.rejects(
      store.create({ name: 'yy', options: { bogus: '1' } }),
      rejectsWith(InvalidArgumentError, 'create yy: invalid option: "bogus"'),
    );
    await assert.rejects(
      store.create({ name: 'yy', options: { size: '1g' } }),
      rejectsWith(InvalidArgumentError, 'create yy: quota size requested but no quota support'),
    );
    assert.deepEqual(await readdir(root), []);
    assert.deepEqual((await readdir(join(base, 'data'))).sort(), ['volumes']);
    assert.equal(existsSync(join(base, 'escape')), false);
  });

  it('reloads volumes, removes crash leftovers and adopts a bare _data directory', async () => {
    const { store, root } = await newStore('vol-reopen');
    await store.create({ name: 'kept', labels: { a: 'b' }, options: { type: 'tmpfs', device: 'tmpfs' } });
    await writeFile(join(root, 'kept', '_data', 'f'), 'hello');
    await store.close();
    // What a crash in create or remove leaves, and a volume directory from another engine.
    await mkdir(join(root, '.tmp-create-0123abcd', '_data'), { recursive: true });
    await writeFile(join(root, '.tmp-create-0123abcd', '_data', 'half'), 'x');
    await mkdir(join(root, '.tmp-remove-89ab', '_data'), { recursive: true });
    await mkdir(join(root, 'legacy', '_data'), { recursive: true });
    await mkdir(join(root, 'not-a-volume'));
    await writeFile(join(root, 'metadata.db'), '');

    const again = await VolumeStore.open({ root, logger: silentLogger() });
    assert.deepEqual(
      again.list().Volumes.map((v) => v.Name),
      ['kept', 'legacy'],
    );
    assert.deepEqual(again.inspect('kept').Options, { type: 'tmpfs', device: 'tmpfs' });
    assert.deepEqual(again.inspect('kept').Labels, { a: 'b' });
    assert.equal(again.inspect('kept').CreatedAt, store.inspect('kept').CreatedAt);
    assert.equal(await readFile(join(root, 'kept', '_data', 'f'), 'utf8'), 'hello');
    assert.deepEqual((await readdir(root)).sort(), ['kept', 'legacy', 'metadata.db', 'not-a-volume']);
    assert.ok(existsSync(join(root, 'legacy', 'volume.json')), 'the adopted volume got a record');
  });

  it('refuses to remove a referenced volume with dockerd wording, then removes it', async () => {
    const { store, root, events } = await newStore('vol-remove');
    await store.create({ name: 'busy' });
    store.reference('busy', 'c1');
    store.reference('busy', 'c2');
    await assert.rejects(
      store.remove('busy'),
      rejectsWith(ConflictError, 'remove busy: volume is in use - [c1, c2]'),
    );
    assert.deepEqual(
      store.list(new Map([['dangling', ['false']]])).Volumes.map((v) => v.Name),
      ['busy'],
    );
    store.release('busy', 'c1');
    store.release('busy', 'c2');
    await store.remove('busy');
    assert.deepEqual(await readdir(root), []);
    assert.deepEqual(events.at(-1), { action: 'destroy', name: 'busy', attributes: { driver: 'local' } });
    await assert.rejects(store.remove('busy'), rejectsWith(NotFoundError, 'get busy: no such volume'));
    await store.remove('busy', { force: true });
    assert.throws(() => store.get('busy'), rejectsWith(NotFoundError, 'get busy: no such volume'));
    assert.throws(() => store.reference('busy', 'c3'), NotFoundError);
    await assert.rejects(store.remove('../x'), rejectsWith(NotFoundError, 'get ../x: no such volume'));
    // A volume directory deleted by hand can still be removed.
    await store.create({ name: 'gone' });
    await rm(join(root, 'gone'), { recursive: true });
    await store.remove('gone');
    assert.deepEqual(store.names(), []);
  });

  it('prunes unreferenced anonymous volumes, or all with all=true, reporting the bytes', async () => {
    const { store, events } = await newStore('vol-prune');
    const anon = await store.create({});
    await writeFile(join(anon.mountpoint, 'f'), Buffer.alloc(1000));
    const usedAnon = await store.create({});
    store.reference(usedAnon.name, 'c1');
    await store.create({ name: 'named' });
    await store.create({ name: 'mounted', options: { type: 'tmpfs', device: 'tmpfs' } });

    assert.deepEqual(await store.prune(), { VolumesDeleted: [anon.name], SpaceReclaimed: 1000 });
    assert.deepEqual(events.at(-1), { action: 'prune', name: '', attributes: { reclaimed: '1000' } });
    assert.deepEqual(await store.prune(new Map([['all', ['true']]])), {
      VolumesDeleted: ['named'],
      SpaceReclaimed: 0,
    });
    assert.deepEqual(store.names().sort(), ['mounted', usedAnon.name].sort());
  });

  it('reports sizes and reference counts for system df, skipping volumes with options', async () => {
    const { store } = await newStore('vol-usage');
    const a = await store.create({ name: 'a1' });
    await writeFile(join(a.mountpoint, 'x'), Buffer.alloc(300));
    await mkdir(join(a.mountpoint, 'd'));
    await writeFile(join(a.mountpoint, 'd', 'y'), Buffer.alloc(200));
    store.reference('a1', 'c1');
    await store.create({ name: 'b1', options: { type: 'tmpfs', device: 'tmpfs' } });
    const usage = await store.usage();
    assert.deepEqual(
      usage.map((v) => [v.Name, v.UsageData]),
      [['a1', { Size: 500, RefCount: 1 }]],
    );
  });

  it('mounts a tmpfs volume at first use and unmounts it after the last', async () => {
    const { store, events } = await newStore('vol-tmpfs');
    const vol = await store.create({
      name: 'scratch',
      options: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,mode=0700' },
    });
    const mounted = (): boolean => mountsUnder(vol.mountpoint).includes(vol.mountpoint);
    assert.equal(mounted(), false);
    assert.equal(
      await store.mount('scratch', 'c1', { destination: '/data', readWrite: true }),
      vol.mountpoint,
    );
    assert.equal(mounted(), true);
    assert.equal((await stat(vol.mountpoint)).mode & 0o777, 0o700);
    await writeFile(join(vol.mountpoint, 'f'), 'x');
    await store.mount('scratch', 'c2');
    await store.unmount('scratch', 'c1');
    assert.equal(mounted(), true, 'still used by c2');
    await store.unmount('scratch', 'c2');
    assert.equal(mounted(), false);
    assert.deepEqual(await readdir(vol.mountpoint), [], 'the tmpfs content went with it');
    assert.deepEqual(
      events.find((e) => e.action === 'mount'),
      {
        action: 'mount',
        name: 'scratch',
        attributes: {
          driver: 'local',
          container: 'c1',
          destination: '/data',
          'read/write': 'true',
          propagation: '',
        },
      },
    );
    assert.deepEqual(events.at(-1), {
      action: 'unmount',
      name: 'scratch',
      attributes: { driver: 'local', container: 'c2' },
    });
    assert.equal(
      events.filter((e) => e.action === 'mount').length,
      1,
      'a mount without details (docker cp) is silent',
    );

    // A plain volume is just its directory.
    const plain = await store.create({ name: 'plain' });
    assert.equal(await store.mount('plain', 'c1'), plain.mountpoint);
    assert.deepEqual(mountsUnder(plain.mountpoint), []);
    const before = events.length;
    await store.unmount('plain', 'c1', { quiet: true });
    assert.equal(events.length, before, 'a quiet unmount has no event');
  });

  it('reports a failed mount in dockerd wording', async () => {
    const { store } = await newStore('vol-badmount');
    await store.create({ name: 'bad', options: { type: 'nosuchfs', device: 'x' } });
    await assert.rejects(
      store.mount('bad', 'c1'),
      rejectsWith(
        SystemError,
        `failed to mount local volume: mount x:${store.get('bad').mountpoint}: no such device`,
      ),
    );
    await store.remove('bad');
  });

  it('binds a host directory with o=bind and never deletes through it', async () => {
    const { store, base } = await newStore('vol-bind');
    const host = join(base, 'host-dir');
    await mkdir(host);
    await writeFile(join(host, 'precious'), 'keep me');
    const vol = await store.create({ name: 'bound', options: { type: 'none', device: host, o: 'bind' } });
    await store.mount('bound', 'c1');
    assert.equal(await readFile(join(vol.mountpoint, 'precious'), 'utf8'), 'keep me');
    // Still mounted (a container is up) when it is removed: unmounted first, then deleted.
    store.release('bound', 'c1');
    await store.remove('bound');
    assert.equal(await readFile(join(host, 'precious'), 'utf8'), 'keep me');
    assert.deepEqual(mountsUnder(base), []);
  });

  it('keeps a volume mounted across a reopen (live restore) and counts it again', async () => {
    const { store, root } = await newStore('vol-restore');
    const vol = await store.create({ name: 'live', options: { type: 'tmpfs', device: 'tmpfs' } });
    await store.mount('live', 'c1');
    await store.close();
    const again = await VolumeStore.open({ root, logger: silentLogger() });
    assert.ok(mountsUnder(vol.mountpoint).includes(vol.mountpoint));
    again.restoreMount('live');
    await again.mount('live', 'c2'); // already mounted: counted, not mounted twice
    assert.equal(mountsUnder(vol.mountpoint).length, 1);
    await again.unmount('live', 'c1');
    await again.unmount('live', 'c2');
    assert.deepEqual(mountsUnder(vol.mountpoint), []);
  });

  it('serialises concurrent creates of one name', async () => {
    const { store, events } = await newStore('vol-race');
    const results = await Promise.all(Array.from({ length: 5 }, () => store.create({ name: 'same' })));
    assert.ok(results.every((r) => r.name === 'same'));
    assert.equal(events.filter((e) => e.action === 'create').length, 1);
  });
});
