import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialsOf, registryOfServerAddress } from './distribution-service.js';

describe('distribution service: credentials', () => {
  it('reads X-Registry-Auth fields as the registry client’s credentials', () => {
    assert.equal(credentialsOf(undefined), undefined);
    assert.equal(credentialsOf({}), undefined);
    assert.deepEqual(credentialsOf({ username: 'u', password: 'p' }), {
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    const auth = Buffer.from('alice:se:cret').toString('base64');
    assert.deepEqual(credentialsOf({ auth }), { kind: 'basic', username: 'alice', password: 'se:cret' });
    assert.deepEqual(credentialsOf({ username: 'u', identitytoken: 't' }), {
      kind: 'identity-token',
      token: 't',
    });
    assert.deepEqual(credentialsOf({ registrytoken: 'r' }), { kind: 'registry-token', token: 'r' });
  });

  it('maps docker login’s server address to a registry', () => {
    assert.equal(registryOfServerAddress(undefined), 'docker.io');
    assert.equal(registryOfServerAddress('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(registryOfServerAddress('127.0.0.1:5000'), '127.0.0.1:5000');
    assert.equal(registryOfServerAddress('http://127.0.0.1:5000/'), '127.0.0.1:5000');
    assert.equal(registryOfServerAddress('https://ghcr.io'), 'ghcr.io');
  });
});
