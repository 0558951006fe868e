import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../errors/index.js';
import { negotiateApiVersion, stripVersionPrefix } from './version-negotiation.js';

describe('version negotiation', () => {
  it('strips a /v<version> prefix', () => {
    assert.deepEqual(stripVersionPrefix('/v1.47/containers/json'), {
      path: '/containers/json',
      requested: '1.47',
    });
    assert.deepEqual(stripVersionPrefix('/containers/json'), {
      path: '/containers/json',
      requested: undefined,
    });
    assert.deepEqual(stripVersionPrefix('/vx/_ping'), { path: '/vx/_ping', requested: undefined });
    assert.deepEqual(stripVersionPrefix('/volumes/v1'), { path: '/volumes/v1', requested: undefined });
  });

  it('defaults to 1.47 and accepts 1.24…1.47', () => {
    assert.equal(negotiateApiVersion(undefined), '1.47');
    assert.equal(negotiateApiVersion('1.24'), '1.24');
    assert.equal(negotiateApiVersion('1.47'), '1.47');
    assert.equal(negotiateApiVersion('1.9'.replace('9', '40')), '1.40');
  });

  it('refuses versions out of range with dockerd wording', () => {
    assert.throws(() => negotiateApiVersion('1.48'), {
      message: 'client version 1.48 is too new. Maximum supported API version is 1.47',
    });
    assert.throws(() => negotiateApiVersion('1.12'), InvalidArgumentError);
    assert.throws(() => negotiateApiVersion('1.'), InvalidArgumentError);
  });
});
