/** Log driver options with dockerd's rules and words. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonFileSettings, parseHumanSize, validateLogConfig, type LogContainerInfo } from './log-options.js';

const info: LogContainerInfo = {
  id: 'a'.repeat(64),
  name: '/web',
  imageId: 'sha256:' + 'b'.repeat(64),
  imageName: 'busybox',
  labels: { team: 'blue', 'com.x.tier': 'front', other: '1' },
  env: ['PATH=/bin', 'STAGE=prod', 'EMPTY='],
};

describe('log options', () => {
  it('parses sizes as go-units FromHumanSize (decimal)', () => {
    assert.equal(parseHumanSize('10'), 10);
    assert.equal(parseHumanSize('10k'), 10_000);
    assert.equal(parseHumanSize('10m'), 10_000_000);
    assert.equal(parseHumanSize('1.5g'), 1_500_000_000);
    assert.equal(parseHumanSize('2 MiB'), 2_000_000);
    assert.equal(parseHumanSize('3KB'), 3000);
    assert.equal(parseHumanSize('7b'), 7);
    assert.throws(() => parseHumanSize('m'), /^InvalidArgumentError: invalid size: 'm'$/);
    assert.throws(() => parseHumanSize('10x'), /invalid suffix: 'x'/);
    assert.throws(() => parseHumanSize('10mbb'), /invalid suffix: 'mbb'/);
  });

  it("refuses unknown options with Docker's wording", () => {
    assert.throws(() => validateLogConfig('json-file', { 'max-sizes': '1m' }), {
      message: "unknown log opt 'max-sizes' for json-file log driver",
    });
    assert.throws(() => validateLogConfig('syslog2', {}), {
      message: "logger: no log driver named 'syslog2' is registered",
    });
    validateLogConfig('none', { anything: 'x' });
    validateLogConfig('json-file', { mode: 'non-blocking', 'max-buffer-size': '4m', 'max-size': '1m' });
  });

  it('reads max-size, max-file and their limits', () => {
    assert.deepEqual(jsonFileSettings({}, info), { maxSize: -1, maxFile: 1, attrs: {} });
    assert.deepEqual(jsonFileSettings({ 'max-size': '1k', 'max-file': '3' }, info), {
      maxSize: 1000,
      maxFile: 3,
      attrs: {},
    });
    assert.throws(() => jsonFileSettings({ 'max-size': '0' }, info), {
      message: 'max-size must be a positive number',
    });
    assert.throws(() => jsonFileSettings({ 'max-file': '0' }, info), {
      message: 'max-file cannot be less than 1',
    });
    assert.throws(() => jsonFileSettings({ 'max-file': 'two' }, info), {
      message: 'strconv.Atoi: parsing "two": invalid syntax',
    });
    assert.throws(() => jsonFileSettings({ compress: 'true' }, info), {
      message: 'compress cannot be true when max-file is less than 2 or max-size is not set',
    });
    assert.throws(
      () => jsonFileSettings({ compress: 'true', 'max-size': '1m', 'max-file': '2' }, info),
      /compress=true/,
    );
    assert.equal(jsonFileSettings({ compress: 'false' }, info).maxFile, 1);
  });

  it('collects labels, env and tag attributes', () => {
    const settings = jsonFileSettings(
      { labels: 'team,missing', 'labels-regex': '^com\\.', env: 'STAGE,EMPTY', tag: '{{.Name}}/{{.ID}}' },
      info,
    );
    assert.deepEqual(settings.attrs, {
      team: 'blue',
      'com.x.tier': 'front',
      STAGE: 'prod',
      EMPTY: '',
      tag: 'web/aaaaaaaaaaaa',
    });
    assert.throws(() => jsonFileSettings({ tag: '{{.Name | upper}}' }, info), /plain fields/);
  });
});
