import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { groupId, parseHost } from './hosts.js';

describe('hosts', () => {
  it('parses unix sockets, defaulting an empty path', () => {
    assert.deepEqual(parseHost('unix:///tmp/a.sock', false), { kind: 'unix', path: '/tmp/a.sock' });
    assert.deepEqual(parseHost('unix://', false), { kind: 'unix', path: '/run/lading/lading.sock' });
  });

  it('refuses TCP without TLS, naming the address', () => {
    assert.throws(() => parseHost('tcp://0.0.0.0:2375', false), {
      message:
        'refusing to listen on tcp://0.0.0.0:2375 without TLS: set "tls": true, "tlscert" and "tlskey"',
    });
  });

  it('accepts TCP with TLS', () => {
    assert.deepEqual(parseHost('tcp://127.0.0.1:2376', true), {
      kind: 'tcp',
      host: '127.0.0.1',
      port: 2376,
      url: 'tcp://127.0.0.1:2376',
    });
    assert.equal((parseHost('tcp://[::1]:1', true) as { host: string }).host, '::1');
  });

  it('rejects fd:// and unknown schemes', () => {
    assert.throws(() => parseHost('fd://', false), /not supported/);
    assert.throws(() => parseHost('http://x', false), /must start with unix:\/\/ or tcp:\/\//);
  });

  it('finds a group id in a group file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lading-group-'));
    try {
      const file = join(dir, 'group');
      await writeFile(file, 'root:x:0:\nlading:x:1234:alice\n');
      assert.equal(await groupId('lading', file), 1234);
      assert.equal(await groupId('docker', file), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
