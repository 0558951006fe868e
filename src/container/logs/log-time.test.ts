/** Timestamps: Go's RFC3339Nano (trimmed) in the file, nine digits in the API. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoTime, parseGoTime } from '../model/go-time.js';
import { formatRfc3339NanoFixed, nowNanos, secondsToNanos } from './log-time.js';

describe('log timestamps', () => {
  const t = 1_700_000_000_123_456_700n; // 2023-11-14T22:13:20.1234567Z

  it('trims trailing zeros like Go RFC3339Nano', () => {
    assert.equal(formatGoTime(t), '2023-11-14T22:13:20.1234567Z');
    assert.equal(formatGoTime(1_700_000_000_100_000_000n), '2023-11-14T22:13:20.1Z');
    assert.equal(formatGoTime(1_700_000_000_000_000_000n), '2023-11-14T22:13:20Z');
  });

  it('always prints nine digits in the fixed form', () => {
    assert.equal(formatRfc3339NanoFixed(t), '2023-11-14T22:13:20.123456700Z');
    assert.equal(formatRfc3339NanoFixed(1_700_000_000_000_000_000n), '2023-11-14T22:13:20.000000000Z');
  });

  it('parses what it writes, and offsets', () => {
    assert.equal(parseGoTime('2023-11-14T22:13:20.1234567Z'), t);
    assert.equal(parseGoTime('2023-11-14T23:13:20.1234567+01:00'), t);
    assert.equal(parseGoTime('2023-11-14T22:13:20Z'), 1_700_000_000_000_000_000n);
    assert.equal(parseGoTime('yesterday'), undefined);
  });

  it('converts API seconds with a fraction', () => {
    assert.equal(secondsToNanos(1_700_000_000.5), 1_700_000_000_500_000_000n);
  });

  it('has nanosecond resolution close to the wall clock and never jumps back within a burst', () => {
    const samples = Array.from({ length: 1000 }, () => nowNanos());
    for (let i = 1; i < samples.length; i++) assert.ok(samples[i]! >= samples[i - 1]!);
    assert.ok(
      samples.some((s) => s % 1_000_000n !== 0n),
      'sub-millisecond digits are present',
    );
    const wall = BigInt(Date.now()) * 1_000_000n;
    const last = samples[samples.length - 1]!;
    assert.ok((last > wall ? last - wall : wall - last) < 100_000_000n);
  });
});
