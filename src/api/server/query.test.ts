import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../errors/index.js';
import { parseBoolean, parseFilters, parseGoDuration, parseTimestamp, queryBoolean } from './query.js';

describe('parseBoolean', () => {
  it('reads the values Docker clients send', () => {
    for (const v of ['1', 'true', 'True', 'TRUE', 'yes', 'on']) assert.equal(parseBoolean(v), true, v);
    for (const v of ['', '0', 'no', 'false', 'False', 'none', ' 0 ', null, undefined])
      assert.equal(parseBoolean(v), false, String(v));
    assert.equal(queryBoolean(new URLSearchParams('all=1'), 'all'), true);
    assert.equal(queryBoolean(new URLSearchParams(''), 'all'), false);
  });
});

describe('parseFilters', () => {
  it('accepts the map shape and the legacy list shape', () => {
    assert.deepEqual(
      [...parseFilters('{"status":{"exited":true},"name":{"web":true,"db":true}}')],
      [
        ['status', ['exited']],
        ['name', ['web', 'db']],
      ],
    );
    assert.deepEqual([...parseFilters('{"status":["exited","dead"]}')], [['status', ['exited', 'dead']]]);
  });

  it('treats absent or empty filters as none', () => {
    assert.equal(parseFilters(null).size, 0);
    assert.equal(parseFilters('').size, 0);
    assert.equal(parseFilters('{}').size, 0);
  });

  it('refuses malformed JSON and wrong shapes', () => {
    for (const raw of ['{nope', '[1,2]', '"x"', '{"a":1}', '{"a":[1]}']) {
      assert.throws(() => parseFilters(raw), InvalidArgumentError, raw);
    }
  });
});

describe('parseTimestamp', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0);

  it('reads unix seconds with optional fractional nanos', () => {
    assert.equal(parseTimestamp('1700000000', now), 1700000000 * 1e9);
    assert.equal(parseTimestamp('1700000000.5', now), 1700000000 * 1e9 + 5e8);
    assert.equal(parseTimestamp('1700000000.123456789', now), 1700000000 * 1e9 + 123456789);
    assert.equal(parseTimestamp('0', now), 0);
  });

  it('reads RFC 3339 and its short forms', () => {
    assert.equal(parseTimestamp('2023-11-14T22:13:20Z', now), 1700000000 * 1e9);
    assert.equal(parseTimestamp('2023-11-14T22:13:20.25Z', now), 1700000000 * 1e9 + 25e7);
    assert.equal(parseTimestamp('2023-11-15T00:13:20+02:00', now), 1700000000 * 1e9);
    const local = new Date(2023, 10, 14).getTime() * 1e6;
    assert.equal(parseTimestamp('2023-11-14', now), local);
  });

  it('reads Go durations as "that long before now"', () => {
    assert.equal(parseGoDuration('1h30m'), 5400e9);
    assert.equal(parseGoDuration('1.5s'), 1.5e9);
    assert.equal(parseGoDuration('10'), undefined);
    assert.equal(parseTimestamp('10m', now), (now - 600_000) * 1e6);
    assert.equal(parseTimestamp('1h30m', now), (now - 5_400_000) * 1e6);
  });

  it('refuses anything else', () => {
    for (const v of ['yesterday', '12:00', '2023-13-45T99', '1.2.3']) {
      assert.throws(() => parseTimestamp(v, now), InvalidArgumentError, v);
    }
  });
});
