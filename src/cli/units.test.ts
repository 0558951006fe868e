import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSize, formatGoG, humanDuration, humanSize, humanSizeWithPrecision, timeAgo } from './units.js';

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
    assert.equal(humanSize(1_982_256), '1.982MB');
  });

  it('three digits for images and history', () => {
    assert.equal(humanSizeWithPrecision(4_261_550, 3), '4.26MB');
    assert.equal(humanSizeWithPrecision(1_982_256, 3), '1.98MB');
    assert.equal(humanSizeWithPrecision(0, 3), '0B');
    assert.equal(humanSizeWithPrecision(6, 3), '6B');
    assert.equal(humanSizeWithPrecision(77_800_000_000, 3), '77.8GB');
  });

  it("formats like Go's %g: ties to even, Go's exponent form", () => {
    assert.equal(formatGoG(1.125, 3), '1.12');
    assert.equal(formatGoG(1.135, 3), '1.14'); // not a tie in binary
    assert.equal(formatGoG(999.5, 3), '1e+03');
    assert.equal(formatGoG(123456, 4), '1.235e+05');
    assert.equal(formatGoG(0.00001234, 3), '1.23e-05');
    assert.equal(formatGoG(0.5, 3), '0.5');
    assert.equal(formatGoG(-1, 4), '-1');
    assert.equal(humanSizeWithPrecision(1125, 3), '1.12kB');
    assert.equal(humanSizeWithPrecision(999_500, 3), '1e+03kB');
  });
});

describe('human durations', () => {
  const s = 1000;
  it('matches go-units HumanDuration', () => {
    assert.equal(humanDuration(0), 'Less than a second');
    assert.equal(humanDuration(-5 * s), 'Less than a second');
    assert.equal(humanDuration(1 * s), '1 second');
    assert.equal(humanDuration(59 * s), '59 seconds');
    assert.equal(humanDuration(60 * s), 'About a minute');
    assert.equal(humanDuration(119 * s), 'About a minute');
    assert.equal(humanDuration(45 * 60 * s), '45 minutes');
    assert.equal(humanDuration(90 * 60 * s), '2 hours');
    assert.equal(humanDuration(47 * 3600 * s), '47 hours');
    assert.equal(humanDuration(3 * 86400 * s), '3 days');
    assert.equal(humanDuration(15 * 86400 * s), '2 weeks');
    assert.equal(humanDuration(70 * 86400 * s), '2 months');
    assert.equal(humanDuration(800 * 86400 * s), '2 years');
  });

  it('says "ago" from a Unix time', () => {
    assert.equal(timeAgo(1_000_000, 1_000_000_000 + 14 * 86_400_000), '2 weeks ago');
  });
});
