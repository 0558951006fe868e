import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { authConfigKey, convertToHostname, HUB_AUTH_KEY } from './server-address.js';
import { encodeRegistryAuth } from './registry-auth.js';

describe('registry server addresses', () => {
  it('reduces URLs to host[:port] as docker, keeping case', () => {
    assert.equal(convertToHostname('https://Reg.example.com:5000/v2/'), 'Reg.example.com:5000');
    assert.equal(convertToHostname('http://localhost:5000'), 'localhost:5000');
    assert.equal(convertToHostname('localhost:5000/some/path'), 'localhost:5000');
    assert.equal(convertToHostname('https://[::1]:5000/v2/'), '[::1]:5000');
    assert.equal(convertToHostname('ghcr.io'), 'ghcr.io');
  });

  it('files every name of Docker Hub under its index address', () => {
    for (const name of [
      '',
      'docker.io',
      'index.docker.io',
      'registry-1.docker.io',
      'https://index.docker.io/v1/',
      'https://registry-1.docker.io',
      'https://index.docker.io/v2/',
    ]) {
      assert.equal(authConfigKey(name), HUB_AUTH_KEY, name);
    }
    assert.equal(authConfigKey('https://ghcr.io/v2/'), 'ghcr.io');
    assert.equal(authConfigKey('localhost:5000'), 'localhost:5000');
    assert.equal(authConfigKey('docker.io.example.com'), 'docker.io.example.com');
  });

  it('encodes X-Registry-Auth byte for byte as docker (base64url, padded)', () => {
    assert.equal(encodeRegistryAuth({}), 'e30=');
    // What docker 28 sent for stored credentials of localhost:5000.
    assert.equal(
      encodeRegistryAuth({ serveraddress: 'localhost:5000', password: 'pw', username: 'bob' }),
      'eyJ1c2VybmFtZSI6ImJvYiIsInBhc3N3b3JkIjoicHciLCJzZXJ2ZXJhZGRyZXNzIjoibG9jYWxob3N0OjUwMDAifQ==',
    );
    const token = encodeRegistryAuth({ identitytoken: 'a?b>c', serveraddress: HUB_AUTH_KEY });
    assert.doesNotMatch(token, /[+/]/);
    assert.deepEqual(JSON.parse(Buffer.from(token, 'base64url').toString()), {
      serveraddress: HUB_AUTH_KEY,
      identitytoken: 'a?b>c',
    });
  });
});
