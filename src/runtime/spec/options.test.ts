import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentCapabilities, normalizeCapabilities, parseSecurityOpts, parseUlimit } from './index.js';
import { kernelAtLeast } from './seccomp-profile.js';

describe('normalizeCapabilities', () => {
  it('accepts any case, with or without CAP_, and ALL', () => {
    assert.deepEqual(normalizeCapabilities(['net_admin', 'CAP_sys_time', 'all', 'Chown']), [
      'CAP_NET_ADMIN',
      'CAP_SYS_TIME',
      'ALL',
      'CAP_CHOWN',
    ]);
  });
  it('refuses unknown names with Docker’s wording', () => {
    assert.throws(() => normalizeCapabilities(['CAP_FOO']), { message: 'unknown capability: "CAP_FOO"' });
    assert.throws(() => normalizeCapabilities(['bar']), { message: 'unknown capability: "CAP_BAR"' });
  });
  it('refuses a known capability the daemon does not hold, as dockerd does', () => {
    assert.throws(() => normalizeCapabilities(['sys_resource'], ['CAP_CHOWN']), {
      message:
        'capability not supported by your kernel or not available in the current environment: "CAP_SYS_RESOURCE"',
    });
    assert.deepEqual(normalizeCapabilities(['chown'], ['CAP_CHOWN']), ['CAP_CHOWN']);
  });
  it('currentCapabilities reads this process’s effective set', () => {
    const caps = currentCapabilities();
    assert.ok(caps.includes('CAP_SYS_ADMIN'), 'tests run as root');
    assert.ok(caps.every((c) => c.startsWith('CAP_')));
  });
});

describe('parseSecurityOpts', () => {
  const cases: [string[], object][] = [
    [[], { noNewPrivileges: false, seccomp: { kind: 'default' } }],
    [['no-new-privileges'], { noNewPrivileges: true }],
    [['no-new-privileges=true'], { noNewPrivileges: true }],
    [['no-new-privileges:true'], { noNewPrivileges: true }],
    [['no-new-privileges=false'], { noNewPrivileges: false }],
    [['seccomp=unconfined'], { seccomp: { kind: 'unconfined' } }],
    [
      ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'],
      { seccomp: { kind: 'profile', json: '{"defaultAction":"SCMP_ACT_ALLOW"}' } },
    ],
    [['apparmor=unconfined'], { apparmorProfile: 'unconfined' }],
    [['label=disable', 'label=type:svirt_t'], { labelOptions: ['disable', 'type:svirt_t'] }],
  ];
  for (const [opts, expected] of cases) {
    it(`reads ${JSON.stringify(opts)}`, () => {
      const parsed = parseSecurityOpts(opts) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(parsed[k], v, k);
    });
  }
  it('refuses what dockerd refuses, with its wording', () => {
    assert.throws(() => parseSecurityOpts(['bogus']), { message: 'invalid --security-opt 1: "bogus"' });
    assert.throws(() => parseSecurityOpts(['foo=bar']), { message: 'invalid --security-opt 2: "foo=bar"' });
    assert.throws(() => parseSecurityOpts(['no-new-privileges=maybe']), {
      message: 'invalid --security-opt 2: "no-new-privileges=maybe"',
    });
  });
});

describe('parseUlimit', () => {
  it('reads name=soft[:hard]', () => {
    assert.deepEqual(parseUlimit('nofile=1024:2048'), { name: 'nofile', soft: 1024, hard: 2048 });
    assert.deepEqual(parseUlimit('nproc=100'), { name: 'nproc', soft: 100, hard: 100 });
    assert.deepEqual(parseUlimit('core=-1'), { name: 'core', soft: -1, hard: -1 });
  });
  it('refuses bad input with go-units’ wording', () => {
    assert.throws(() => parseUlimit('nofile'), { message: 'invalid ulimit argument: nofile' });
    assert.throws(() => parseUlimit('as=1'), { message: 'invalid ulimit type: as' });
    assert.throws(() => parseUlimit('nofile=10:5'), {
      message: 'ulimit soft limit must be less than or equal to hard limit: 10 > 5',
    });
    assert.throws(() => parseUlimit('nofile=1:2:3'), /too many limit value arguments/);
  });
});

describe('kernelAtLeast', () => {
  it('compares major.minor', () => {
    assert.equal(kernelAtLeast('6.18.44-fc', '4.8'), true);
    assert.equal(kernelAtLeast('4.8.0', '4.8'), true);
    assert.equal(kernelAtLeast('4.4.1', '4.8'), false);
    assert.equal(kernelAtLeast(undefined, '4.8'), true);
  });
});
