import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setRunning, setStopped } from './container-state.js';
import { inspectContainer } from './inspect-container.js';
import { testId, testRecord } from './record.testfixture.js';
import { commandString, summarizeContainer } from './summarize-container.js';

const GRAPH = {
  Name: 'overlay2',
  Data: { UpperDir: '/u', MergedDir: '/m', LowerDir: '/l', WorkDir: '/w' },
};

describe('inspectContainer', () => {
  it('prints dockerd’s keys in dockerd’s order, never null where Docker is not', () => {
    const record = testRecord(testId('a1'), '/web', '2026-11-29T12:00:00.5Z');
    const inspect = inspectContainer(record, { graphDriver: GRAPH, execIds: [] });
    assert.deepEqual(Object.keys(inspect), [
      'Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ResolvConfPath', 'HostnamePath', 'HostsPath', 'LogPath',
      'Name', 'RestartCount', 'Driver', 'Platform', 'MountLabel', 'ProcessLabel', 'AppArmorProfile', 'ExecIDs',
      'HostConfig', 'GraphDriver', 'Mounts', 'Config', 'NetworkSettings',
    ]); // prettier-ignore
    assert.equal(inspect.Name, '/web');
    assert.equal(inspect.Platform, 'linux');
    assert.equal(inspect.ExecIDs, null);
    assert.deepEqual(inspect.Mounts, []);
    assert.equal(
      JSON.stringify(inspect.GraphDriver),
      '{"Data":{"LowerDir":"/l","MergedDir":"/m","UpperDir":"/u","WorkDir":"/w"},"Name":"overlay2"}',
    );
    assert.deepEqual(inspect.NetworkSettings, {
      Bridge: '',
      SandboxID: '',
      SandboxKey: '',
      Ports: {},
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: '',
      Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      MacAddress: '',
      Networks: {},
    });
    assert.equal(inspect.State.Status, 'created');
    assert.equal(inspect.HostConfig.ShmSize, 67108864);
  });

  it('shows sizes, exec ids, mounts and the bridge endpoint at the top level', () => {
    const record = testRecord(testId('a1'), '/web', '2026-11-29T12:00:00Z');
    record.MountPoints = {
      '/z': { Type: 'volume', Name: 'v1', Source: '/var/lib/lading/volumes/v1/_data', Destination: '/z', Driver: 'local', Relabel: 'z', RW: true, Spec: { Type: 'volume', Source: 'v1', Target: '/z' }, SkipMountpointCreation: false },
      '/a': { Type: 'bind', Source: '/host', Destination: '/a', Name: '', Driver: '', Relabel: 'ro', RW: false, Propagation: 'rprivate', Spec: { Type: 'bind', Source: '/host', Target: '/a', ReadOnly: true }, SkipMountpointCreation: false },
    }; // prettier-ignore
    record.NetworkSettings.Networks = {
      bridge: { NetworkID: 'n1', EndpointID: 'e1', Gateway: '172.17.0.1', IPAddress: '172.17.0.2', IPPrefixLen: 16, MacAddress: '02:42:ac:11:00:02' } as never,
    }; // prettier-ignore
    record.NetworkSettings.Ports = { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] };
    const inspect = inspectContainer(record, {
      graphDriver: GRAPH,
      execIds: ['x1'],
      sizeRw: 0,
      sizeRootFs: 4096,
    });
    assert.deepEqual(inspect.ExecIDs, ['x1']);
    assert.deepEqual([inspect.SizeRw, inspect.SizeRootFs], [0, 4096]);
    assert.deepEqual(Object.keys(inspect).slice(19, 23), ['GraphDriver', 'SizeRw', 'SizeRootFs', 'Mounts']);
    assert.equal(
      JSON.stringify(inspect.Mounts),
      '[{"Type":"bind","Source":"/host","Destination":"/a","Mode":"ro","RW":false,"Propagation":"rprivate"},' +
        '{"Type":"volume","Name":"v1","Source":"/var/lib/lading/volumes/v1/_data","Destination":"/z","Driver":"local","Mode":"z","RW":true,"Propagation":""}]',
    );
    assert.equal(inspect.NetworkSettings.IPAddress, '172.17.0.2');
    assert.equal(inspect.NetworkSettings.EndpointID, 'e1');
    assert.equal(inspect.NetworkSettings.Networks.bridge?.DNSNames, null);
    assert.deepEqual(Object.keys(inspect.NetworkSettings.Networks.bridge ?? {}), [
      'IPAMConfig', 'Links', 'Aliases', 'MacAddress', 'DriverOpts', 'GwPriority', 'NetworkID', 'EndpointID',
      'Gateway', 'IPAddress', 'IPPrefixLen', 'IPv6Gateway', 'GlobalIPv6Address', 'GlobalIPv6PrefixLen', 'DNSNames',
    ]); // prettier-ignore
  });
});

describe('summarizeContainer', () => {
  it('quotes arguments with spaces as Docker does', () => {
    assert.equal(commandString('sh', ['-c', 'echo hi']), "sh -c 'echo hi'");
    assert.equal(commandString('sh', []), 'sh');
    assert.equal(commandString('/bin/echo', ["it's", 'a b']), "/bin/echo it's 'a b'");
  });

  it('makes a ps row', () => {
    const record = testRecord(testId('a1'), '/web', '2026-11-29T12:00:00.9Z', {
      Image: 'busybox',
      Cmd: ['sh', '-c', 'echo hi'],
      Labels: { b: '2', a: '1' },
    });
    setRunning(record, 5, '2026-11-29T12:00:01Z');
    setStopped(record, { code: 3, finishedAt: '2026-11-29T12:00:02Z' });
    record.NetworkSettings.Ports = {
      '80/tcp': [
        { HostIp: '0.0.0.0', HostPort: '8080' },
        { HostIp: '::', HostPort: '8080' },
      ],
      '53/udp': null,
    };
    const row = summarizeContainer(record, 'busybox', Date.parse('2026-11-29T12:00:12Z'));
    assert.deepEqual(row, {
      Id: record.ID,
      Names: ['/web'],
      Image: 'busybox',
      ImageID: record.Image,
      Command: "sh -c 'echo hi'",
      Created: Date.parse('2026-11-29T12:00:00Z') / 1000,
      Ports: [
        { PrivatePort: 53, Type: 'udp' },
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      ],
      Labels: { a: '1', b: '2' },
      State: 'exited',
      Status: 'Exited (3) 10 seconds ago',
      HostConfig: { NetworkMode: 'bridge' },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    });
    assert.deepEqual(
      Object.keys(summarizeContainer(record, 'x', 0, { sizeRw: 10, sizeRootFs: 20 })).slice(6, 10),
      ['Ports', 'SizeRw', 'SizeRootFs', 'Labels'],
    );
  });
});
