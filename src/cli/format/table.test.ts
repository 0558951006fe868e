import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultHeaderTitle, isTableFormat, renderList, templateText } from './table.js';
import { TemplateSyntaxError } from './errors.js';

const rows = [
  { ID: 'abc', Name: 'web', CreatedAt: '2026-11-29', Labels: ['a', 'b'] },
  { ID: 'defghijklmnop', Name: 'database', CreatedAt: '2026-11-28', Labels: [] },
];

describe('list formats', () => {
  it('derives header titles like docker', () => {
    assert.equal(defaultHeaderTitle('ID'), 'ID');
    assert.equal(defaultHeaderTitle('CreatedAt'), 'CREATED AT');
    assert.equal(defaultHeaderTitle('ImageID'), 'IMAGE ID');
    assert.equal(defaultHeaderTitle('APIVersion'), 'API VERSION');
    assert.equal(defaultHeaderTitle('Names'), 'NAMES');
  });

  it('detects tables and rewrites escapes', () => {
    assert.ok(isTableFormat('table {{.ID}}'));
    assert.ok(!isTableFormat('{{.ID}}'));
    assert.equal(templateText('table {{.ID}}\\t{{.Name}}'), '{{.ID}}\t{{.Name}}');
    assert.equal(templateText('{{.ID}}\\n'), '{{.ID}}\n');
    assert.equal(templateText('json'), '{{json .}}');
  });

  it('renders a table with header and aligned columns', () => {
    const out = renderList('table {{.ID}}\\t{{.Name}}\\t{{.CreatedAt}}', rows, { defaultFormat: '' });
    assert.equal(
      out,
      'ID              NAME       CREATED AT\n' +
        'abc             web        2026-11-29\n' +
        'defghijklmnop   database   2026-11-28\n',
    );
  });

  it('uses command-specific header titles', () => {
    const out = renderList('table {{.ID}}', rows.slice(0, 1), {
      defaultFormat: '',
      headers: { ID: 'CONTAINER ID' },
    });
    assert.equal(out, 'CONTAINER ID\nabc\n');
  });

  it('bare "table" and "" use the default format', () => {
    const opts = { defaultFormat: 'table {{.Name}}\t{{.ID}}' };
    assert.equal(renderList('', rows.slice(0, 1), opts), 'NAME      ID\nweb       abc\n');
    assert.equal(renderList('table', rows.slice(0, 1), opts), 'NAME      ID\nweb       abc\n');
  });

  it('renders non-table formats one line per row', () => {
    assert.equal(
      renderList('{{.Name}}: {{join .Labels ","}}', rows, { defaultFormat: '' }),
      'web: a,b\ndatabase: \n',
    );
    assert.equal(
      renderList('json', rows.slice(1), { defaultFormat: '' }),
      '{"ID":"defghijklmnop","Name":"database","CreatedAt":"2026-11-28","Labels":[]}\n',
    );
  });

  it('rejects a bad format before rendering', () => {
    assert.throws(() => renderList('{{.ID', rows, { defaultFormat: '' }), TemplateSyntaxError);
  });
});
