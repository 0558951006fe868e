import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSize, humanSize } from './units.js';

describe('human sizes', () => {
  it('binary sizes like go-units BytesSize', () => {
    assert.equal(bytesSize(25_159_245_824), '23.43GiB');
    assert.equal(bytesSize(0), '0B');
    assert.equal(bytesSize(1024), '1KiB');
    assert.equal(bytesSize(512 * 1024 * 1024), '512MiB');
    assert.equal(bytesSize(1536), '1.5KiB');
    assert.equal(bytesSize(1023), '1023B');
  });

  it('decimal sizes like go-units HumanSize', () => {
    assert.equal(humanSize(7_800_000), '7.8MB');
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize(1_000), '1kB');
  });
});
