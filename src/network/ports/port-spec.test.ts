import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePortSpec, parsePortSpecs, publishRequests } from './port-spec.js';

describe('parsePortSpec (nat.ParsePortSpec)', () => {
  it('reads ip, host port, container port and protocol', () => {
    assert.deepEqual(parsePortSpec('127.0.0.1:8081:80'), [
      { port: '80/tcp', binding: { HostIp: '127.0.0.1', HostPort: '8081' } },
    ]);
    assert.deepEqual(parsePortSpec('53/UDP'), [{ port: '53/udp', binding: { HostIp: '', HostPort: '' } }]);
    assert.deepEqual(parsePortSpec('127.0.0.1::80'), [
      { port: '80/tcp', binding: { HostIp: '127.0.0.1', HostPort: '' } },
    ]);
    assert.deepEqual(parsePortSpec('[::1]:8080:80/sctp'), [
      { port: '80/sctp', binding: { HostIp: '::1', HostPort: '8080' } },
    ]);
  });

  it('expands ranges port by port, and keeps a host range for a single container port', () => {
    assert.deepEqual(
      parsePortSpec('8000-8002:80-82').map((m) => [m.port, m.binding.HostPort]),
      [
        ['80/tcp', '8000'],
        ['81/tcp', '8001'],
        ['82/tcp', '8002'],
      ],
    );
    assert.deepEqual(parsePortSpec('8000-8010:80'), [
      { port: '80/tcp', binding: { HostIp: '', HostPort: '8000-8010' } },
    ]);
  });

  it("fails with Docker's wording", () => {
    const cases: [string, string][] = [
      ['8080:', 'no port specified: 8080:<empty>'],
      ['80/icmp', 'invalid proto: icmp'],
      ['1.2.3:80:80', 'invalid IP address: 1.2.3'],
      ['80-x', 'invalid containerPort: 80-x'],
      ['99999:80', 'invalid hostPort: 99999'],
      ['8000-8001:80-82', 'invalid ranges specified for container and host Ports: 80-82 and 8000-8001'],
    ];
    for (const [spec, message] of cases) assert.throws(() => parsePortSpec(spec), { message }, spec);
  });

  it('collects several specs into ExposedPorts and PortBindings', () => {
    assert.deepEqual(parsePortSpecs(['8080:80', '127.0.0.1:8081:80', '53/udp']), {
      exposedPorts: { '80/tcp': {}, '53/udp': {} },
      portBindings: {
        '80/tcp': [
          { HostIp: '', HostPort: '8080' },
          { HostIp: '127.0.0.1', HostPort: '8081' },
        ],
        '53/udp': [{ HostIp: '', HostPort: '' }],
      },
    });
  });
});

describe('publishRequests (the daemon side)', () => {
  it('turns bindings into requests: fixed, ranged and ephemeral host ports', () => {
    const requests = publishRequests({
      portBindings: {
        '80/tcp': [
          { HostIp: '127.0.0.1', HostPort: '8081' },
          { HostIp: '', HostPort: '8000-8010' },
        ],
        '53/udp': [{ HostIp: '', HostPort: '' }],
        '443/tcp': null,
      },
    });
    assert.deepEqual(requests, [
      { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPortStart: 8081, hostPortEnd: 8081 },
      { proto: 'tcp', containerPort: 80, hostIp: '', hostPortStart: 8000, hostPortEnd: 8010 },
      { proto: 'udp', containerPort: 53, hostIp: '', hostPortStart: 0, hostPortEnd: 0 },
    ]);
  });

  it('-P publishes every exposed port without a binding to an ephemeral port', () => {
    const requests = publishRequests({
      portBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
      publishAll: true,
      exposedPorts: { '80/tcp': {}, '443/tcp': {}, '53/udp': {} },
    });
    assert.deepEqual(
      requests.map((r) => `${r.containerPort}/${r.proto}:${r.hostPortStart}`),
      ['80/tcp:8080', '443/tcp:0', '53/udp:0'],
    );
  });

  it("rejects a bad host port or address with Docker's wording", () => {
    assert.throws(() => publishRequests({ portBindings: { '80/tcp': [{ HostIp: '', HostPort: 'x' }] } }), {
      message: 'error parsing HostPort value(x):invalid port range: x',
    });
    assert.throws(
      () => publishRequests({ portBindings: { '80/tcp': [{ HostIp: 'nope', HostPort: '1' }] } }),
      {
        message: 'invalid IP address: nope',
      },
    );
    assert.throws(() => publishRequests({ portBindings: { '0/tcp': [] } }), {
      message: 'invalid port specification: "0"',
    });
  });
});
