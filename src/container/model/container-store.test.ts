import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { setRunning } from './container-state.js';
import { ContainerStore } from './container-store.js';
import { testId, testRecord } from './record.testfixture.js';

async function newStore(label: string): Promise<ContainerStore> {
  const store = new ContainerStore(join(makeTestDirs(label).dataRoot, 'containers'));
  await store.init();
  return store;
}

describe('container store', () => {
  it('round-trips a record through config.v2.json and hostconfig.json', async () => {
    const store = await newStore('store-roundtrip');
    const record = testRecord(testId('a1'), '/web', '2026-11-29T12:00:00.123456789Z', {
      Image: 'busybox',
      Cmd: ['sh', '-c', 'echo hi'],
      Env: ['A=1'],
      Labels: { b: '2', a: '1' },
      HostConfig: { ShmSize: 1024 },
    });
    await store.create(record);
    const dir = store.dir(record.ID);
    assert.deepEqual((await readdir(dir)).sort(), ['config.v2.json', 'hostconfig.json']);
    assert.equal((await stat(dir)).mode & 0o777, 0o710);
    assert.equal((await stat(join(dir, 'config.v2.json'))).mode & 0o777, 0o600);
    const onDisk = JSON.parse(await readFile(join(dir, 'config.v2.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(onDisk.HostConfig, undefined, 'HostConfig lives in hostconfig.json');
    assert.equal(JSON.parse(await readFile(join(dir, 'hostconfig.json'), 'utf8')).ShmSize, 1024);

    setRunning(record, 99, '2026-11-29T12:00:01Z');
    await store.saveState(record);
    const loaded = await store.loadAll();
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.containers, [record]);

    record.State.RemovalInProgress = true;
    await store.saveState(record);
    const reloaded = await store.loadAll();
    assert.equal(reloaded.containers[0]?.State.RemovalInProgress, false, 'not persisted, as in Docker');
  });

  it('queues writes of one container so the last save wins', async () => {
    const store = await newStore('store-queue');
    const record = testRecord(testId('b2'), '/queue', '2026-11-29T12:00:00Z');
    await store.create(record);
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 20; i++) {
      record.RestartCount = i;
      saves.push(store.save(record));
    }
    await Promise.all(saves);
    const { containers } = await store.loadAll();
    assert.equal(containers[0]?.RestartCount, 20);
  });

  it('reports damaged or half-made containers and loads the rest', async () => {
    const store = await newStore('store-damaged');
    const good = testRecord(testId('c3'), '/good', '2026-11-29T12:00:00Z');
    await store.create(good);
    const truncated = testId('d4');
    await mkdir(store.dir(truncated));
    await writeFile(join(store.dir(truncated), 'config.v2.json'), '{"ID":"d4');
    await writeFile(join(store.dir(truncated), 'hostconfig.json'), '{}');
    const missing = testId('e5');
    await mkdir(store.dir(missing));
    await writeFile(join(store.dir(missing), 'hostconfig.json'), '{}');
    const moved = testId('f6');
    await mkdir(store.dir(moved));
    await writeFile(
      join(store.dir(moved), 'config.v2.json'),
      JSON.stringify({ ...good, HostConfig: undefined }),
    );
    await writeFile(join(store.dir(moved), 'hostconfig.json'), '{}');
    const badState = testId('a7');
    await mkdir(store.dir(badState));
    await writeFile(
      join(store.dir(badState), 'config.v2.json'),
      JSON.stringify({
        ...testRecord(badState, '/x', '2026-11-29T12:00:00Z'),
        HostConfig: undefined,
        State: { Running: 'yes' },
      }),
    );
    await writeFile(join(store.dir(badState), 'hostconfig.json'), '{}');
    await mkdir(join(store.root, 'not-an-id'));

    const { containers, problems } = await store.loadAll();
    assert.deepEqual(
      containers.map((c) => c.ID),
      [good.ID],
    );
    const reasons = Object.fromEntries(problems.map((p) => [p.id, p.reason]));
    assert.match(reasons[truncated] as string, /^config\.v2\.json: /);
    assert.equal(reasons[missing], 'missing config.v2.json');
    assert.equal(reasons[moved], `config.v2.json: container ${good.ID} is stored at ${moved}`);
    assert.equal(reasons[badState], 'config.v2.json: State.Running is not a boolean');
    assert.equal(reasons['not-an-id'], 'not a container id');
    assert.equal(problems.find((p) => p.id === missing)?.path, store.dir(missing));
  });

  it('cleans up after interrupted creates, removals and writes', async () => {
    const store = await newStore('store-leftovers');
    const record = testRecord(testId('b8'), '/kept', '2026-11-29T12:00:00Z');
    await store.create(record);
    await mkdir(join(store.root, `.creating-${testId('c9')}-0a0b0c0d`));
    await mkdir(join(store.root, `.removing-${testId('d0')}-0a0b0c0d`));
    await writeFile(join(store.dir(record.ID), '.config.v2.json.tmp-123-deadbeef'), '{"half');
    const { containers, problems } = await store.loadAll();
    assert.equal(containers.length, 1);
    assert.deepEqual(problems, []);
    assert.deepEqual(await readdir(store.root), [record.ID]);
    assert.deepEqual((await readdir(store.dir(record.ID))).sort(), ['config.v2.json', 'hostconfig.json']);
  });

  it('refuses to create over an existing container and removes durably', async () => {
    const store = await newStore('store-remove');
    const record = testRecord(testId('e1'), '/gone', '2026-11-29T12:00:00Z');
    await store.create(record);
    await assert.rejects(store.create(record), /already exists/);
    await writeFile(join(store.dir(record.ID), `${record.ID}-json.log`), 'log');
    await store.remove(record.ID);
    await store.remove(record.ID); // absent is fine
    assert.deepEqual(await readdir(store.root), []);
    await assert.rejects(
      store.save(record),
      { code: 'ENOENT' },
      'a save after removal does not resurrect it',
    );
    assert.deepEqual(await readdir(store.root), []);
  });

  it('loads nothing from a data root without containers/', async () => {
    const store = new ContainerStore(join(makeTestDirs('store-empty').dataRoot, 'containers'));
    assert.deepEqual(await store.loadAll(), { containers: [], problems: [] });
  });
});
