import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MountPointRecord } from './mount-point.js';
import { pathInMounts } from './path-in-mounts.js';

function mount(destination: string, type: MountPointRecord['Type'] = 'volume'): MountPointRecord {
  return {
    Source: `/src${destination}`,
    Destination: destination,
    RW: true,
    Name: type === 'volume' ? destination.slice(1).replace(/\//g, '-') : '',
    Driver: '',
    Type: type,
    Spec: {},
    SkipMountpointCreation: false,
  };
}

describe('pathInMounts (docker cp into volumes)', () => {
  const mounts = {
    '/data': mount('/data'),
    '/data/logs': mount('/data/logs', 'bind'),
    '/run': mount('/run', 'tmpfs'),
  };

  it('picks the deepest mount that holds the path, with the rest inside it', () => {
    assert.deepEqual(pathInMounts(mounts, '/data/a/b')?.rest, '/a/b');
    assert.equal(pathInMounts(mounts, '/data/a/b')?.mount.Destination, '/data');
    assert.equal(pathInMounts(mounts, '/data/logs/x')?.mount.Destination, '/data/logs');
    assert.deepEqual(pathInMounts(mounts, '/data/logs/../x')?.rest, '/x');
  });

  it('the mount itself is "/", its contents "/."; other paths and tmpfs are not in a mount', () => {
    assert.equal(pathInMounts(mounts, '/data')?.rest, '/');
    assert.equal(pathInMounts(mounts, '/data/')?.rest, '/');
    assert.equal(pathInMounts(mounts, '/data/.')?.rest, '/.');
    assert.equal(pathInMounts(mounts, '/database'), undefined);
    assert.equal(pathInMounts(mounts, '/run/x'), undefined);
    assert.equal(pathInMounts(mounts, 'etc'), undefined);
  });
});
