/**
 * Publishing for real, as root: a test bridge and namespaces (testing/test-network.ts), the
 * proxy as a child process, iptables rules in the test's own chains. Traffic goes only to
 * 127.0.0.1 and to addresses inside the namespaces this file made.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { once } from 'node:events';
import { before, describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { runTool } from '../host-tools.js';
import { PortAllocator } from './port-allocator.js';
import { PortPublisher, portMapOf, type PublishedPorts } from './port-publisher.js';
import { iptablesPortRules, portChainNames, type PortRuleOps } from './port-rules.js';
import { publishRequests, type PortRequest } from './port-spec.js';
import { isProxyProcess, proxyProcessesIn, startProxyProcess } from './proxy-process.js';
import { createTestNetwork, probe, startEchoServer, type TestNetwork } from './testing/test-network.js';

const cleanup = useCleanup();

let net: TestNetwork;
let stateDir: string;
let rules: PortRuleOps;

async function chainRules(table: 'nat' | 'filter', chain: string): Promise<string[]> {
  const { stdout } = await runTool('iptables', ['-w', '-t', table, '-S', chain]);
  return stdout.split('\n').filter((line) => line.startsWith('-A '));
}

async function allChainRules(): Promise<string[]> {
  const chains = portChainNames(net.name);
  return [
    ...(await chainRules('nat', chains.dnat)),
    ...(await chainRules('filter', chains.forward)),
    ...(await chainRules('nat', chains.hairpin)),
  ];
}

/** Holds a port on 127.0.0.1 (or `host`) until cleanup; returns it. */
async function holdPort(host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  cleanup.defer('test listener', () => void server.close());
  return { server, port: (server.address() as AddressInfo).port };
}

