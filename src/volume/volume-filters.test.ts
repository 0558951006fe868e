import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../errors/index.js';
import { listPredicate, matchKeyValues, prunePredicate, type FilterSubject } from './volume-filters.js';

const anon: FilterSubject = {
  name: 'a'.repeat(64),
  driver: 'local',
  labels: { 'com.docker.volume.anonymous': '' },
  referenced: false,
};
const named: FilterSubject = { name: 'web-data', driver: 'local', labels: { tier: 'db' }, referenced: false };
const used: FilterSubject = { name: 'used', driver: 'local', labels: null, referenced: true };
const all = [anon, named, used];

function names(pred: (s: FilterSubject) => boolean): string[] {
  return all.filter(pred).map((s) => s.name);
}

function invalid(run: () => unknown, message: string): void {
  assert.throws(run, (err: unknown) => err instanceof InvalidArgumentError && err.message === message);
}

describe('volume list filters', () => {
  it('selects by dangling, name (exact or regexp), driver and label', () => {
    assert.deepEqual(names(listPredicate(new Map())), [anon.name, 'web-data', 'used']);
    assert.deepEqual(names(listPredicate(new Map([['dangling', ['true']]]))), [anon.name, 'web-data']);
    assert.deepEqual(names(listPredicate(new Map([['dangling', ['0']]]))), ['used']);
    assert.deepEqual(names(listPredicate(new Map([['name', ['web']]]))), ['web-data']);
    assert.deepEqual(names(listPredicate(new Map([['name', ['^u.e']]]))), ['used']);
    assert.deepEqual(names(listPredicate(new Map([['driver', ['other']]]))), []);
    assert.deepEqual(names(listPredicate(new Map([['label', ['tier=db']]]))), ['web-data']);
    assert.deepEqual(names(listPredicate(new Map([['label', ['tier=web']]]))), []);
  });

  it('refuses keys and values as dockerd does', () => {
    invalid(() => listPredicate(new Map([['label!', ['x']]])), "invalid filter 'label!'");
    invalid(() => listPredicate(new Map([['dangling', ['maybe']]])), "invalid filter 'dangling=[maybe]'");
    invalid(
      () => listPredicate(new Map([['dangling', ['true', 'false']]])),
      "invalid filter 'dangling=[false true]'",
    );
    invalid(() => listPredicate(new Map([['dangling', ['True']]])), "invalid filter 'dangling=[True]'");
  });
});

describe('volume prune filters', () => {
  it('takes only unreferenced anonymous volumes unless all=true', () => {
    assert.deepEqual(names(prunePredicate(new Map())), [anon.name]);
    assert.deepEqual(names(prunePredicate(new Map([['all', ['true']]]))), [anon.name, 'web-data']);
    assert.deepEqual(names(prunePredicate(new Map([['all', ['false']]]))), [anon.name]);
    assert.deepEqual(
      names(
        prunePredicate(
          new Map([
            ['all', ['1']],
            ['label', ['tier']],
          ]),
        ),
      ),
      ['web-data'],
    );
    assert.deepEqual(
      names(
        prunePredicate(
          new Map([
            ['all', ['1']],
            ['label!', ['tier=db']],
          ]),
        ),
      ),
      [anon.name],
    );
  });

  it('refuses bad all= values and unknown keys', () => {
    invalid(
      () => prunePredicate(new Map([['all', ['yes']]])),
      'invalid filter \'all\': strconv.ParseBool: parsing "yes": invalid syntax',
    );
    invalid(
      () => prunePredicate(new Map([['all', ['1', '0']]])),
      "invalid filter 'all=[1 0]': only one value is expected",
    );
    invalid(() => prunePredicate(new Map([['dangling', ['true']]])), "invalid filter 'dangling'");
  });

  it('matches key=value lists as filters.Args.MatchKVList', () => {
    assert.equal(matchKeyValues(undefined, null), true);
    assert.equal(matchKeyValues(['a'], null), false);
    assert.equal(matchKeyValues(['a'], { a: '' }), true);
    assert.equal(matchKeyValues(['a=1', 'b'], { a: '1', b: '2' }), true);
    assert.equal(matchKeyValues(['a=1', 'c'], { a: '1', b: '2' }), false);
  });
});
