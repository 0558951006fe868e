/** The json-file driver's JSON must match Go's bytes exactly (jsonlog's encoder and encoding/json). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goJsonQuote, goJsonStringMap, utf8SequenceLength } from './go-json.js';

const quote = (bytes: Buffer | string, flavour?: 'jsonlog' | 'encoding-json'): string =>
  goJsonQuote(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, flavour).toString('latin1');

describe('Go-compatible JSON strings', () => {
  // Expected values are what moby's jsonlog encoder writes for each input.
  const table: [string, Buffer, string][] = [
    ['plain text', Buffer.from('hello world'), '"hello world"'],
    ['newline and carriage return', Buffer.from('a\r\n'), '"a\\r\\n"'],
    ['quote and backslash', Buffer.from('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"'],
    [
      'HTML-sensitive characters',
      Buffer.from('<a href="x">&</a>'),
      '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"',
    ],
    ['tab is \\u0009 in jsonlog', Buffer.from('a\tb'), '"a\\u0009b"'],
    [
      'other control bytes',
      Buffer.from([0x00, 0x01, 0x1b, 0x1f, 0x7f]),
      '"\\u0000\\u0001\\u001b\\u001f\x7f"',
    ],
    ['valid UTF-8 kept raw', Buffer.from('héllo €'), `"${Buffer.from('héllo €').toString('latin1')}"`],
    ['4-byte UTF-8 kept raw', Buffer.from('🐳'), `"${Buffer.from('🐳').toString('latin1')}"`],
    ['invalid byte', Buffer.from([0x61, 0xff, 0x62]), '"a\\ufffdb"'],
    ['truncated sequence: one replacement per byte', Buffer.from([0xe2, 0x82, 0x61]), '"\\ufffd\\ufffda"'],
    ['overlong encoding', Buffer.from([0xc0, 0xaf]), '"\\ufffd\\ufffd"'],
    ['UTF-16 surrogate encoded in UTF-8', Buffer.from([0xed, 0xa0, 0x80]), '"\\ufffd\\ufffd\\ufffd"'],
    ['beyond U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80]), '"\\ufffd\\ufffd\\ufffd\\ufffd"'],
    ['line and paragraph separators', Buffer.from('a\u2028b\u2029'), '"a\\u2028b\\u2029"'],
  ];
  for (const [name, input, expected] of table) {
    it(name, () => assert.equal(quote(input), expected));
  }

  it('encoding/json flavour uses short escapes for \\t \\b \\f', () => {
    assert.equal(quote('a\tb\bc\fd\n<', 'encoding-json'), '"a\\tb\\bc\\fd\\n\\u003c"');
  });

  it('maps are written with sorted keys, as json.Marshal does', () => {
    assert.equal(
      goJsonStringMap({ b: '2', a: '<1>', é: 'x' }).toString(),
      '{"a":"\\u003c1\\u003e","b":"2","é":"x"}',
    );
  });

  it('knows UTF-8 sequence lengths', () => {
    assert.equal(utf8SequenceLength(Buffer.from('a'), 0), 1);
    assert.equal(utf8SequenceLength(Buffer.from('é'), 0), 2);
    assert.equal(utf8SequenceLength(Buffer.from('€'), 0), 3);
    assert.equal(utf8SequenceLength(Buffer.from([0xf0, 0x9f]), 0), 0);
  });
});
