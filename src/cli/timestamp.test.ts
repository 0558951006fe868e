import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getTimestamp, parseGoDuration, TimestampError } from './timestamp.js';

const now = new Date(Date.UTC(2026, 10, 29, 12, 0, 0));
const nowSeconds = Math.floor(now.getTime() / 1000);

describe('--since/--until timestamps', () => {
  it('parses Go durations', () => {
    assert.equal(parseGoDuration('10m'), 600_000);
    assert.equal(parseGoDuration('1h30m'), 5_400_000);
    assert.equal(parseGoDuration('1.5s'), 1500);
    assert.equal(parseGoDuration('300ms'), 300);
    assert.equal(parseGoDuration('10'), undefined);
    assert.equal(parseGoDuration('abc'), undefined);
  });

  it('counts durations back from now', () => {
    assert.equal(getTimestamp('10m', now), String(nowSeconds - 600));
    assert.equal(getTimestamp('1h', now), String(nowSeconds - 3600));
  });

  it('converts RFC 3339 values with a zone', () => {
    assert.equal(getTimestamp('2026-11-29T11:00:00Z', now), `${nowSeconds - 3600}.000000000`);
    assert.equal(getTimestamp('2026-11-29T12:00:00+01:00', now), `${nowSeconds - 3600}.000000000`);
    assert.equal(getTimestamp('2026-11-29T11:00:00.5Z', now), `${nowSeconds - 3600}.500000000`);
    assert.equal(getTimestamp('2026-11-29Z', now), `${nowSeconds - 12 * 3600}.000000000`);
  });

  it('reads zone-less values in local time', () => {
    const local = Math.floor(new Date(2026, 10, 29, 8, 30, 0).getTime() / 1000);
    assert.equal(getTimestamp('2026-11-29T08:30', now), `${local}.000000000`);
    assert.equal(getTimestamp('2026-11-29T08:30:00', now), `${local}.000000000`);
  });

  it('passes Unix timestamps through', () => {
    assert.equal(getTimestamp('1700000000', now), '1700000000');
    assert.equal(getTimestamp('1700000000.123', now), '1700000000.123');
    assert.equal(getTimestamp('0', now), '0');
  });

  it('rejects garbage with docker wording', () => {
    assert.throws(() => getTimestamp('yesterday', now), {
      message: 'failed to parse value as time or duration: "yesterday"',
    });
    assert.throws(() => getTimestamp('2026-13-45', now), TimestampError);
  });
});
