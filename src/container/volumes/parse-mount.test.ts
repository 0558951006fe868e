import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MountRequest } from '../../api/types/index.js';
import { InvalidArgumentError, NotImplementedError } from '../../errors/index.js';
import { parseMountRequest } from './parse-mount.js';
import { tmpfsData } from './tmpfs-data.js';

describe('parseMountRequest (--mount): moby validateMountConfig errors', () => {
  const cases: [MountRequest, string][] = [
    [{ Type: 'bind', Source: '/nonexistent-lading-src', Target: '/x' }, 'invalid mount config for type "bind": bind source path does not exist: /nonexistent-lading-src'], // prettier-ignore
    [{ Type: 'bind', Target: '/x' }, 'invalid mount config for type "bind": field Source must not be empty'],
    [{ Type: 'bind', Source: 'rel', Target: '/x' }, `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`], // prettier-ignore
    [{ Type: 'bind', Source: '/tmp', Target: '/x', BindOptions: { Propagation: 'weird' } }, 'invalid mount config for type "bind": invalid propagation mode: weird'], // prettier-ignore
    [{ Type: 'bind', Source: '/tmp', Target: '/x', VolumeOptions: { NoCopy: true } }, 'invalid mount config for type "bind": field VolumeOptions must not be specified'], // prettier-ignore
    [
      { Type: 'volume', Target: '' },
      'invalid mount config for type "volume": field Target must not be empty',
    ],
    [{ Type: 'volume', Target: '/' }, `invalid mount config for type "volume": invalid specification: destination can't be '/'`], // prettier-ignore
    [{ Type: 'volume', Target: 'x' }, `invalid mount config for type "volume": invalid mount path: 'x' mount path must be absolute`], // prettier-ignore
    [{ Type: 'volume', Target: '/x', ReadOnly: true }, 'invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes'], // prettier-ignore
    [{ Type: 'volume', Source: 'v', Target: '/x', BindOptions: {} }, 'invalid mount config for type "volume": field BindOptions must not be specified'], // prettier-ignore
    [{ Type: 'tmpfs', Source: 'x', Target: '/x' }, 'invalid mount config for type "tmpfs": field Source must not be specified'], // prettier-ignore
    [{ Type: 'tmpfs', Target: '/x', TmpfsOptions: { Options: [['bogus', '1']] } }, 'invalid mount config for type "tmpfs": invalid tmpfs option "bogus"'], // prettier-ignore
    [
      { Type: 'npipe', Source: 'x', Target: '/x' },
      'invalid mount config for type "npipe": mount type unknown',
    ],
  ];
  for (const [request, message] of cases) {
    it(message, () => {
      assert.throws(
        () => parseMountRequest(request),
        (err: unknown) => err instanceof InvalidArgumentError && err.message === message,
      );
    });
  }

  it('volume subpaths are refused as not implemented', () => {
    assert.throws(
      () => parseMountRequest({ Type: 'volume', Source: 'v', Target: '/x', VolumeOptions: { Subpath: 'a' } }),
      NotImplementedError,
    );
  });
});

describe('parseMountRequest (--mount): mount points', () => {
  it('a bind keeps its propagation, skips creating a missing source unless asked', () => {
    const bind = parseMountRequest({ Type: 'bind', Source: '/tmp', Target: '/t', ReadOnly: true });
    assert.equal(bind.record.RW, false);
    assert.equal(bind.record.Propagation, 'rprivate');
    assert.equal(bind.record.SkipMountpointCreation, true);
    assert.equal(bind.record.Relabel, undefined);
    const created = parseMountRequest({
      Type: 'bind',
      Source: '/nonexistent-lading-src',
      Target: '/t',
      BindOptions: { CreateMountpoint: true, Propagation: 'rshared' },
    });
    assert.equal(created.record.SkipMountpointCreation, false);
    assert.equal(created.record.Propagation, 'rshared');
  });

  it('a volume carries nocopy, labels and driver options', () => {
    const parsed = parseMountRequest({
      Type: 'volume',
      Source: 'v',
      Target: '/v',
      VolumeOptions: {
        NoCopy: true,
        Labels: { a: 'b' },
        DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs' } },
      } as MountRequest['VolumeOptions'],
    });
    assert.equal(parsed.copyData, false);
    assert.equal(parsed.record.Driver, 'local');
    assert.deepEqual(parsed.volumeLabels, { a: 'b' });
    assert.deepEqual(parsed.volumeOptions, { type: 'tmpfs', device: 'tmpfs' });
  });

  it('tmpfs options become --tmpfs data as dockerd converts them', () => {
    assert.equal(tmpfsData({ SizeBytes: 64 << 20, Mode: 0o1770 }, false), 'mode=1770,size=64m');
    assert.equal(tmpfsData({ SizeBytes: 3 * 2 ** 30 }, true), 'ro,size=3g');
    assert.equal(tmpfsData({ SizeBytes: 1000 }, false), 'size=1000');
    assert.equal(
      tmpfsData({ SizeBytes: 2048, Options: [['exec'], ['uid', '5']] }, false),
      'size=2k,exec,uid=5',
    );
    assert.equal(tmpfsData(undefined, false), '');
  });
});