/** A port free on every address right now (bound on 0.0.0.0, released). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '0.0.0.0');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function publisher(allocator = new PortAllocator()): PortPublisher {
  return new PortPublisher({ allocator, rules, stateDir, udpIdleMs: 2000 });
}

function request(id: string, requests: PortRequest[]) {
  return { id, endpointName: `web-${id}`, containerAddress: net.containerIp, bridge: net.bridge, requests };
}

function stateFiles(): string[] {
  return readdirSync(stateDir).sort();
}

before(async () => {
  const dirs = makeTestDirs('ports');
  cleanup.directory(dirs.root);
  stateDir = dirs.execRoot;
  net = await createTestNetwork(cleanup);
  rules = iptablesPortRules({ chain: net.name });
  cleanup.defer('port chains', () => rules.removeChains());
  await startEchoServer(cleanup, net, 80, 53);
});

describe('PortPublisher', () => {
  it('publishes TCP and UDP: loopback through the proxy, outside traffic through DNAT', async () => {
    const allocator = new PortAllocator();
    const ports = publisher(allocator);
    const published = await ports.publish(
      request(
        'e1',
        publishRequests({
          portBindings: {
            '80/tcp': [{ HostIp: '', HostPort: '' }],
            '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
          },
        }),
      ),
    );
    const tcp = published.ports.find((p) => p.proto === 'tcp')!;
    const udp = published.ports.find((p) => p.proto === 'udp')!;
    assert.ok(tcp.hostPort >= allocator.begin && tcp.hostPort <= allocator.end);
    assert.deepEqual(portMapOf(published), {
      '80/tcp': [{ HostIp: '0.0.0.0', HostPort: String(tcp.hostPort) }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: String(udp.hostPort) }],
    });
    assert.ok(published.proxyPid !== null && isProxyProcess(published.proxyPid, `${stateDir}/e1.pid`));
    assert.deepEqual(stateFiles(), ['e1.json', 'e1.pid']);

    // 127.0.0.1 reaches the proxy, which connects from the bridge's gateway address.
    assert.equal(
      await probe(undefined, 'tcp', '127.0.0.1', tcp.hostPort, 'hello'),
      `from ${net.gateway} got 5 bytes: hello`,
    );
    assert.equal(
      await probe(undefined, 'udp', '127.0.0.1', udp.hostPort, 'ping'),
      `udp from ${net.gateway}: ping`,
    );
    // The routed client is DNATed straight to the container, which sees the client's own address.
    assert.equal(
      await probe(net.clientNetns, 'tcp', net.hostLinkIp, tcp.hostPort, 'outside'),
      `from ${net.clientIp} got 7 bytes: outside`,
    );
    // Hairpin: the container reaching its own published port through the gateway goes through the proxy.
    assert.equal(
      await probe(net.containerNetns, 'tcp', net.gateway, tcp.hostPort, 'hairpin'),
      `from ${net.gateway} got 7 bytes: hairpin`,
    );
    const chains = portChainNames(net.name);
    const dnat = await chainRules('nat', chains.dnat);
    assert.deepEqual(dnat, [
      `-A ${chains.dnat} ! -i ${net.bridge} -p tcp -m tcp --dport ${tcp.hostPort} -j DNAT --to-destination ${net.containerIp}:80`,
      `-A ${chains.dnat} -d 127.0.0.1/32 ! -i ${net.bridge} -p udp -m udp --dport ${udp.hostPort} -j DNAT --to-destination ${net.containerIp}:53`,
    ]);
    const { stdout: counters } = await runTool('iptables', [
      '-w',
      '-t',
      'filter',
      '-L',
      chains.forward,
      '-v',
      '-n',
      '-x',
    ]);
    const accept = counters.split('\n').find((line) => line.includes('ACCEPT') && line.includes('dpt:80'));
    assert.ok(
      accept !== undefined && Number(accept.trim().split(/\s+/)[0]) > 0,
      `FORWARD accept used:\n${counters}`,
    );
    assert.equal((await chainRules('nat', chains.hairpin)).length, 2);

    await ports.unpublish(published);
    assert.deepEqual(await allChainRules(), []);
    assert.deepEqual(stateFiles(), []);
    assert.equal(isProxyProcess(published.proxyPid, `${stateDir}/e1.pid`), false);
    assert.equal(allocator.isHeld('0.0.0.0', 'tcp', tcp.hostPort), false);
    await assert.rejects(probe(undefined, 'tcp', '127.0.0.1', tcp.hostPort, 'x'), /ECONNREFUSED/);
  });

  it("fails on a host port in use with Docker's error and leaves nothing behind", async () => {
    const { port } = await holdPort();
    const allocator = new PortAllocator();
    const ports = publisher(allocator);
    const requests = publishRequests({
      portBindings: {
        '53/udp': [{ HostIp: '', HostPort: '' }],
        '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }],
      },
    });
    await assert.rejects(ports.publish(request('e2', requests)), {
      message:
        'driver failed programming external connectivity on endpoint web-e2 (e2): ' +
        `Error starting userland proxy: listen tcp4 127.0.0.1:${port}: bind: address already in use`,
    });
    assert.deepEqual(await allChainRules(), []);
    assert.deepEqual(stateFiles(), []);
    assert.deepEqual(proxyProcessesIn(stateDir), []);
    assert.equal(allocator.isHeld('127.0.0.1', 'tcp', port), false);
  });

  it('refuses a port another endpoint holds: port is already allocated', async () => {
    const port = await freePort();
    const ports = publisher();
    const first = await ports.publish(
      request('e3', [
        { proto: 'tcp', containerPort: 80, hostIp: '', hostPortStart: port, hostPortEnd: port },
      ]),
    );
    cleanup.defer('endpoint e3', () => ports.unpublish(first));
    const rulesBefore = await allChainRules();
    await assert.rejects(
      ports.publish(
        request('e4', [
          { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPortStart: port, hostPortEnd: port },
        ]),
      ),
      {
        message: `driver failed programming external connectivity on endpoint web-e4 (e4): Bind for 0.0.0.0:${port} failed: port is already allocated`,
      },
    );
    assert.deepEqual(await allChainRules(), rulesBefore);
    assert.deepEqual(stateFiles(), ['e3.json', 'e3.pid']);
    await ports.unpublish(first);
  });

  it('moves an ephemeral port that another program holds to the next free one', async () => {
    const { port: busy } = await holdPort('0.0.0.0');
    // A two-port "ephemeral range" whose first port is taken outside lading.
    const allocator = new PortAllocator({ ephemeralRange: [busy, busy + 1], reserved: new Set() });
    const ports = publisher(allocator);
    const published = await ports.publish(
      request('e5', [
        { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPortStart: 0, hostPortEnd: 0 },
      ]),
    );
    cleanup.defer('endpoint e5', () => ports.unpublish(published));
    assert.equal(published.ports[0]?.hostPort, busy + 1);
    assert.equal(
      await probe(undefined, 'tcp', '127.0.0.1', busy + 1, 'moved'),
      `from ${net.gateway} got 5 bytes: moved`,
    );
    assert.equal(
      (await chainRules('nat', net.name)).filter((rule) => rule.includes(`--dport ${busy} `)).length,
      0,
    );
    await ports.unpublish(published);
    assert.deepEqual(await allChainRules(), []);
  });

  it('keeps forwarding across a daemon restart: restore adopts, or removes, and kills orphans', async () => {
    const ports = publisher();
    let published: PublishedPorts = await ports.publish(
      request('e6', [
        { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPortStart: 0, hostPortEnd: 0 },
      ]),
    );
    cleanup.defer('endpoint e6', () => ports.unpublish(published));
    const hostPort = published.ports[0]!.hostPort;
    // An orphan: a proxy whose record never got written (a crash between the two).
    const orphan = await startProxyProcess({
      pidFile: `${stateDir}/orphan.pid`,
      bindings: [
        {
          proto: 'tcp',
          hostIp: '127.0.0.1',
          hostPort: await freePort(),
          containerIp: net.containerIp,
          containerPort: 80,
        },
      ],
    });
    cleanup.process(orphan);

    // "Restart": a new publisher and allocator, same state dir and chains.
    const allocator = new PortAllocator();
    const restarted = publisher(allocator);
    const result = await restarted.restore();
    assert.deepEqual(
      result.adopted.map((r) => [r.id, r.proxyPid]),
      [['e6', published.proxyPid]],
    );
    assert.deepEqual(result.orphans, [orphan]);
    assert.ok(allocator.isHeld('127.0.0.1', 'tcp', hostPort));
    assert.equal(
      await probe(undefined, 'tcp', '127.0.0.1', hostPort, 'still'),
      `from ${net.gateway} got 5 bytes: still`,
    );
    published = result.adopted[0]!;

    // A container that is gone by the next start: its proxy, rules and record go.
    const again = await publisher().restore(() => false);
    assert.deepEqual(again, { adopted: [], removed: ['e6'], orphans: [] });
    assert.deepEqual(await allChainRules(), []);
    assert.deepEqual(stateFiles(), []);
    await assert.rejects(probe(undefined, 'tcp', '127.0.0.1', hostPort, 'x'), /ECONNREFUSED/);
  });
});
