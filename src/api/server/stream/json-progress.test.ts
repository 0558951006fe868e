import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SystemError } from '../../../errors/index.js';
import { request, startTestServer, type TestServer } from '../testing.js';
import { formatProgress, humanSize, startJsonProgress } from './json-progress.js';

describe('json progress', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      routes: [
        {
          method: 'POST',
          path: '/images/create',
          handler: ({ res }) => {
            const out = startJsonProgress(res);
            out.write({ status: 'Pulling from library/alpine', id: 'latest' });
            out.progress('abcdef012345', 'Downloading', { current: 1_200_000, total: 3_400_000 });
            out.writeError(new SystemError('connection reset'));
            out.end();
          },
        },
      ],
    });
  });
  after(() => t.close());

  it('streams one JSON object per CRLF-terminated line, errors with both fields', async () => {
    const res = await request(t.socketPath, 'POST', '/v1.47/images/create?fromImage=alpine');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.ok(res.body.endsWith('\r\n'));
    const lines = res.body
      .split('\r\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0], { status: 'Pulling from library/alpine', id: 'latest' });
    assert.equal(lines[1].progressDetail.current, 1_200_000);
    assert.match(lines[1].progress, /^\[=+>\s+\]\s+1\.2MB\/3\.4MB$/);
    assert.deepEqual(lines[2], { errorDetail: { message: 'connection reset' }, error: 'connection reset' });
  });

  it('formats sizes and bars like docker', () => {
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize(3_402_000), '3.402MB');
    assert.equal(humanSize(12_345), '12.35kB');
    assert.equal(formatProgress({}), '');
    assert.equal(formatProgress({ current: 1000 }), '     1kB');
    const half = formatProgress({ current: 50, total: 100 });
    assert.equal(half, `[${'='.repeat(25)}>${' '.repeat(25)}]      50B/100B`);
    const full = formatProgress({ current: 100, total: 100 });
    assert.equal(full, `[${'='.repeat(50)}>]     100B/100B`);
  });
});
