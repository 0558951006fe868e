/**
 * The docker cp routes over a real API server on a unix socket, with an in-test backend
 * that keeps one container's files in memory: status codes, the path-stat header, the tar
 * both ways and the query flags.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { tar } from '../../../../test/fixtures/tar-builder.js';
import { InvalidArgumentError, NotFoundError } from '../../../errors/index.js';
import type { ArchiveBackend, ArchivePutOptions, ContainerPathStat } from '../backends-archive.js';
import { request, startTestServer, type TestServer } from '../testing.js';
import { archiveRoutes, encodePathStat, PATH_STAT_HEADER } from './containers-archive.js';

const HELLO_STAT: ContainerPathStat = {
  name: 'hello.txt',
  size: 5,
  mode: 0o644,
  mtime: '2024-01-01T00:00:00Z',
  linkTarget: '',
};

interface Put {
  name: string;
  path: string;
  body: Buffer;
  options: Omit<ArchivePutOptions, 'signal'>;
}

function fakeBackend(puts: Put[]): ArchiveBackend {
  const lookup = (name: string, path: string): ContainerPathStat => {
    if (name !== 'web') throw new NotFoundError(`No such container: ${name}`);
    if (path !== '/hello.txt')
      throw new NotFoundError(`Could not find the file ${path} in container ${name}`);
    return HELLO_STAT;
  };
  return {
    stat: async (name, path) => lookup(name, path),
    get: async (name, path) => ({
      stat: lookup(name, path),
      tar: Readable.from([tar([{ type: 'file', name: 'hello.txt', content: 'hello' }])]),
    }),
    put: async (name, path, body, options) => {
      lookup(name, '/hello.txt');
      if (path === '/hello.txt') throw new InvalidArgumentError('extraction point is not a directory');
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      puts.push({
        name,
        path,
        body: Buffer.concat(chunks),
        options: { noOverwriteDirNonDir: options.noOverwriteDirNonDir, copyUIDGID: options.copyUIDGID },
      });
    },
    export: async (name) => {
      lookup(name, '/hello.txt');
      return Readable.from([tar([{ type: 'dir', name: 'etc/' }])]);
    },
  };
}

function decodeStat(header: string | string[] | undefined): unknown {
  assert.equal(typeof header, 'string');
  return JSON.parse(Buffer.from(header as string, 'base64').toString('utf8'));
}

/** A request whose body is bytes, sent chunked with text/plain as the docker CLI does. */
function putBytes(socketPath: string, path: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath, method: 'PUT', path, headers: { 'Content-Type': 'text/plain' }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.write(body.subarray(0, 100));
    req.end(body.subarray(100));
  });
}

function getBytes(
  socketPath: string,
  path: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

describe('containers archive routes', () => {
  let server: TestServer;
  const puts: Put[] = [];
  before(async () => {
    server = await startTestServer({ routes: archiveRoutes(fakeBackend(puts)) });
  });
  after(() => server.close());

  it('HEAD answers 200 with the base64 path stat', async () => {
    const res = await request(server.socketPath, 'HEAD', '/v1.47/containers/web/archive?path=%2Fhello.txt');
    assert.equal(res.status, 200);
    assert.deepEqual(decodeStat(res.headers[PATH_STAT_HEADER.toLowerCase()]), HELLO_STAT);
    assert.equal(res.body, '');
  });

  it('HEAD is a 404 for a missing path and a 400 without path', async () => {
    const missing = await request(server.socketPath, 'HEAD', '/containers/web/archive?path=/nope');
    assert.equal(missing.status, 404);
    const noPath = await request(server.socketPath, 'GET', '/containers/web/archive');
    assert.equal(noPath.status, 400);
    assert.equal(JSON.parse(noPath.body).message, "missing 'path' parameter");
  });

  it('GET sends the tar with the stat header', async () => {
    const res = await getBytes(server.socketPath, '/containers/web/archive?path=/hello.txt');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-tar');
    assert.deepEqual(decodeStat(res.headers[PATH_STAT_HEADER.toLowerCase()]), HELLO_STAT);
    assert.ok(res.body.equals(tar([{ type: 'file', name: 'hello.txt', content: 'hello' }])));
  });

  it('GET export sends the root filesystem tar', async () => {
    const res = await getBytes(server.socketPath, '/v1.47/containers/web/export');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-tar');
    assert.ok(res.body.equals(tar([{ type: 'dir', name: 'etc/' }])));
    const missing = await request(server.socketPath, 'GET', '/containers/nope/export');
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).message, 'No such container: nope');
  });

  it('GET of an unknown container is a 404 with Docker wording', async () => {
    const res = await request(server.socketPath, 'GET', '/containers/nope/archive?path=/hello.txt');
    assert.equal(res.status, 404);
    assert.equal(JSON.parse(res.body).message, 'No such container: nope');
  });

  it('PUT hands the chunked body and the flags to the backend', async () => {
    const body = tar([{ type: 'file', name: 'up.txt', content: 'uploaded' }]);
    const res = await putBytes(
      server.socketPath,
      '/v1.47/containers/web/archive?path=%2Ftmp&noOverwriteDirNonDir=true&copyUIDGID=1',
      body,
    );
    assert.equal(res.status, 200);
    const put = puts.at(-1);
    assert.equal(put?.name, 'web');
    assert.equal(put?.path, '/tmp');
    assert.ok(put?.body.equals(body));
    assert.deepEqual(put?.options, { noOverwriteDirNonDir: true, copyUIDGID: true });
    await putBytes(server.socketPath, '/containers/web/archive?path=/tmp', body);
    assert.deepEqual(puts.at(-1)?.options, { noOverwriteDirNonDir: false, copyUIDGID: false });
  });

  it('PUT into a file is a 400 with the backend message', async () => {
    const res = await putBytes(
      server.socketPath,
      '/containers/web/archive?path=/hello.txt',
      Buffer.alloc(1024),
    );
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).message, 'extraction point is not a directory');
  });

  it('encodes the stat as Go does (field order)', () => {
    const json = Buffer.from(encodePathStat(HELLO_STAT), 'base64').toString();
    assert.equal(
      json,
      '{"name":"hello.txt","size":5,"mode":420,"mtime":"2024-01-01T00:00:00Z","linkTarget":""}',
    );
  });
});
