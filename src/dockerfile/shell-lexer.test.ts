import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../errors/index.js';
import { envFromList, expandWord, expandWords } from './shell-lexer.js';

// buildkit's lexer behaviour table (shell/envVarTest), Linux rows: input → result, or null
// where buildkit fails.
const ENV = envFromList(['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL=']);
const SINGLE_WORD: [string, string | null][] = [
  ['hello', 'hello'],
  ["he'll'o", 'hello'],
  ["he'llo", null],
  ["he\\'llo", "he'llo"],
  ["he\\\\'llo", null],
  ['abc\\tdef', 'abctdef'],
  ['"abc\\tdef"', 'abc\\tdef'],
  ['"abc\\\\tdef"', 'abc\\tdef'],
  ["'abc\\tdef'", 'abc\\tdef'],
  ['hello\\', 'hello'],
  ['hello\\\\', 'hello\\'],
  ['"hello', null],
  ['"hello\\"', null],
  ['"hel\'lo"', "hel'lo"],
  ["'hello", null],
  ["'hello\\'", 'hello\\'],
  ["'hello\\there'", 'hello\\there'],
  ["'hello\\\\there'", 'hello\\\\there'],
  ['"\'\'"', "''"],
  ['$.', '$.'],
  ['he$1x', 'hex'],
  ['he$.x', 'he$.x'],
  ['he$pwd.', 'he.'],
  ['he$PWD', 'he/home'],
  ['he\\$PWD', 'he$PWD'],
  ['he\\\\$PWD', 'he\\/home'],
  ['"he\\$PWD"', 'he$PWD'],
  ['"he\\\\$PWD"', 'he\\/home'],
  ['\\${}', '${}'],
  ['\\${}aaa', '${}aaa'],
  ['he\\${}', 'he${}'],
  ['he\\${}xx', 'he${}xx'],
  ['${}', null],
  ['${}aaa', null],
  ['he${}', null],
  ['he${}xx', null],
  ['he${hi}', 'he'],
  ['he${hi}xx', 'hexx'],
  ['he${PWD}', 'he/home'],
  ['he${.}', null],
  ['he${XXX:-000}xx', 'he000xx'],
  ['he${PWD:-000}xx', 'he/homexx'],
  ['he${XXX:-$PWD}xx', 'he/homexx'],
  ['he${XXX:-${PWD:-yyy}}xx', 'he/homexx'],
  ['he${XXX:-${YYY:-yyy}}xx', 'heyyyxx'],
  ['he${XXX:YYY}', null],
  ['he${XXX?}', null],
  ['he${XXX:?}', null],
  ['he${PWD?}', 'he/home'],
  ['he${PWD:?}', 'he/home'],
  ['he${NULL?}', 'he'],
  ['he${NULL:?}', null],
  ['he${XXX:+${PWD}}xx', 'hexx'],
  ['he${PWD:+${XXX}}xx', 'hexx'],
  ['he${PWD:+${SHELL}}xx', 'hebashxx'],
  ['he${XXX:+000}xx', 'hexx'],
  ['he${PWD:+000}xx', 'he000xx'],
  ["'he${XX}'", 'he${XX}'],
  ['"he${PWD}"', 'he/home'],
  ['"he\'$PWD\'"', "he'/home'"],
  ['"$PWD"', '/home'],
  ["'$PWD'", '$PWD'],
  ["'\\$PWD'", '\\$PWD'],
  ['\'"hello"\'', '"hello"'],
  ["'he\\$PWD'", 'he\\$PWD'],
  ['he${PWD', null],
  ['he${PWD:=000}xx', null],
  ['he${PWD:+${PWD}:}xx', 'he/home:xx'],
  ['he${XXX:-\\$PWD:}xx', 'he$PWD:xx'],
  ['he${XXX:-\\${PWD}z}xx', 'he${PWDz}xx'],
  ['안녕하세요', '안녕하세요'],
  ["안'녕'하세요", '안녕하세요'],
  ["안'녕하세요", null],
  ['안녕\\t하세요', '안녕t하세요'],
  ['"안녕\\t하세요"', '안녕\\t하세요'],
  ['안녕$PWD', '안녕/home'],
  ['안녕${XXX:-${YYY:-yyy}}xx', '안녕yyyxx'],
  ['$KOREAN', '한국어'],
  ['안녕$KOREAN', '안녕한국어'],
  ['${{aaa}', null],
  ['${aaa}}', '}'],
  ['${aaa', null],
  ['${{aaa:-bbb}', null],
  ['${aaa:-bbb}}', 'bbb}'],
  ['${aaa:-bbb', null],
  ['${aaa:-bbb}', 'bbb'],
  ['${aaa:-${bbb:-ccc}}', 'ccc'],
  ['${aaa:-bbb ${foo}', null],
  ['${aaa:-bbb {foo}', 'bbb {foo'],
  ['${:}', null],
  ['${:-bbb}', null],
  ['${:+bbb}', null],
  // Positional and special parameters are never set.
  ['$1', ''],
  ['${1}', ''],
  ['${1:+bbb}', ''],
  ['${1:-bbb}', 'bbb'],
  ['$999aaa', 'aaa'],
  ['${999:-bbb}aaa', 'bbbaaa'],
  ['$001aaa', 'aaa'],
  ['$@', ''],
  ['$@@@', '@@'],
  ['${@:-bbb}aaa', 'bbbaaa'],
  ['$*', ''],
  ['${#}', ''],
  ['${?:-bbb}', 'bbb'],
  ['$-', ''],
  ['$$', ''],
  ['${$:+bbb}', ''],
  ['${!:-bbb}', 'bbb'],
  ['$0', ''],
  ['${0:-bbb}', 'bbb'],
];

