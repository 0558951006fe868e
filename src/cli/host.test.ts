import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HOST, HostError, parseHost, resolveHost } from './host.js';

describe('host resolution', () => {
  it('prefers -H, then LADING_HOST, then DOCKER_HOST, then the default', () => {
    const env = { LADING_HOST: 'unix:///lading.sock', DOCKER_HOST: 'unix:///docker.sock' };
    assert.equal(resolveHost(['tcp://1.2.3.4:2375'], env), 'tcp://1.2.3.4:2375');
    assert.equal(resolveHost([], env), 'unix:///lading.sock');
    assert.equal(resolveHost([], { DOCKER_HOST: 'unix:///docker.sock' }), 'unix:///docker.sock');
    assert.equal(resolveHost([], {}), DEFAULT_HOST);
    assert.equal(resolveHost([], { LADING_HOST: '', DOCKER_HOST: '' }), DEFAULT_HOST);
    assert.equal(DEFAULT_HOST, 'unix:///run/lading/lading.sock');
  });

  it('refuses more than one -H, as docker', () => {
    assert.throws(() => resolveHost(['a', 'b'], {}), { message: 'Specify only one -H' });
  });
});

describe('host parsing', () => {
  it('unix sockets', () => {
    assert.deepEqual(parseHost('unix:///run/x.sock'), {
      kind: 'unix',
      socketPath: '/run/x.sock',
      url: 'unix:///run/x.sock',
    });
    assert.deepEqual(parseHost('unix://'), {
      kind: 'unix',
      socketPath: '/run/lading/lading.sock',
      url: 'unix:///run/lading/lading.sock',
    });
    assert.equal(parseHost('/tmp/a.sock').kind, 'unix');
    assert.equal(parseHost('').url, DEFAULT_HOST);
  });

  it('tcp with defaults like docker', () => {
    assert.deepEqual(parseHost('tcp://10.0.0.1:2375'), {
      kind: 'tcp',
      host: '10.0.0.1',
      port: 2375,
      tls: false,
      url: 'tcp://10.0.0.1:2375',
    });
    assert.equal(parseHost('tcp://example.com').url, 'tcp://example.com:2375');
    assert.equal(parseHost('tcp://example.com', true).url, 'tcp://example.com:2376');
    assert.equal(parseHost('tcp://:1234').url, 'tcp://localhost:1234');
    assert.equal(parseHost('example.com:99').url, 'tcp://example.com:99');
    assert.equal(parseHost('tcp://[::1]:2375').url, 'tcp://[::1]:2375');
  });

  it('rejects what it cannot reach', () => {
    assert.throws(() => parseHost('ssh://user@host'), HostError);
    assert.throws(() => parseHost('tcp://host:notaport'), /invalid bind address format/);
    assert.throws(() => parseHost('bogus://x'), /invalid bind address format: bogus:\/\/x/);
  });
});
