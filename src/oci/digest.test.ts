import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Digester,
  InvalidDigestError,
  digestFromHex,
  digestHex,
  isDigest,
  parseDigest,
  sha256Digest,
} from './digest.js';

const EMPTY = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('digest', () => {
  it('hashes a buffer and a string alike', () => {
    assert.equal(sha256Digest(Buffer.alloc(0)), EMPTY);
    assert.equal(sha256Digest('abc'), sha256Digest(Buffer.from('abc')));
  });

  it('accepts only sha256 with 64 lowercase hex digits', () => {
    assert.equal(parseDigest(EMPTY), EMPTY);
    assert.ok(isDigest(EMPTY));
    for (const bad of [
      '',
      'sha256',
      'sha512:' + 'a'.repeat(128),
      'sha256:' + 'A'.repeat(64),
      'sha256:abc',
      'sha256:' + 'g'.repeat(64),
      'sha256:../' + 'a'.repeat(61),
    ]) {
      assert.equal(isDigest(bad), false, bad);
      assert.throws(() => parseDigest(bad), InvalidDigestError, bad);
    }
  });

  it('says why a digest is invalid', () => {
    assert.throws(() => parseDigest('md5:abc'), /unsupported algorithm "md5"/);
    assert.throws(() => parseDigest('sha256:abc'), /expected 64 hex digits, got 3/);
    assert.throws(() => parseDigest('nocolon'), /expected "<algorithm>:<hex>"/);
  });

  it('splits and joins the hex part', () => {
    const d = parseDigest(EMPTY);
    assert.equal(digestFromHex(digestHex(d)), d);
  });

  it('streams to the same digest and counts bytes', () => {
    const digester = new Digester();
    digester.update(Buffer.from('ab')).update(Buffer.from('c'));
    assert.equal(digester.size, 3);
    assert.equal(digester.digest(), sha256Digest('abc'));
    assert.equal(digester.digest(), sha256Digest('abc'));
    assert.throws(() => digester.update(Buffer.from('x')));
  });
});
