import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostConfig } from '../../api/types/index.js';
import { completeHostConfig, normalizeHostConfig, validateHostConfig } from './host-config.js';

const MASKED = ['/proc/asound', '/proc/acpi', '/proc/kcore'];
const READONLY = ['/proc/bus', '/proc/sys'];

/** Part of what the docker CLI 28 sends for `docker run busybox`. */
const CLI_HOST_CONFIG: HostConfig = {
  Binds: null,
  ContainerIDFile: '',
  LogConfig: { Type: '', Config: {} },
  NetworkMode: 'default',
  PortBindings: {},
  RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
  AutoRemove: false,
  VolumeDriver: '',
  VolumesFrom: null,
  ConsoleSize: [24, 80],
  CapAdd: null,
  CapDrop: null,
  CgroupnsMode: '',
  Dns: [],
  DnsOptions: [],
  DnsSearch: [],
  ExtraHosts: null,
  GroupAdd: null,
  IpcMode: '',
  Cgroup: '',
  Links: null,
  OomScoreAdj: 0,
  PidMode: '',
  Privileged: false,
  PublishAllPorts: false,
  ReadonlyRootfs: false,
  SecurityOpt: null,
  UTSMode: '',
  UsernsMode: '',
  ShmSize: 0,
  Isolation: '',
  CpuShares: 0,
  Memory: 0,
  NanoCpus: 0,
  CgroupParent: '',
  BlkioWeight: 0,
  BlkioWeightDevice: [],
  Devices: [],
  MemorySwappiness: null,
  OomKillDisable: false,
  PidsLimit: null,
  Ulimits: [],
  MaskedPaths: null,
  ReadonlyPaths: null,
};

const DOCKERD_KEYS = [
  'Binds', 'ContainerIDFile', 'LogConfig', 'NetworkMode', 'PortBindings', 'RestartPolicy', 'AutoRemove',
  'VolumeDriver', 'VolumesFrom', 'ConsoleSize', 'CapAdd', 'CapDrop', 'CgroupnsMode', 'Dns', 'DnsOptions',
  'DnsSearch', 'ExtraHosts', 'GroupAdd', 'IpcMode', 'Cgroup', 'Links', 'OomScoreAdj', 'PidMode', 'Privileged',
  'PublishAllPorts', 'ReadonlyRootfs', 'SecurityOpt', 'UTSMode', 'UsernsMode', 'ShmSize', 'Runtime', 'Isolation',
  'CpuShares', 'Memory', 'NanoCpus', 'CgroupParent', 'BlkioWeight', 'BlkioWeightDevice', 'BlkioDeviceReadBps',
  'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps', 'CpuPeriod', 'CpuQuota', 'CpuRealtimePeriod',
  'CpuRealtimeRuntime', 'CpusetCpus', 'CpusetMems', 'Devices', 'DeviceCgroupRules', 'DeviceRequests',
  'MemoryReservation', 'MemorySwap', 'MemorySwappiness', 'OomKillDisable', 'PidsLimit', 'Ulimits', 'CpuCount',
  'CpuPercent', 'IOMaximumIOps', 'IOMaximumBandwidth', 'MaskedPaths', 'ReadonlyPaths',
]; // prettier-ignore

