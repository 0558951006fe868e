import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../../errors/index.js';
import type { Volume, VolumeCreateRequest } from '../../types/index.js';
import type { VolumesBackend } from '../backends-volumes.js';
import { request, startTestServer, type TestServer } from '../testing.js';
import { volumesRoutes } from './volumes.js';

function volume(name: string, labels: Record<string, string> | null = null): Volume {
  return {
    CreatedAt: '2026-11-29T19:30:00Z',
    Driver: 'local',
    Labels: labels,
    Mountpoint: `/var/lib/lading/volumes/${name}/_data`,
    Name: name,
    Options: null,
    Scope: 'local',
  };
}

/** Records what the router passed and answers like the store would. */
class RecordingBackend implements VolumesBackend {
  readonly calls: unknown[] = [];
  readonly volumes = new Map<string, Volume>([['data', volume('data')]]);

  async list(filters: Map<string, string[]>) {
    this.calls.push(['list', Object.fromEntries(filters)]);
    if (filters.has('bogus')) throw new InvalidArgumentError("invalid filter 'bogus'");
    return { Volumes: [...this.volumes.values()], Warnings: null };
  }

  async create(req: VolumeCreateRequest) {
    this.calls.push(['create', req]);
    const name = req.Name ?? 'f'.repeat(64);
    const created = volume(name, req.Labels ?? null);
    this.volumes.set(name, created);
    return created;
  }

  async inspect(name: string) {
    const found = this.volumes.get(name);
    if (!found) throw new NotFoundError(`get ${name}: no such volume`);
    return found;
  }

  async remove(name: string, options: { force: boolean }) {
    this.calls.push(['remove', name, options]);
    if (name === 'busy') throw new ConflictError('remove busy: volume is in use - [abc]');
    if (!this.volumes.delete(name) && !options.force) throw new NotFoundError(`get ${name}: no such volume`);
  }

  async prune(filters: Map<string, string[]>) {
    this.calls.push(['prune', Object.fromEntries(filters)]);
    return { VolumesDeleted: ['x1'], SpaceReclaimed: 12 };
  }
}

describe('/volumes routes', () => {
  let t: TestServer;
  const backend = new RecordingBackend();

  before(async () => {
    t = await startTestServer({ routes: volumesRoutes(backend) });
  });
  after(() => t.close());

  it('lists with parsed filters, and refuses a bad one with 400', async () => {
    const filters = encodeURIComponent(JSON.stringify({ dangling: { true: true }, label: ['a=b'] }));
    const res = await request(t.socketPath, 'GET', `/v1.47/volumes?filters=${filters}`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { Volumes: [volume('data')], Warnings: null });
    assert.deepEqual(backend.calls.at(-1), ['list', { dangling: ['true'], label: ['a=b'] }]);
    const bad = await request(
      t.socketPath,
      'GET',
      `/volumes?filters=${encodeURIComponent('{"bogus":["1"]}')}`,
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(JSON.parse(bad.body), { message: "invalid filter 'bogus'" });
  });

  it('creates with 201 from a typed body, an empty body meaning an anonymous volume', async () => {
    const res = await request(t.socketPath, 'POST', '/v1.47/volumes/create', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Name: 'web', Driver: 'local', DriverOpts: {}, Labels: { a: 'b' }, Extra: 1 }),
    });
    assert.equal(res.status, 201);
    assert.equal(JSON.parse(res.body).Name, 'web');
    assert.deepEqual(backend.calls.at(-1), [
      'create',
      { Name: 'web', Driver: 'local', DriverOpts: {}, Labels: { a: 'b' } },
    ]);

    const empty = await request(t.socketPath, 'POST', '/volumes/create');
    assert.equal(empty.status, 201);
    assert.deepEqual(backend.calls.at(-1), ['create', {}]);

    const wrong = await request(t.socketPath, 'POST', '/volumes/create', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Labels: ['a'] }),
    });
    assert.equal(wrong.status, 400);
    assert.match(
      JSON.parse(wrong.body).message,
      /cannot unmarshal array into Go struct field CreateOptions.Labels/,
    );

    const swarm = await request(t.socketPath, 'POST', '/v1.47/volumes/create', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ClusterVolumeSpec: {} }),
    });
    assert.equal(swarm.status, 503);
  });

  it('inspects and removes by name with dockerd statuses', async () => {
    const found = await request(t.socketPath, 'GET', '/v1.47/volumes/data');
    assert.equal(found.status, 200);
    assert.deepEqual(JSON.parse(found.body), volume('data'));
    const missing = await request(t.socketPath, 'GET', '/v1.47/volumes/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body), { message: 'get nope: no such volume' });

    const busy = await request(t.socketPath, 'DELETE', '/v1.47/volumes/busy');
    assert.equal(busy.status, 409);
    assert.deepEqual(JSON.parse(busy.body), { message: 'remove busy: volume is in use - [abc]' });
    const removed = await request(t.socketPath, 'DELETE', '/v1.47/volumes/data');
    assert.equal(removed.status, 204);
    assert.equal(removed.body, '');
    assert.equal((await request(t.socketPath, 'DELETE', '/v1.47/volumes/data')).status, 404);
    assert.equal((await request(t.socketPath, 'DELETE', '/v1.47/volumes/data?force=1')).status, 204);
    assert.deepEqual(backend.calls.at(-1), ['remove', 'data', { force: true }]);
  });

  it('prunes, adding all=true for clients older than API 1.42', async () => {
    const res = await request(t.socketPath, 'POST', '/v1.47/volumes/prune');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { VolumesDeleted: ['x1'], SpaceReclaimed: 12 });
    assert.deepEqual(backend.calls.at(-1), ['prune', {}]);
    await request(
      t.socketPath,
      'POST',
      `/v1.41/volumes/prune?filters=${encodeURIComponent('{"label":{"a":true}}')}`,
    );
    assert.deepEqual(backend.calls.at(-1), ['prune', { label: ['a'], all: ['true'] }]);
  });
});
