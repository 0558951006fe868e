import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toStringMap, validateLabel } from './volume-create.js';
import { naturalLess, volumeFormat, volumeRow } from './volume-ls.js';
import { renderVolumePrune } from './volume-prune.js';

describe('volume commands', () => {
  it('sorts names in natural order as the docker CLI does', () => {
    const names = ['v10', 'v2', 'a', 'v02', 'b1', 'B'];
    const sorted = [...names].sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0));
    assert.deepEqual(sorted, ['B', 'a', 'b1', 'v2', 'v02', 'v10']);
  });

  it("makes docker's volume rows and formats", () => {
    const row = volumeRow({
      CreatedAt: '2026-11-29T19:30:00Z',
      Driver: 'local',
      Labels: { b: '2', a: '1' },
      Mountpoint: '/m',
      Name: 'n',
      Options: null,
      Scope: 'local',
    });
    assert.deepEqual(Object.keys(row), [...Object.keys(row)].sort());
    assert.equal(row.Labels, 'a=1,b=2');
    assert.equal(row.Links, 'N/A');
    assert.equal(volumeFormat('table', false), 'table {{.Driver}}\t{{.Name}}');
    assert.equal(volumeFormat('table', true), '{{.Name}}');
    assert.equal(volumeFormat('{{.Name}}', true), '{{.Name}}');
  });

  it("validates labels and builds maps as docker's opts", () => {
    assert.equal(validateLabel('a=b c'), 'a=b c');
    assert.throws(() => validateLabel('=x'), /invalid label '=x': empty name/);
    assert.throws(() => validateLabel('a b=x'), /label 'a b' contains whitespaces/);
    assert.deepEqual(toStringMap(['a=1', 'b', 'a=2', 'c=x=y']), { a: '2', b: '', c: 'x=y' });
  });

  it('reports a prune as docker does', () => {
    assert.equal(renderVolumePrune({ VolumesDeleted: [], SpaceReclaimed: 0 }), 'Total reclaimed space: 0B\n');
    assert.equal(
      renderVolumePrune({ VolumesDeleted: ['a', 'b'], SpaceReclaimed: 2048 }),
      'Deleted Volumes:\na\nb\n\nTotal reclaimed space: 2.048kB\n',
    );
  });
});
