/**
 * The default bridge network for real, as root, on a bridge, subnet and chains of the test's
 * own: connect gives an address, a sandbox with eth0 and published ports; a port error undoes
 * everything; and a new BridgeNetwork on the same state (a daemon restart) keeps the endpoints
 * it is told to keep and removes every trace of the others.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs } from '../../../test/support/test-base.js';
import { removeTestNetwork } from '../../../test/support/test-network-config.js';
import { silentLogger } from '../../log/index.js';
import { freeTestSubnet, testName } from '../testing/test-network.js';
import { BridgeNetwork, type BridgeNetworkOptions } from './bridge-network.js';

const cleanup = useCleanup();

function linksOn(bridge: string): string[] {
  const out = spawnSync('ip', ['-o', 'link', 'show', 'master', bridge], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(': ')[1]!.split('@')[0]!)
    .sort();
}

function addressIn(sandbox: string): string {
  return spawnSync('nsenter', [`--net=${sandbox}`, 'ip', '-o', '-4', 'addr', 'show', 'eth0'], {
    encoding: 'utf8',
  }).stdout;
}

describe('BridgeNetwork', { timeout: 60_000 }, () => {
  const dirs = makeTestDirs('bridge-network');
  cleanup.directory(dirs.root);
  const { gateway } = freeTestSubnet();
  const options: BridgeNetworkOptions = {
    bridge: testName(12),
    bip: `${gateway}/24`,
    dataDir: join(dirs.dataRoot, 'network'),
    execRoot: dirs.execRoot,
    chainPrefix: testName(10),
    ipForward: false,
    logger: silentLogger(),
  };
  cleanup.defer('test bridge network', () =>
    removeTestNetwork({
      bridge: options.bridge,
      bip: options.bip!,
      'iptables-chain-prefix': options.chainPrefix,
      'ip-forward': false,
    }),
  );
  const ids = { a: 'a'.repeat(64), b: 'b'.repeat(64), c: 'c'.repeat(64) };

  it('connects, refuses a taken port leaving nothing, and reconciles after a restart', async () => {
    const network = await BridgeNetwork.open(options);
    await network.reconcile(new Set());
    assert.equal(network.subnet, `${gateway.replace(/\.1$/, '.0')}/24`);

    const a = await network.connect({ containerId: ids.a, name: 'a', portBindings: null });
    assert.equal(a.address, gateway.replace(/\.1$/, '.2'));
    assert.match(addressIn(a.sandboxKey), new RegExp(`inet ${a.address.replace(/\./g, '\\.')}/24`));
    const b = await network.connect({
      containerId: ids.b,
      name: 'b',
      portBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    });
    assert.equal(b.address, gateway.replace(/\.1$/, '.3'));
    assert.equal(b.ports['80/tcp']?.[0]?.HostIp, '127.0.0.1');

    // A port someone else holds: Docker's error, and no sandbox, veth or lease of c is left.
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const busy = (holder.address() as AddressInfo).port;
    const vethsBefore = linksOn(options.bridge);
    await assert.rejects(
      network.connect({
        containerId: ids.c,
        name: 'c',
        portBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(busy) }] },
      }),
      /driver failed programming external connectivity on endpoint c \(c{64}\): Error starting userland proxy: listen tcp4 127\.0\.0\.1:\d+: bind: address already in use/,
    );
    holder.close();
    assert.deepEqual(linksOn(options.bridge), vethsBefore);
    assert.ok(!existsSync(join(dirs.execRoot, 'netns', ids.c)));

    // A restart that keeps a only: b's veth, sandbox, proxy and lease go.
    const again = await BridgeNetwork.open(options);
    assert.equal(again.id, network.id, 'the network keeps its ID');
    await again.reconcile(new Set([ids.a]));
    assert.deepEqual(linksOn(options.bridge), [a.hostIfName]);
    assert.deepEqual(readdirSync(join(dirs.execRoot, 'netns')), [ids.a]);
    assert.deepEqual(
      readdirSync(join(dirs.execRoot, 'ports')).filter((f) => !f.startsWith('.')),
      [],
      "b's port record and proxy are gone",
    );
    // b's address is free again; a keeps its own.
    const c = await again.connect({ containerId: ids.c, name: 'c', portBindings: null });
    assert.equal(c.address, b.address);
    await again.disconnect(ids.a);
    await again.disconnect(ids.c);
    await again.disconnect(ids.c); // idempotent
    assert.deepEqual(linksOn(options.bridge), []);
    assert.deepEqual(readdirSync(join(dirs.execRoot, 'netns')), []);
  });
});
