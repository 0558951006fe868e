import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseContainerdLogLine } from './containerd-log.js';
import { containerdConfigToml, containerdPaths, DISABLED_PLUGINS } from './containerd-config.js';
import { parseRuncVersion } from './runc-version.js';

describe('containerd log lines', () => {
  it('parses quoted and bare messages and maps levels', () => {
    assert.deepEqual(
      parseContainerdLogLine(
        'time="2026-11-29T11:42:03Z" level=error msg="failed to change OOM score to -500" error="denied"',
      ),
      { level: 'error', msg: 'failed to change OOM score to -500', rest: 'error="denied"' },
    );
    assert.deepEqual(parseContainerdLogLine('time="x" level=info msg=serving... address=/s.sock'), {
      level: 'debug',
      msg: 'serving...',
      rest: 'address=/s.sock',
    });
    assert.equal(parseContainerdLogLine('level=warning msg="a \\"quoted\\" word"').msg, 'a "quoted" word');
    assert.equal(parseContainerdLogLine('level=warning msg=x').level, 'warn');
  });

  it('passes through lines that are not logfmt', () => {
    assert.deepEqual(parseContainerdLogLine('panic: boom'), { level: 'info', msg: 'panic: boom', rest: '' });
  });
});

describe('containerd config', () => {
  it('keeps everything under our roots and disables CRI', () => {
    const paths = containerdPaths('/var/lib/lading', '/run/lading');
    const toml = containerdConfigToml({ paths, logLevel: 'info', oomScore: 0 });
    assert.match(toml, /^version = 2$/m);
    assert.match(toml, /^root = "\/var\/lib\/lading\/containerd\/root"$/m);
    assert.match(toml, /^state = "\/run\/lading\/containerd\/state"$/m);
    assert.match(toml, /^ {2}address = "\/run\/lading\/containerd\/containerd\.sock"$/m);
    assert.match(toml, /io\.containerd\.grpc\.v1\.cri/);
    assert.ok(!DISABLED_PLUGINS.includes('io.containerd.runtime.v1.linux'), 'tasks service needs it');
  });
});

describe('runc --version', () => {
  it('parses version and commit', () => {
    assert.deepEqual(
      parseRuncVersion('runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev\n'),
      { version: '1.1.5+ds1', commit: '1.1.5+ds1-1+deb12u1' },
    );
  });
});
