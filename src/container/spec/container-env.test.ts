import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testBase } from '../../../test/support/test-base.js';
import type { ContainerRecord } from '../model/container-record.js';
import { containerEnv, execInput, replaceOrAppendEnv } from './index.js';

describe('containerEnv (dockerd’s CreateDaemonEnvironment)', () => {
  it('puts the default PATH and HOSTNAME first, the config’s env after', () => {
    assert.deepEqual(containerEnv({ Env: ['A=1'], Hostname: 'h1', Tty: false }), [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=h1',
      'A=1',
    ]);
  });

  it('the image’s PATH replaces the default in place; TERM=xterm only with a TTY', () => {
    assert.deepEqual(containerEnv({ Env: ['PATH=/bin', 'TERM=vt100'], Hostname: 'h', Tty: true }), [
      'PATH=/bin',
      'HOSTNAME=h',
      'TERM=vt100',
    ]);
    assert.ok(containerEnv({ Env: null, Hostname: 'h', Tty: true }).includes('TERM=xterm'));
  });

  it('an entry without "=" unsets the name', () => {
    assert.deepEqual(replaceOrAppendEnv(['A=1', 'B=2'], ['A', 'C=3', 'B=4']), ['B=4', 'C=3']);
  });
});

describe('execInput', () => {
  const root = mkdtempSync(join(testBase(), 'exec-input-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\napp:x:1000:\n');
  const record = {
    Config: { Env: ['PATH=/bin', 'A=1'], Hostname: 'h', Tty: false, User: 'app', WorkingDir: '/srv' },
    HostConfig: {},
  } as unknown as ContainerRecord;

  it('defaults to the container’s user and working dir, merges -e over the container’s env', () => {
    const exec = execInput(record, root, { cmd: ['ls'], env: ['A=2', 'B=3'], tty: true });
    assert.deepEqual(exec.env, ['PATH=/bin', 'HOSTNAME=h', 'TERM=xterm', 'A=2', 'B=3']);
    assert.deepEqual(exec.user, { uid: 1000, gid: 1000, additionalGids: [1000] });
    assert.equal(exec.cwd, '/srv');
    assert.equal(exec.terminal, true);
  });

  it('-u and -w override; a -w into /proc is refused', () => {
    const exec = execInput(record, root, { cmd: ['ls'], user: 'root', workingDir: '/tmp', privileged: true });
    assert.equal(exec.user.uid, 0);
    assert.equal(exec.cwd, '/tmp');
    assert.equal(exec.privileged, true);
    assert.throws(
      () => execInput(record, root, { cmd: ['ls'], workingDir: '/proc/1/cwd' }),
      /CVE-2024-21626/,
    );
  });
});
