import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../errors/index.js';
import { MS, needsMount, parseMountOptions, parseRamInBytes, validateLocalOptions } from './local-options.js';

function refused(options: Record<string, string>, message: string): void {
  assert.throws(
    () => validateLocalOptions(options),
    (err: unknown) => err instanceof InvalidArgumentError && err.message === message,
    JSON.stringify(options),
  );
}

describe('local driver options', () => {
  it('accepts none, or type+device with o', () => {
    validateLocalOptions(undefined);
    validateLocalOptions({});
    validateLocalOptions({ type: 'tmpfs', device: 'tmpfs', o: 'size=1m' });
    validateLocalOptions({ type: 'none', device: '/srv', o: 'bind' });
    validateLocalOptions({ size: '0' });
  });

  it('refuses unknown keys, missing companions and quotas with dockerd wording', () => {
    refused({ foo: 'bar' }, 'invalid option: "foo"');
    refused({ device: '/dev/sda1' }, 'missing required option: "type"');
    refused({ type: 'tmpfs' }, 'missing required option: "device"');
    refused({ o: 'size=1m', type: 'tmpfs' }, 'missing required option: "device"');
    refused({ size: '10m' }, 'quota size requested but no quota support');
    refused({ size: 'ten' }, "invalid size: 'ten'");
    refused(
      { type: 'cifs', device: '//host:445/share' },
      "port not allowed in CIFS device URL, include 'port' in 'o='",
    );
  });

  it('parses sizes as go-units RAMInBytes', () => {
    assert.equal(parseRamInBytes('512'), 512);
    assert.equal(parseRamInBytes('10m'), 10 * 1024 * 1024);
    assert.equal(parseRamInBytes('1.5GiB'), 1.5 * 1024 ** 3);
  });

  it('splits o= into flags and filesystem data, later words winning', () => {
    assert.deepEqual(parseMountOptions('size=1m,mode=0700'), { flags: 0, data: 'size=1m,mode=0700' });
    assert.deepEqual(parseMountOptions('bind,ro'), { flags: MS.BIND | MS.RDONLY, data: '' });
    assert.deepEqual(parseMountOptions('ro,rw,nosuid'), { flags: MS.NOSUID, data: '' });
    assert.deepEqual(parseMountOptions('rbind,rprivate'), { flags: MS.BIND | MS.REC | MS.PRIVATE, data: '' });
    // "defaults" has no flag bit, so it travels as data, as in moby's parser.
    assert.deepEqual(parseMountOptions('defaults,uid=1'), { flags: 0, data: 'defaults,uid=1' });
    assert.deepEqual(parseMountOptions(''), { flags: 0, data: '' });
  });

  it('mounts only when a device or a type is set', () => {
    assert.equal(needsMount(null), false);
    assert.equal(needsMount({}), false);
    assert.equal(needsMount({ size: '0' }), false);
    assert.equal(needsMount({ type: 'tmpfs', device: 'tmpfs' }), true);
  });
});
