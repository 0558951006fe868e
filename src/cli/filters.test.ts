import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addFilter, FilterFormatError, filtersToJson, parseFilter, type Filters } from './filters.js';

describe('filter flags', () => {
  it('parses key=value, lower-casing and trimming the key', () => {
    assert.deepEqual(parseFilter('Type=container'), ['type', 'container']);
    assert.deepEqual(parseFilter(' label = a=b '), ['label', 'a=b']);
  });

  it('rejects a flag without "="', () => {
    assert.throws(() => parseFilter('container'), FilterFormatError);
    assert.throws(() => parseFilter('container'), { message: 'bad format of filter (expected name=value)' });
  });

  it('encodes repeated flags as the Engine API filters JSON', () => {
    const f: Filters = new Map();
    for (const arg of ['type=container', 'event=start', 'event=die', 'event=start']) addFilter(f, arg);
    assert.equal(filtersToJson(f), '{"event":{"die":true,"start":true},"type":{"container":true}}');
  });

  it('omits the parameter when there are no filters', () => {
    assert.equal(filtersToJson(new Map()), undefined);
  });
});
