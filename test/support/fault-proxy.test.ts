import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { waitFor } from './wait.js';

interface RawResponse {
  status?: number;
  headers?: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the connection failed or ended before the response was complete. */
  error?: string;
}

/**
 * One request with node:http, keeping whatever arrived even when the connection breaks, so a
 * test can count the bytes a fault let through. `onData` sees the body so far.
 */
function raw(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer;
    onData?: (body: Buffer) => void;
  } = {},
): { done: Promise<RawResponse>; abort(): void } {
  const chunks: Buffer[] = [];
  const result: RawResponse = { body: Buffer.alloc(0) };
  const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, agent: false });
  const done = new Promise<RawResponse>((resolve) => {
    const finish = (error?: string): void => {
      result.body = Buffer.concat(chunks);
      if (error !== undefined && result.error === undefined) result.error = error;
      resolve(result);
    };
    req.once('error', (err) => finish(err.message));
    req.once('response', (res) => {
      result.status = res.statusCode;
      result.headers = res.headers;
      res.on('data', (d: Buffer) => {
        chunks.push(d);
        init.onData?.(Buffer.concat(chunks));
      });
      res.once('end', () => finish());
      res.once('aborted', () => finish('aborted'));
      res.once('error', (err) => finish(err.message));
      res.once('close', () => finish(res.complete ? undefined : 'closed before the end'));
    });
  });
  req.end(init.body);
  return { done, abort: () => req.destroy() };
}

