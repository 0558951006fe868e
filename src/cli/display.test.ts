import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ellipsis, truncateId } from './display.js';
import { goRfc3339, goTimeString } from './go-time.js';

describe('display helpers', () => {
  it('truncates ids as docker', () => {
    assert.equal(
      truncateId('sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824'),
      'a416a98b71e2',
    );
    assert.equal(truncateId('<missing>'), '<missing>');
    assert.equal(truncateId('abc'), 'abc');
  });

  it('cuts text to a column width with …', () => {
    assert.equal(ellipsis('short', 45), 'short');
    assert.equal(
      ellipsis('/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo this is long"]', 45),
      '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo…',
    );
    assert.equal(ellipsis('日本語のテキスト', 7), '日本語…');
    assert.equal(ellipsis('abc', 1), 'a');
    assert.equal(ellipsis('abc', 0), '');
  });

  it('prints times as Go does, in the local zone with tz abbreviations', () => {
    const t = Date.UTC(2026, 10, 29, 12, 0, 3) / 1000;
    const saved = process.env['TZ'];
    const cases: [string, string, string][] = [
      ['UTC', '2026-11-29 12:00:03 +0000 UTC', '2026-11-29T12:00:03Z'],
      ['Europe/Berlin', '2026-11-29 13:00:03 +0100 CET', '2026-11-29T13:00:03+01:00'],
      ['Asia/Kolkata', '2026-11-29 17:30:03 +0530 IST', '2026-11-29T17:30:03+05:30'],
      ['America/Sao_Paulo', '2026-11-29 09:00:03 -0300 -03', '2026-11-29T09:00:03-03:00'],
    ];
    try {
      for (const [zone, text, rfc] of cases) {
        process.env['TZ'] = zone; // Node re-reads the zone when TZ changes
        assert.equal(goTimeString(t), text, zone);
        assert.equal(goRfc3339(t), rfc, zone);
      }
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });
});
