import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALIGN_RIGHT, displayWidth, tabulate, TabWriter } from './tabwriter.js';

const table = { minWidth: 10, tabWidth: 1, padding: 3, padChar: ' ', flags: 0 };

describe('tabwriter', () => {
  it('aligns columns with docker table settings (minwidth 10, padding 3)', () => {
    const out = tabulate('CONTAINER ID\tIMAGE\tNAMES\nabc\tbusybox:latest\tweb\n', table);
    assert.equal(out, 'CONTAINER ID   IMAGE            NAMES\nabc            busybox:latest   web\n');
  });

  it('pads short columns to minwidth', () => {
    assert.equal(tabulate('A\tB\nx\ty\n', table), 'A         B\nx         y\n');
  });

  it('leaves trailing text (after the last tab) unpadded', () => {
    assert.equal(
      tabulate('a\tb\naaaa\tbbbbbbbbbbbbbbbbbbbbbbbbbbb\n', { padding: 1 }),
      'a    b\naaaa bbbbbbbbbbbbbbbbbbbbbbbbbbb\n',
    );
  });

  it('uses the version layout settings (minwidth 20, padding 1)', () => {
    const out = tabulate('Client:\n Version:\t28.2.2\n API version:\t1.50\n', {
      minWidth: 20,
      tabWidth: 1,
      padding: 1,
    });
    assert.equal(out, 'Client:\n Version:           28.2.2\n API version:       1.50\n');
  });

  it('a line without tabs ends a column block', () => {
    const out = tabulate('a\t1\nheader\nlonger-cell\t2\n', { padding: 1 });
    assert.equal(out, 'a 1\nheader\nlonger-cell 2\n');
  });

  it('blocks nest: a column only spans the lines that have it', () => {
    // Go's own example: b and c are in different column blocks.
    const out = tabulate('aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n', { padding: 1 });
    assert.equal(out, 'aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n');
  });

  it('flushes an unterminated last line', () => {
    assert.equal(tabulate('a\tb\nccc\td', { padding: 1 }), 'a   b\nccc d');
  });

  it('handles empty cells', () => {
    assert.equal(tabulate('\tx\nyy\tz\n', { padding: 1 }), '   x\nyy z\n');
  });

  it('aligns right when asked', () => {
    assert.equal(tabulate('1\tx\n100\ty\n', { padding: 1, flags: ALIGN_RIGHT }), '   1x\n 100y\n');
  });

  it('counts wide characters as two columns', () => {
    assert.equal(displayWidth('日本'), 4);
    assert.equal(tabulate('日本\tx\nab\ty\n', { padding: 1 }), '日本 x\nab   y\n');
  });

  it('streams: writes may split cells anywhere', () => {
    let out = '';
    const w = new TabWriter((s) => (out += s), table);
    for (const piece of ['NA', 'ME\tI', 'D\nwe', 'b\t1', '23\n']) w.write(piece);
    w.flush();
    assert.equal(out, 'NAME      ID\nweb       123\n');
  });
});