/** Pushes a blob with the registry's monolithic upload (POST, then PUT ?digest=) and returns its digest. */
async function pushBlob(baseUrl: string, repo: string, blob: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
  const start = await fetch(`${baseUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202);
  const location = start.headers.get('location');
  assert.ok(location);
  const target = new URL(location, baseUrl);
  target.searchParams.set('digest', digest);
  const put = await fetch(target, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: blob,
  });
  assert.equal(put.status, 201, await put.text());
  return digest;
}

describe('fault proxy (test/support/fault-proxy.ts)', () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  const blob = randomBytes(256 * 1024);
  let blobPath = '';

  before(async () => {
    registry = await startRegistry();
    const digest = await pushBlob(registry.url, 'fault/blob', blob);
    blobPath = `/v2/fault/blob/blobs/${digest}`;
    proxy = await startFaultProxy(registry.url);
  });
  after(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  it('forwards requests and responses unchanged without rules, Range included, and records them', async () => {
    proxy.setFaults([]);
    const before = proxy.requests.length;
    const whole = await raw(`${proxy.url}${blobPath}`).done;
    assert.equal(whole.error, undefined);
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(blob));
    assert.equal(whole.headers?.['docker-content-digest'], blobPath.split('/').pop());

    const part = await raw(`${proxy.url}${blobPath}`, { headers: { range: 'bytes=10-19' } }).done;
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(blob.subarray(10, 20)));

    const seen = proxy.requests.slice(before);
    assert.deepEqual(
      seen.map((r) => [r.method, r.path, r.status]),
      [
        ['GET', blobPath, 200],
        ['GET', blobPath, 206],
      ],
    );
    assert.equal(seen[1]?.headers.range, 'bytes=10-19');
  });

  it('status: answers with the given status, body and headers for `times` requests, then forwards', async () => {
    proxy.setFaults([
      {
        path: /\/blobs\//,
        times: 1,
        fault: { kind: 'status', status: 503, body: 'busy', headers: { 'retry-after': '1' } },
      },
    ]);
    const first = await raw(`${proxy.url}${blobPath}`).done;
    assert.equal(first.status, 503);
    assert.equal(first.body.toString(), 'busy');
    assert.equal(first.headers?.['retry-after'], '1');
    const second = await raw(`${proxy.url}${blobPath}`).done;
    assert.equal(second.status, 200);
    assert.ok(second.body.equals(blob));
  });

  it('matches the method when a rule names one', async () => {
    proxy.setFaults([{ method: 'head', path: /\/blobs\//, fault: { kind: 'status', status: 404 } }]);
    assert.equal((await raw(`${proxy.url}${blobPath}`, { method: 'HEAD' }).done).status, 404);
    assert.equal((await raw(`${proxy.url}${blobPath}`).done).status, 200);
  });

  it('refuse: closes the connection without a response', async () => {
    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { kind: 'refuse' } }]);
    const res = await raw(`${proxy.url}${blobPath}`).done;
    assert.equal(res.status, undefined);
    assert.ok(res.error);
    // The rule was used up: the next request goes through.
    assert.equal((await fetch(`${proxy.url}/v2/`)).status, 200);
    assert.equal(proxy.requests.at(-1)?.status, 200);
  });

  it('drop-after: sends headers and exactly `bytes` body bytes, then drops the connection', async () => {
    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { kind: 'drop-after', bytes: 1000 } }]);
    const res = await raw(`${proxy.url}${blobPath}`).done;
    assert.equal(res.status, 200);
    assert.equal(res.headers?.['content-length'], String(blob.length));
    assert.ok(res.error, 'the response did not complete');
    assert.equal(res.body.length, 1000);
    assert.ok(res.body.equals(blob.subarray(0, 1000)));

    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { kind: 'drop-after', bytes: 0 } }]);
    const headersOnly = await raw(`${proxy.url}${blobPath}`).done;
    assert.equal(headersOnly.status, 200);
    assert.ok(headersOnly.error);
    assert.equal(headersOnly.body.length, 0);

    // fetch sees it as a failed body read, which is how a client meets it.
    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { kind: 'drop-after', bytes: 5000 } }]);
    const viaFetch = await fetch(`${proxy.url}${blobPath}`);
    await assert.rejects(viaFetch.arrayBuffer());
  });

  it('corrupt: flips exactly the byte at `atByte` and keeps the length', async () => {
    const at = 100_000;
    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { kind: 'corrupt', atByte: at } }]);
    const res = await raw(`${proxy.url}${blobPath}`).done;
    assert.equal(res.error, undefined);
    assert.equal(res.body.length, blob.length);
    const differing = [...res.body.keys()].filter((i) => res.body[i] !== blob[i]);
    assert.deepEqual(differing, [at]);
    assert.equal(res.body[at], (blob[at] ?? 0) ^ 0xff);
  });

  it('stall: sends headers and `afterBytes`, then nothing until the client gives up', async () => {
    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { kind: 'stall', afterBytes: 300 } }]);
    let received = 0;
    const req = raw(`${proxy.url}${blobPath}`, { onData: (b) => (received = b.length) });
    await waitFor('the first 300 bytes', () => received === 300);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(received, 300, 'nothing more arrives while stalled');
    req.abort();
    const res = await req.done;
    assert.equal(res.status, 200);
    assert.ok(res.error);
    assert.ok(res.body.equals(blob.subarray(0, 300)));
  });

  it('stall with ms: the whole body still arrives afterwards', async () => {
    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { kind: 'stall', afterBytes: 10, ms: 200 } }]);
    const started = Date.now();
    const res = await raw(`${proxy.url}${blobPath}`).done;
    assert.equal(res.error, undefined);
    assert.ok(res.body.equals(blob));
    assert.ok(Date.now() - started >= 190, 'the pause happened');
  });

  it('ignore-range: upstream answers 200 with the whole body', async () => {
    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { kind: 'ignore-range' } }]);
    const res = await raw(`${proxy.url}${blobPath}`, { headers: { range: 'bytes=100-' } }).done;
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(blob));
    assert.equal(proxy.requests.at(-1)?.headers.range, 'bytes=100-', 'the record keeps what the client sent');
    assert.equal(proxy.requests.at(-1)?.fault, 'ignore-range');
  });

  it('replace-body: answers 200 with another body without asking upstream', async () => {
    proxy.setFaults([
      {
        path: /\/blobs\//,
        times: 1,
        fault: { kind: 'replace-body', body: 'not the blob', contentType: 'text/x-test' },
      },
    ]);
    const res = await raw(`${proxy.url}${blobPath}`).done;
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'not the blob');
    assert.equal(res.headers?.['content-type'], 'text/x-test');
    assert.equal(res.headers?.['docker-content-digest'], undefined);
  });

  it('delay: waits, then forwards', async () => {
    proxy.setFaults([{ path: /\/blobs\//, times: 1, fault: { kind: 'delay', ms: 200 } }]);
    const started = Date.now();
    const res = await raw(`${proxy.url}${blobPath}`).done;
    assert.ok(Date.now() - started >= 190);
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(blob));
  });

  it('stop() ends stalled connections too', async () => {
    const other = await startFaultProxy(registry.url);
    other.setFaults([{ path: /\/blobs\//, fault: { kind: 'stall' } }]);
    const req = raw(`${other.url}${blobPath}`);
    await waitFor(
      'the stalled request',
      () => other.requests.length === 1 && other.requests[0]?.status === 200,
    );
    await other.stop();
    const res = await req.done;
    assert.ok(res.error);
    await assert.rejects(fetch(`${other.url}/v2/`));
  });

  it('forwards to an https upstream, Authorization included', async () => {
    const secure = await startRegistry({ tls: true, auth: { kind: 'htpasswd', users: { u: 'p' } } });
    const front = await startFaultProxy(secure.url);
    try {
      assert.equal((await fetch(`${front.url}/v2/`)).status, 401);
      const authorization = `Basic ${Buffer.from('u:p').toString('base64')}`;
      assert.equal((await fetch(`${front.url}/v2/`, { headers: { authorization } })).status, 200);
      assert.equal(front.requests.at(-1)?.headers.authorization, authorization);
    } finally {
      await front.stop();
      await secure.stop();
    }
  });

  describe('with a prefix', () => {
    let mirror: FaultProxy;
    before(async () => {
      mirror = await startFaultProxy(registry.url, { prefix: '/cache/' });
    });
    after(() => mirror?.stop());

    it('answers only below the prefix and strips it before forwarding', async () => {
      assert.equal(mirror.url, `http://${mirror.host}/cache`);
      assert.equal((await fetch(`http://${mirror.host}/v2/`)).status, 404);
      assert.equal((await fetch(`http://${mirror.host}/cachex/v2/`)).status, 404);
      assert.equal((await fetch(`${mirror.url}/v2/`)).status, 200);
      const res = await raw(`${mirror.url}${blobPath}`).done;
      assert.ok(res.body.equals(blob));
      assert.equal(mirror.requests.at(-1)?.path, `/cache${blobPath}`);
    });

    it('matches rules against the path without the prefix', async () => {
      mirror.setFaults([{ path: /^\/v2\/fault\//, times: 1, fault: { kind: 'status', status: 500 } }]);
      assert.equal((await raw(`${mirror.url}${blobPath}`).done).status, 500);
    });

    it('rewrites upload Locations to the proxy, so a whole push goes through it', async () => {
      mirror.setFaults([]);
      const other = randomBytes(5000);
      const start = await fetch(`${mirror.url}/v2/fault/pushed/blobs/uploads/`, { method: 'POST' });
      assert.equal(start.status, 202);
      const location = start.headers.get('location') ?? '';
      assert.ok(location.startsWith(`${mirror.url}/v2/fault/pushed/blobs/uploads/`), location);
      const digest = await pushBlob(mirror.url, 'fault/pushed', other);
      const puts = mirror.requests.filter((r) => r.method === 'PUT');
      assert.ok(puts.at(-1)?.path.startsWith('/cache/v2/fault/pushed/blobs/uploads/'));
      const direct = await fetch(`${registry.url}/v2/fault/pushed/blobs/${digest}`);
      assert.ok(Buffer.from(await direct.arrayBuffer()).equals(other));
    });
  });
});
