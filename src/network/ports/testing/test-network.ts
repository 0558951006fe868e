/**
 * A throwaway network for port-publishing tests, made with the exec wrapper and removed by name
 * through the test's Cleanup:
 *
 *   bridge <name> 10.213.N.1/25 ── veth ── netns <name>c: eth0 10.213.N.2/25 (the "container")
 *   host link <name>w0 10.213.N.129/25 ── veth ── netns <name>x: 10.213.N.130/25 (a "remote" client)
 *
 * The client namespace is routed, not bridged, so its traffic to 10.213.N.129 arrives on a
 * host interface other than the bridge and meets the DNAT rule as outside traffic does.
 * N is a /24 in 10.213.0.0/16 that no host address or route uses. Names start with this run's RUN_NAME_PREFIX (testName).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from '../../../../test/support/cleanup.js';
import { freeTestSubnet, testName } from '../../testing/test-network.js';
import { runTool } from '../../host-tools.js';

export interface TestNetwork {
  name: string;
  bridge: string;
  gateway: string;
  containerIp: string;
  containerNetns: string;
  /** The host's address on the client link. */
  hostLinkIp: string;
  clientIp: string;
  clientNetns: string;
}

const SCRIPT_DIR = fileURLToPath(new URL('.', import.meta.url));

export async function createTestNetwork(cleanup: Cleanup): Promise<TestNetwork> {
  const name = testName(10);
  // The same free-subnet choice as the other network tests: a 10.213.x.0/24 no address or route uses.
  const n = Number(freeTestSubnet().subnet.split('.')[2]);
  const net: TestNetwork = {
    name,
    bridge: name,
    gateway: `10.213.${n}.1`,
    containerIp: `10.213.${n}.2`,
    containerNetns: `${name}c`,
    hostLinkIp: `10.213.${n}.129`,
    clientIp: `10.213.${n}.130`,
    clientNetns: `${name}x`,
  };
  const ip = (...args: string[]): Promise<unknown> => runTool('ip', args);
  const inNs = (ns: string, ...args: string[]): Promise<unknown> => runTool('ip', ['-n', ns, ...args]);

  await ip('link', 'add', 'name', net.bridge, 'type', 'bridge');
  cleanup.link(net.bridge);
  await ip('addr', 'add', `${net.gateway}/25`, 'dev', net.bridge);
  await ip('link', 'set', net.bridge, 'up');

  await ip('netns', 'add', net.containerNetns);
  cleanup.netns(net.containerNetns);
  await ip(
    'link',
    'add',
    `${name}v0`,
    'type',
    'veth',
    'peer',
    'name',
    `${name}v1`,
    'netns',
    net.containerNetns,
  );
  cleanup.link(`${name}v0`);
  await ip('link', 'set', `${name}v0`, 'master', net.bridge, 'up');
  await inNs(net.containerNetns, 'link', 'set', 'lo', 'up');
  await inNs(net.containerNetns, 'link', 'set', `${name}v1`, 'name', 'eth0');
  await inNs(net.containerNetns, 'addr', 'add', `${net.containerIp}/25`, 'dev', 'eth0');
  await inNs(net.containerNetns, 'link', 'set', 'eth0', 'up');
  await inNs(net.containerNetns, 'route', 'add', 'default', 'via', net.gateway);

  await ip('netns', 'add', net.clientNetns);
  cleanup.netns(net.clientNetns);
  await ip('link', 'add', `${name}w0`, 'type', 'veth', 'peer', 'name', `${name}w1`, 'netns', net.clientNetns);
  cleanup.link(`${name}w0`);
  await ip('addr', 'add', `${net.hostLinkIp}/25`, 'dev', `${name}w0`);
  await ip('link', 'set', `${name}w0`, 'up');
  await inNs(net.clientNetns, 'link', 'set', 'lo', 'up');
  await inNs(net.clientNetns, 'addr', 'add', `${net.clientIp}/25`, 'dev', `${name}w1`);
  await inNs(net.clientNetns, 'link', 'set', `${name}w1`, 'up');
  await inNs(net.clientNetns, 'route', 'add', 'default', 'via', net.hostLinkIp);
  return net;
}

/** Starts the echo server (TCP and UDP) inside the container namespace; stopped by pid at cleanup. */
export async function startEchoServer(
  cleanup: Cleanup,
  net: TestNetwork,
  tcpPort: number,
  udpPort: number,
): Promise<ChildProcess> {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      net.containerNetns,
      process.execPath,
      `${SCRIPT_DIR}/echo-server.js`,
      String(tcpPort),
      String(udpPort),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.pid !== undefined) cleanup.process(child.pid, `echo server in ${net.containerNetns}`);
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  if (line.toString().trim() !== 'ready') throw new Error(`echo server said ${line.toString()}`);
  return child;
}

/** Runs the probe client in `netns` (or on the host when undefined) and returns what it printed. */
export async function probe(
  netns: string | undefined,
  proto: 'tcp' | 'udp',
  host: string,
  port: number,
  text: string,
): Promise<string> {
  const argv = [process.execPath, `${SCRIPT_DIR}/probe.js`, proto, host, String(port), text];
  const { stdout } = await runTool(
    netns === undefined ? argv[0]! : 'ip',
    netns === undefined ? argv.slice(1) : ['netns', 'exec', netns, ...argv],
  );
  return stdout;
}
