import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../errors/index.js';
import { parseBind } from './parse-bind.js';

const spec = (raw: string, reason: string) => `invalid volume specification: '${raw}': ${reason}`;

describe('parseBind (-v): moby ParseMountRaw errors', () => {
  const cases: [string, string][] = [
    ['', "invalid volume specification: ''"],
    [':/x', "invalid volume specification: ':/x'"],
    ['/a:/b:ro:extra', "invalid volume specification: '/a:/b:ro:extra'"],
    ['/foo:rw', "invalid volume specification: '/foo:rw'"],
    ['/foo:ro,z', "invalid volume specification: '/foo:ro,z'"],
    ['/h:/c:bogus', 'invalid mode: bogus'],
    ['/h:/c:ro,rw', 'invalid mode: ro,rw'],
    ['/h:/c:z,Z', 'invalid mode: z,Z'],
    ['/h:/c:shared,rslave', 'invalid mode: shared,rslave'],
    [
      '/h:c',
      spec(
        '/h:c',
        `invalid mount config for type "bind": invalid mount path: 'c' mount path must be absolute`,
      ),
    ],
    [
      '/h:/',
      spec('/h:/', `invalid mount config for type "bind": invalid specification: destination can't be '/'`),
    ],
    [
      'foo',
      spec(
        'foo',
        `invalid mount config for type "volume": invalid mount path: 'foo' mount path must be absolute`,
      ),
    ],
    ['name:/c:rshared', spec('name:/c:rshared', 'invalid mount config for type "volume": field BindOptions must not be specified')], // prettier-ignore
    ['/h:/c:nocopy', spec('/h:/c:nocopy', 'invalid mount config for type "bind": field VolumeOptions must not be specified')], // prettier-ignore
  ];
  for (const [raw, message] of cases) {
    it(`refuses ${JSON.stringify(raw)}`, () => {
      assert.throws(
        () => parseBind(raw),
        (err: unknown) => err instanceof InvalidArgumentError && err.message === message,
      );
    });
  }
});

describe('parseBind (-v): mount points', () => {
  it('a host path is a bind, rprivate, read-write, no mode', () => {
    const { record, copyData } = parseBind('/srv/data:/data');
    assert.deepEqual(record, {
      Source: '/srv/data',
      Destination: '/data',
      RW: true,
      Name: '',
      Driver: '',
      Type: 'bind',
      Propagation: 'rprivate',
      Spec: { Type: 'bind', Source: '/srv/data', Target: '/data' },
      SkipMountpointCreation: false,
    });
    assert.equal(copyData, false);
  });

  it('paths are cleaned; ro and a propagation are kept as the mode', () => {
    const { record } = parseBind('/srv//data/:/data/x/../y/:ro,rslave');
    assert.equal(record.Source, '/srv/data');
    assert.equal(record.Destination, '/data/y');
    assert.equal(record.RW, false);
    assert.equal(record.Relabel, 'ro,rslave');
    assert.equal(record.Propagation, 'rslave');
  });

  it('a name is a named volume that copies the image content unless nocopy', () => {
    const named = parseBind('cache:/var/cache');
    assert.equal(named.record.Type, 'volume');
    assert.equal(named.record.Name, 'cache');
    assert.equal(named.record.Propagation, undefined);
    assert.equal(named.copyData, true);
    const nocopy = parseBind('cache:/var/cache:nocopy');
    assert.equal(nocopy.copyData, false);
    assert.equal(nocopy.record.Relabel, 'nocopy');
    assert.deepEqual(nocopy.record.Spec.VolumeOptions, { NoCopy: true });
  });

  it('a lone destination is an anonymous volume; the volume driver is recorded', () => {
    const { record } = parseBind('/data', 'local');
    assert.equal(record.Type, 'volume');
    assert.equal(record.Name, '');
    assert.equal(record.Driver, 'local');
    assert.equal(record.Spec.Source, undefined);
  });
});
