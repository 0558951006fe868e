import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoDuration } from './go-duration.js';
import { goCleanPath, goJoinPath, goQuote, goTrimSpace, isGoSpace } from './go-text.js';
import { suggest } from './suggest.js';

describe('Go text rules', () => {
  it('goQuote quotes as strconv.Quote', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('tab\there\n'), '"tab\\there\\n"');
    assert.equal(goQuote('\x00\x7f'), '"\\x00\\x7f"');
    assert.equal(goQuote('안녕'), '"안녕"');
  });

  it('isGoSpace and goTrimSpace follow unicode.IsSpace', () => {
    assert.equal(isGoSpace('\u0085'), true);
    assert.equal(isGoSpace('\uFEFF'), false);
    assert.equal(goTrimSpace('\u00a0 a b\t\n'), 'a b');
  });

  it('goCleanPath and goJoinPath follow path.Clean and path.Join', () => {
    const cases: [string, string][] = [
      ['', '.'],
      ['/', '/'],
      ['//a//b/', '/a/b'],
      ['/../a', '/a'],
      ['a/../..', '..'],
      ['./a/./b/..', 'a'],
    ];
    for (const [input, expected] of cases) assert.equal(goCleanPath(input), expected, input);
    assert.equal(goJoinPath('/', '', 'a'), '/a');
    assert.equal(goJoinPath('/', '/x/', '../y'), '/y');
  });
});

describe('parseGoDuration', () => {
  it('reads Go durations in nanoseconds', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['1s', 1e9],
      ['1.5h', 5400e9],
      ['1h2m3s', 3723e9],
      ['100ms', 100e6],
      ['10us', 10e3],
      ['10µs', 10e3],
      ['7ns', 7],
      ['.5s', 0.5e9],
      ['-2m', -120e9],
    ];
    for (const [input, ns] of cases) assert.equal(parseGoDuration(input), ns, input);
  });

  it('fails with Go messages', () => {
    assert.throws(() => parseGoDuration(''), { message: 'time: invalid duration ""' });
    assert.throws(() => parseGoDuration('s'), { message: 'time: invalid duration "s"' });
    assert.throws(() => parseGoDuration('1'), { message: 'time: missing unit in duration "1"' });
    assert.throws(() => parseGoDuration('1d'), { message: 'time: unknown unit "d" in duration "1d"' });
  });
});

describe('suggest', () => {
  it('offers the closest option within two edits, matching case when asked', () => {
    assert.equal(suggest('FORM', ['FROM', 'RUN'], false), 'FROM');
    assert.equal(suggest('entrypont', ['ENTRYPOINT', 'RUN'], false), 'entrypoint');
    assert.equal(suggest('Xyzzy', ['FROM', 'RUN'], false), undefined);
    assert.equal(suggest('from', ['from', 'chown'], true), undefined);
    assert.equal(suggest('chwn', ['from', 'chown'], true), 'chown');
  });
});
