import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goTimestamp } from './go-time.js';

describe('goTimestamp', () => {
  it('writes times the way Go does', () => {
    assert.equal(goTimestamp(new Date('2025-01-02T03:04:05.000Z')), '2025-01-02T03:04:05Z');
    assert.equal(goTimestamp(new Date('2025-01-02T03:04:05.120Z')), '2025-01-02T03:04:05.12Z');
    assert.equal(goTimestamp(new Date('2025-01-02T03:04:05.007Z')), '2025-01-02T03:04:05.007Z');
  });
});
