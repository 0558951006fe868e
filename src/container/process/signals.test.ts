import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../errors/index.js';
import { parseSignal, signalName } from './signals.js';

describe('parseSignal', () => {
  it('accepts names in any case, with or without SIG, and numbers', () => {
    assert.equal(parseSignal('SIGKILL'), 9);
    assert.equal(parseSignal('kill'), 9);
    assert.equal(parseSignal('sigterm'), 15);
    assert.equal(parseSignal('15'), 15);
    assert.equal(parseSignal('SIGRTMIN+3'), 37);
    assert.equal(parseSignal('RTMAX-1'), 63);
  });

  for (const bad of ['0', 'SIGFOO', '', '65', 'RTMIN+16', '-9']) {
    it(`refuses ${JSON.stringify(bad)} with Docker's wording`, () => {
      assert.throws(
        () => parseSignal(bad),
        (err: unknown) => {
          assert.ok(err instanceof InvalidArgumentError);
          assert.equal(err.message, `invalid signal: ${bad}`);
          return true;
        },
      );
    });
  }

  it('names signals as Docker prints them', () => {
    assert.equal(signalName(15), 'SIGTERM');
    assert.equal(signalName(6), 'SIGABRT');
    assert.equal(signalName(99), '99');
  });
});