describe('expandWord (buildkit envVarTest table)', () => {
  for (const [input, expected] of SINGLE_WORD) {
    it(`${input} → ${expected ?? 'error'}`, () => {
      if (expected === null) assert.throws(() => expandWord(input, ENV), InvalidArgumentError);
      else assert.equal(expandWord(input, ENV), expected);
    });
  }
});

describe('expandWords (buildkit wordsTest table)', () => {
  const env = envFromList(['hi=hi', 'space=abc  def', 'leading=  ab c', 'trailing=ab c   ']);
  const cases: [string, string[] | null][] = [
    ['hello', ['hello']],
    ['hello${hi}bye', ['hellohibye']],
    ['hello${space}bye', ['helloabc', 'defbye']],
    ['hello"${space}"bye', ['helloabc  defbye']],
    ['hello "${space}"bye', ['hello', 'abc  defbye']],
    ['hello${leading}def', ['hello', 'ab', 'cdef']],
    ['hello"${leading}" def', ['hello  ab c', 'def']],
    ['hello"${leading}"', ['hello  ab c']],
    ['hello${leading}', ['hello', 'ab', 'c']],
    ['hello${trailing}', ['helloab', 'c']],
    ['hello${trailing}d', ['helloab', 'c', 'd']],
    ['hello"${trailing}"d', ['helloab c   d']],
    ['hel"lo${trailing}"', ['helloab c   ']],
    ['hello" there  "', ['hello there  ']],
    ['hello there     ', ['hello', 'there']],
    ['hello\\ there', ['hello there']],
    ['hello" there', null],
    ['hello\\" there', ['hello"', 'there']],
    ['hello"\\\\there"', ['hello\\there']],
    ['hello"\\there"', ['hello\\there']],
    ["hello'\\\\there'", ['hello\\\\there']],
    ["hello'\\there'", ['hello\\there']],
    ["hello'$there'", ['hello$there']],
    ["a '' b", ['a', 'b']],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected ? expected.join(',') : 'error'}`, () => {
      if (expected === null) assert.throws(() => expandWords(input, env), InvalidArgumentError);
      else assert.deepEqual(expandWords(input, env), expected);
    });
  }
});

describe('expandWord pattern operators', () => {
  const env = envFromList(['F=foo.tar.gz', 'P=/a/b/c', 'S=aXbXc']);
  const cases: [string, string][] = [
    ['${F%.*}', 'foo.tar'],
    ['${F%%.*}', 'foo'],
    ['${F#*.}', 'tar.gz'],
    ['${F##*.}', 'gz'],
    ['${P#/}', 'a/b/c'],
    ['${F%.t?r.gz}', 'foo'],
    ['${F#nomatch}', 'foo.tar.gz'],
    ['${S/X/-}', 'a-bXc'],
    ['${S//X/-}', 'a-b-c'],
    ['${S/X*/}', 'a'],
    ['${P//\\//:}', ':a:b:c'],
    ['${UNSET/a/b}', ''],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => assert.equal(expandWord(input, env), expected));
  }
});

describe('expandWord errors', () => {
  const cases: [string, string][] = [
    ['${', `failed to process "\${": syntax error: missing '}'`],
    ['${}', `failed to process "\${}": syntax error: bad substitution`],
    ['${:x}', `failed to process "\${:x}": syntax error: bad substitution`],
    ['${a:=b}', `failed to process "\${a:=b}": unsupported modifier (:=) in substitution`],
    ['${a:#b}', `failed to process "\${a:#b}": unsupported modifier (:#) in substitution`],
    ['${a^}', `failed to process "\${a^}": unsupported modifier (^) in substitution`],
    ['${a:-b', `failed to process "\${a:-b": syntax error: missing '}'`],
    ['${a/b', `failed to process "\${a/b": syntax error: missing '/' in \${}`],
    ['${S//X}', `failed to process "\${S//X}": syntax error: missing '/' in \${}`],
    ['${a/b/c', `failed to process "\${a/b/c": syntax error: missing '}'`],
    ['${a?}', `failed to process "\${a?}": a: is not allowed to be unset`],
    ['${a?must be set}', `failed to process "\${a?must be set}": a: must be set`],
    ['${E:?}', `failed to process "\${E:?}": E: is not allowed to be empty`],
    ["'x", `failed to process "'x": unexpected end of statement while looking for matching single-quote`],
    ['"x', `failed to process "\\"x": unexpected end of statement while looking for matching double-quote`],
    [
      '${E#\\x}',
      `failed to process "\${E#\\\\x}": invalid pattern (\\x) in substitution: invalid escape '\\x'`,
    ],
  ];
  for (const [input, message] of cases) {
    it(input, () => {
      assert.throws(() => expandWord(input, envFromList(['E='])), { name: 'InvalidArgumentError', message });
    });
  }
});

describe('expandWord options', () => {
  it('uses the escape token it is given', () => {
    assert.equal(expandWord('a`$b`', envFromList(['b=x'])), 'a`x`');
    assert.equal(expandWord('a`$b ``$b', envFromList(['b=x']), '`'), 'a$b `x');
    assert.equal(expandWord('C:\\dir', new Map(), '`'), 'C:\\dir');
  });

  it('skipUnsetEnv keeps references to unset variables', () => {
    const env = envFromList(['A=1']);
    const options = { skipUnsetEnv: true };
    assert.equal(expandWord('$A $B ${C} ${D:-x}', env, '\\', options), '1 $B ${C} ${D:-x}');
  });

  it('rawQuotes and rawEscapes keep quotes and escapes', () => {
    assert.equal(
      expandWord(`"a" 'b' \\c`, new Map(), '\\', { rawQuotes: true, rawEscapes: true }),
      `"a" 'b' \\c`,
    );
  });

  it('reads env lists as Docker does: last value wins, a bare name is set and empty', () => {
    const env = envFromList(['A=1', 'A=2', 'FLAG', 'EQ=a=b']);
    assert.equal(expandWord('$A|${FLAG-unset}|$EQ', env), '2||a=b');
  });
});
