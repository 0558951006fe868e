import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../../errors/index.js';
import type { ImageInspect } from '../../types/index.js';
import type { ImagesBackend } from '../backends.js';
import { request, startTestServer, type TestServer } from '../testing.js';
import { imagesRoutes } from './images.js';
import { systemCheckRoutes, systemDfRoutes } from './system-df.js';

/** Records what each call received; answers just enough for the router's part. */
function fakeBackend(calls: unknown[][]): ImagesBackend {
  const notFound = (name: string) => new NotFoundError(`No such image: ${name}`);
  return {
    list: async (o) => (calls.push(['list', o.all, [...o.filters], o.apiVersion]), []),
    inspect: async (name) => {
      calls.push(['inspect', name]);
      if (name === 'missing') throw notFound('missing:latest');
      return { Id: 'sha256:x' } as ImageInspect;
    },
    history: async (name) => (calls.push(['history', name]), []),
    tag: async (name, repo, tag) => void calls.push(['tag', name, repo, tag]),
    remove: async (name, o) => (calls.push(['remove', name, o]), [{ Untagged: name }]),
    prune: async (filters) => (
      calls.push(['prune', [...filters]]),
      { ImagesDeleted: null, SpaceReclaimed: 0 }
    ),
    save: async (names) => {
      calls.push(['save', names]);
      if (names.includes('missing')) throw notFound('missing:latest');
      return Readable.from([Buffer.from('tar bytes')]);
    },
    load: async (body, o, progress) => {
      let size = 0;
      for await (const chunk of body) size += (chunk as Buffer).length;
      calls.push(['load', size, o.quiet]);
      if (size === 0) throw new InvalidArgumentError('invalid archive: empty');
      progress({ stream: 'Loaded image: x:latest\n' });
    },
    import: async (body, r, progress) => {
      for await (const _ of body) void _;
      calls.push(['import', r.source, r.repo, r.tag, r.message, r.changes]);
      progress({ status: 'sha256:abc' });
    },
  };
}

describe('images routes', () => {
  let server: TestServer;
  const calls: unknown[][] = [];

  before(async () => {
    server = await startTestServer({
      routes: [
        ...imagesRoutes(fakeBackend(calls)),
        ...systemDfRoutes({
          df: async () => ({ LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] }),
        }),
        ...systemCheckRoutes({ check: async (o) => ({ Problems: [], Repaired: o.repair }) }),
      ],
    });
  });
  after(() => server.close());

  const last = () => calls[calls.length - 1];

  it('matches names with slashes and colons greedily', async () => {
    const res = await request(server.socketPath, 'GET', '/v1.47/images/localhost:5000/a/b:tag/json');
    assert.equal(res.status, 200);
    assert.deepEqual(last(), ['inspect', 'localhost:5000/a/b:tag']);
    await request(server.socketPath, 'GET', '/images/sha256%3Aabc/history');
    assert.deepEqual(last(), ['history', 'sha256:abc']);
    await request(server.socketPath, 'DELETE', '/v1.47/images/user/app:v1?force=1&noprune=1');
    assert.deepEqual(last(), ['remove', 'user/app:v1', { force: true, prune: false }]);
    const tagged = await request(server.socketPath, 'POST', '/v1.47/images/busybox/tag?repo=user/app&tag=v2');
    assert.equal(tagged.status, 201);
    assert.deepEqual(last(), ['tag', 'busybox', 'user/app', 'v2']);
  });

  it('keeps the fixed paths apart from image names', async () => {
    await request(
      server.socketPath,
      'GET',
      '/v1.47/images/json?all=1&filters=%7B%22dangling%22%3A%7B%22true%22%3Atrue%7D%7D',
    );
    assert.deepEqual(last(), ['list', true, [['dangling', ['true']]], '1.47']);
    await request(
      server.socketPath,
      'POST',
      '/v1.47/images/prune?filters=%7B%22dangling%22%3A%5B%22false%22%5D%7D',
    );
    assert.deepEqual(last(), ['prune', [['dangling', ['false']]]]);
    const df = await request(server.socketPath, 'GET', '/v1.47/system/df');
    assert.deepEqual(JSON.parse(df.body).Volumes, []);
    const check = await request(server.socketPath, 'POST', '/lading/system/check?repair=1');
    assert.deepEqual(JSON.parse(check.body), { Problems: [], Repaired: true });
  });

  it('answers 404 in Docker’s words with exactly application/json', async () => {
    const res = await request(server.socketPath, 'GET', '/v1.47/images/missing/json');
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body), { message: 'No such image: missing:latest' });
    const save = await request(server.socketPath, 'GET', '/v1.47/images/get?names=busybox&names=missing');
    assert.equal(save.status, 404);
  });

  it('streams save as a tar', async () => {
    const res = await request(server.socketPath, 'GET', '/v1.47/images/get?names=a&names=b:1');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-tar');
    assert.equal(res.body, 'tar bytes');
    assert.deepEqual(last(), ['save', ['a', 'b:1']]);
    await request(server.socketPath, 'GET', '/v1.47/images/a/b/get');
    assert.deepEqual(last(), ['save', ['a/b']]);
  });

  it('load answers a JSON stream; a failure after the start travels in it', async () => {
    const ok = await request(server.socketPath, 'POST', '/v1.47/images/load?quiet=1', { body: 'archive' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['content-type'], 'application/json');
    assert.equal(ok.body, '{"stream":"Loaded image: x:latest\\n"}\r\n');
    assert.deepEqual(last(), ['load', 7, true]);
    const bad = await request(server.socketPath, 'POST', '/v1.47/images/load', { body: '' });
    assert.equal(bad.status, 200);
    assert.deepEqual(JSON.parse(bad.body), {
      errorDetail: { message: 'invalid archive: empty' },
      error: 'invalid archive: empty',
    });
  });

  it('imports from the body; refuses URLs and (for now) pulls', async () => {
    const res = await request(
      server.socketPath,
      'POST',
      '/v1.47/images/create?fromSrc=-&repo=imp&tag=1&message=m&changes=CMD%20x&changes=ENV%20a%3Db',
      { body: 'rootfs' },
    );
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"status":"sha256:abc"}\r\n');
    assert.deepEqual(last(), ['import', '-', 'imp', '1', 'm', ['CMD x', 'ENV a=b']]);
    const url = await request(server.socketPath, 'POST', '/v1.47/images/create?fromSrc=http://x/y.tar');
    assert.equal(url.status, 400);
    const pull = await request(
      server.socketPath,
      'POST',
      '/v1.47/images/create?fromImage=busybox&tag=latest',
    );
    assert.equal(pull.status, 501);
  });
});