describe('normalizeHostConfig', () => {
  it('fills what dockerd stores for `docker run busybox`, in its key order', () => {
    const hc = normalizeHostConfig(CLI_HOST_CONFIG, { maskedPaths: MASKED, readonlyPaths: READONLY });
    assert.deepEqual(Object.keys(hc), DOCKERD_KEYS);
    assert.deepEqual(hc.LogConfig, { Type: 'json-file', Config: {} });
    assert.equal(hc.NetworkMode, 'bridge');
    assert.deepEqual(hc.PortBindings, {});
    assert.deepEqual(hc.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
    assert.deepEqual(hc.ConsoleSize, [24, 80]);
    assert.equal(hc.CgroupnsMode, 'host', 'cgroup v1 default');
    assert.equal(hc.IpcMode, 'private');
    assert.equal(hc.ShmSize, 67108864);
    assert.equal(hc.Runtime, 'runc');
    assert.deepEqual(
      [hc.Dns, hc.Devices, hc.Ulimits, hc.BlkioWeightDevice],
      [[], [], [], []],
      'sent [] stays []',
    );
    assert.deepEqual(
      [hc.ExtraHosts, hc.BlkioDeviceReadBps, hc.DeviceRequests],
      [null, null, null],
      'absent is null',
    );
    assert.equal(hc.OomKillDisable, false);
    assert.equal(hc.MemorySwappiness, null);
    assert.equal(hc.SecurityOpt, null);
    assert.deepEqual([hc.MaskedPaths, hc.ReadonlyPaths], [MASKED, READONLY]);
  });

  it('an empty request gets the same defaults; cgroup v2 and daemon options apply', () => {
    const hc = normalizeHostConfig(undefined, {
      cgroupV2: true,
      logOpts: { 'max-size': '10m' },
      defaultShmSize: 1024,
    });
    assert.deepEqual(Object.keys(hc), DOCKERD_KEYS);
    assert.deepEqual(hc.ConsoleSize, [0, 0]);
    assert.equal(hc.CgroupnsMode, 'private');
    assert.deepEqual(hc.LogConfig, { Type: 'json-file', Config: { 'max-size': '10m' } });
    assert.equal(hc.ShmSize, 1024);
    assert.deepEqual([hc.Dns, hc.MaskedPaths], [null, null]);
  });

  it('privileged: label=disable, no masked paths, host cgroupns on v1', () => {
    const hc = normalizeHostConfig({ Privileged: true }, { maskedPaths: MASKED, readonlyPaths: READONLY });
    assert.deepEqual(hc.SecurityOpt, ['label=disable']);
    assert.deepEqual([hc.MaskedPaths, hc.ReadonlyPaths], [null, null]);
    assert.equal(hc.CgroupnsMode, 'host');
    assert.equal(normalizeHostConfig({ Privileged: true }, { cgroupV2: true }).CgroupnsMode, 'private');
    assert.deepEqual(
      normalizeHostConfig({ PidMode: 'host', SecurityOpt: ['no-new-privileges'] }).SecurityOpt,
      ['no-new-privileges', 'label=disable'],
    );
    assert.deepEqual(normalizeHostConfig({ IpcMode: 'host', SecurityOpt: ['label=user:x'] }).SecurityOpt, [
      'label=user:x',
    ]);
  });

  it('keeps what was given, sorts maps, drops empty omitempty fields', () => {
    const hc = normalizeHostConfig({
      NetworkMode: 'none',
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      LogConfig: { Type: 'none', Config: { b: '1', a: '2' } },
      Memory: 1000,
      Tmpfs: { '/run': 'size=1m', '/a': '' },
      Annotations: {},
      Sysctls: {},
      Mounts: [],
      Init: true,
      MaskedPaths: [],
    }, { maskedPaths: MASKED, logOpts: { 'max-size': '1m' } }); // prettier-ignore
    assert.equal(hc.NetworkMode, 'none');
    assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.deepEqual(JSON.stringify(hc.LogConfig), '{"Type":"none","Config":{"a":"2","b":"1"}}');
    assert.equal(hc.MemorySwap, 2000, 'swap defaults to twice the memory');
    assert.equal(JSON.stringify(hc.Tmpfs), '{"/a":"","/run":"size=1m"}');
    assert.deepEqual(hc.MaskedPaths, [], 'an explicit empty list stays');
    assert.equal(hc.Init, true);
    for (const key of ['Annotations', 'Sysctls', 'Mounts', 'StorageOpt'] as const)
      assert.ok(!(key in hc), key);
    assert.deepEqual(Object.keys(hc).slice(-3), ['MaskedPaths', 'ReadonlyPaths', 'Init']);
  });

  it('is idempotent (inspect re-completes a stored HostConfig)', () => {
    const once = normalizeHostConfig(CLI_HOST_CONFIG, { maskedPaths: MASKED, readonlyPaths: READONLY });
    assert.equal(JSON.stringify(completeHostConfig(once)), JSON.stringify(once));
    const privileged = normalizeHostConfig({ Privileged: true, Memory: 10 });
    assert.equal(JSON.stringify(completeHostConfig(privileged)), JSON.stringify(privileged));
  });
});

describe('validateHostConfig', () => {
  const bad: [HostConfig, string][] = [
    [
      { AutoRemove: true, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } },
      "can't create 'AutoRemove' container with restart policy",
    ],
    [
      { RestartPolicy: { Name: 'sometimes', MaximumRetryCount: 0 } },
      "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
    ],
    [
      { RestartPolicy: { Name: 'always', MaximumRetryCount: 2 } },
      "invalid restart policy: maximum retry count can only be used with 'on-failure'",
    ],
    [
      { RestartPolicy: { Name: 'no', MaximumRetryCount: -1 } },
      "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative",
    ],
    [
      { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: -1 } },
      'invalid restart policy: maximum retry count cannot be negative',
    ],
    [{ ShmSize: -1 }, 'SHM size can not be less than 0'],
    [{ IpcMode: 'bogus' }, 'invalid IPC mode: bogus'],
    [{ PidMode: 'container:' }, 'invalid PID mode: container:'],
    [{ UTSMode: 'private' }, 'invalid UTS mode: private'],
    [{ CgroupnsMode: 'shared' }, 'invalid cgroup namespace mode: shared'],
    [{ OomScoreAdj: 1001 }, 'Invalid value 1001, range for oom score adj is [-1000, 1000]'],
    [{ Isolation: 'hyperv' }, "invalid isolation 'hyperv' on linux"],
    [
      { Annotations: { '': 'x' } },
      'invalid Annotations: the empty string is not permitted as an annotation key',
    ],
    [{ PortBindings: { 'abc/tcp': [] } }, 'invalid port specification: "abc"'],
    [
      { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '99999' }] } },
      'invalid port specification: "99999"',
    ],
    [{ Runtime: 'kata' }, 'unknown or invalid runtime name: kata'],
    [{ Tmpfs: { '/': '' } }, "invalid specification: destination can't be '/'"],
    [{ Tmpfs: { run: '' } }, "invalid mount path: 'run' mount path must be absolute"],
  ];
  for (const [hostConfig, message] of bad) {
    it(`refuses: ${message}`, () => {
      assert.throws(() => validateHostConfig(hostConfig), { name: 'InvalidArgumentError', message });
      assert.throws(() => normalizeHostConfig(hostConfig), { message });
    });
  }

  it('accepts what Docker accepts', () => {
    for (const hostConfig of [
      { AutoRemove: true, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } },
      { AutoRemove: true, RestartPolicy: { Name: '', MaximumRetryCount: 5 } },
      { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 } },
      { IpcMode: 'container:web', PidMode: 'container:web', UTSMode: 'host', Isolation: 'default' },
      {
        PortBindings: {
          '80/tcp': [
            { HostIp: '127.0.0.1', HostPort: '' },
            { HostIp: '', HostPort: '8000-8001' },
          ],
        },
      },
      { ShmSize: 0, OomScoreAdj: -1000, CgroupnsMode: 'private', Runtime: 'runc' },
    ] as HostConfig[]) {
      assert.doesNotThrow(() => validateHostConfig(hostConfig), JSON.stringify(hostConfig));
    }
  });
});
