import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConflictError } from '../../errors/index.js';
import { isMountPoint } from '../../sys/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs, RUN_NAME_PREFIX } from '../../../test/support/test-base.js';
import { waitFor } from '../../../test/support/wait.js';
import { ensureBridge, removeBridge } from '../bridge/ensure-bridge.js';
import { generateVethName } from '../interface-name.js';
import { openIpamPool } from '../ipam/ipam-pool.js';
import { macFromIpv4 } from '../ipam/mac-address.js';
import { freeTestSubnet, testName } from '../testing/test-network.js';
import { attachEndpoint, detachEndpoint, leftoverVeths } from './endpoint.js';
import { createSandbox, listSandboxes, removeSandbox } from './sandbox.js';

const cleanup = useCleanup();

function inSandbox(path: string, command: string[]) {
  return spawnSync('nsenter', [`--net=${path}`, '--', ...command], { encoding: 'utf8' });
}

function ping(path: string, address: string): boolean {
  return inSandbox(path, ['busybox', 'ping', '-c', '1', '-W', '2', address]).status === 0;
}

function hostLinkExists(name: string): boolean {
  return spawnSync('ip', ['link', 'show', 'dev', name]).status === 0;
}

describe('sandboxes on a bridge', () => {
  it('gives each sandbox its address, and they reach each other and the gateway', async () => {
    const dirs = makeTestDirs('sandbox');
    cleanup.directory(dirs.root);
    const netnsDir = join(dirs.execRoot, 'netns');
    const bridge = testName(12);
    const net = freeTestSubnet();
    cleanup.link(bridge);
    await ensureBridge({ name: bridge, cidr: `${net.gateway}/${net.prefixLength}` });
    const ipam = await openIpamPool({
      stateDir: join(dirs.dataRoot, 'ipam'),
      poolId: 'testnet',
      subnet: net.subnet,
      gateway: net.gateway,
    });

    const sandboxes = [];
    for (const id of ['c1', 'c2']) {
      const path = join(netnsDir, id);
      cleanup.mount(path);
      const hostIfName = generateVethName(RUN_NAME_PREFIX);
      cleanup.link(hostIfName);
      const address = await ipam.allocate(id);
      await createSandbox({ id, path });
      const endpoint = await attachEndpoint({
        sandboxPath: path,
        bridge,
        hostIfName,
        address,
        prefixLength: net.prefixLength,
        gateway: net.gateway,
      });
      sandboxes.push({ id, path, endpoint });
    }
    const [one, two] = sandboxes as [(typeof sandboxes)[0], (typeof sandboxes)[0]];

    for (const { path, endpoint } of sandboxes) {
      assert.ok(isMountPoint(path));
      assert.match(endpoint.hostIfName, new RegExp(`^${RUN_NAME_PREFIX}[0-9a-f]{7}$`));
      const link = JSON.parse(inSandbox(path, ['ip', '-j', 'addr', 'show', 'dev', 'eth0']).stdout)[0];
      assert.equal(link.address, macFromIpv4(endpoint.address));
      assert.ok(link.flags.includes('UP'));
      const v4 = link.addr_info.filter((a: { family: string }) => a.family === 'inet');
      assert.deepEqual(
        v4.map((a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`),
        [`${endpoint.address}/24`],
      );
      assert.match(
        inSandbox(path, ['ip', '-4', 'route', 'show', 'default']).stdout,
        new RegExp(`^default via ${net.gateway.replace(/\./g, '\\.')} dev eth0`),
      );
      assert.match(inSandbox(path, ['ip', '-o', 'link', 'show', 'lo']).stdout, /UP/);
      const host = JSON.parse(
        spawnSync('ip', ['-j', 'link', 'show', 'dev', endpoint.hostIfName], { encoding: 'utf8' }).stdout,
      )[0];
      assert.equal(host.master, bridge);
      assert.ok(host.flags.includes('UP'));
    }
    assert.deepEqual(
      [one.endpoint.address, two.endpoint.address],
      [net.gateway.replace(/\.1$/, '.2'), net.gateway.replace(/\.1$/, '.3')],
    );

    assert.ok(ping(one.path, two.endpoint.address), 'c1 reaches c2');
    assert.ok(ping(two.path, one.endpoint.address), 'c2 reaches c1');
    assert.ok(ping(one.path, net.gateway), 'c1 reaches the gateway');

    assert.deepEqual(
      (await listSandboxes(netnsDir)).map((s) => [s.id, s.mounted]),
      [
        ['c1', true],
        ['c2', true],
      ],
    );
    assert.deepEqual(
      await leftoverVeths(RUN_NAME_PREFIX, { bridge }),
      [one.endpoint.hostIfName, two.endpoint.hostIfName].sort(),
    );
    await assert.rejects(createSandbox({ id: 'c1', path: one.path }), ConflictError);

    // Detach c1's endpoint: the pair is gone on both sides, c2 is no longer reachable from c1.
    assert.equal(await detachEndpoint(one.endpoint.hostIfName), true);
    assert.equal(await detachEndpoint(one.endpoint.hostIfName), false);
    assert.equal(hostLinkExists(one.endpoint.hostIfName), false);
    assert.notEqual(inSandbox(one.path, ['ip', 'link', 'show', 'eth0']).status, 0);
    assert.equal(ping(one.path, two.endpoint.address), false);

    // Removing c2's sandbox alone destroys its namespace and with it the veth pair.
    await removeSandbox(two.path);
    assert.equal(isMountPoint(two.path), false);
    assert.equal(existsSync(two.path), false);
    // The kernel tears a namespace down in the background, so its links vanish a little later.
    await waitFor(
      'the veth of a removed sandbox to vanish',
      () => !hostLinkExists(two.endpoint.hostIfName),
      10_000,
    );
    await removeSandbox(two.path);

    await removeSandbox(one.path);
    assert.deepEqual(await listSandboxes(netnsDir), []);
    assert.equal(await removeBridge(bridge), true);
    assert.deepEqual(await leftoverVeths(RUN_NAME_PREFIX, { bridge }), []);

    // Nothing of it is left in the kernel: no link of ours, no namespace mount.
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
    for (const name of [bridge, one.endpoint.hostIfName, two.endpoint.hostIfName])
      assert.ok(!links.includes(`${name}`), name);
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(netnsDir));
  });

  it('leaves nothing behind when the endpoint cannot be wired', async () => {
    const dirs = makeTestDirs('sandbox-fail');
    cleanup.directory(dirs.root);
    const path = join(dirs.execRoot, 'netns', 'c1');
    cleanup.mount(path);
    const hostIfName = generateVethName(RUN_NAME_PREFIX);
    cleanup.link(hostIfName);
    await createSandbox({ id: 'c1', path });
    // No such bridge: the veth pair is made, enslaving it fails, and the pair is removed again.
    await assert.rejects(
      attachEndpoint({
        sandboxPath: path,
        bridge: testName(12),
        hostIfName,
        address: '10.213.0.2',
        prefixLength: 24,
      }),
      /exit status/,
    );
    assert.equal(hostLinkExists(hostIfName), false);
    assert.notEqual(inSandbox(path, ['ip', 'link', 'show', 'eth0']).status, 0);
    await removeSandbox(path);
    assert.equal(existsSync(path), false);
  });

  it('lists an unmounted leftover file as not mounted and reuses it', async () => {
    const dirs = makeTestDirs('sandbox-leftover');
    cleanup.directory(dirs.root);
    const dir = join(dirs.execRoot, 'netns');
    const path = join(dir, 'c9');
    cleanup.mount(path);
    spawnSync('mkdir', ['-p', dir]);
    spawnSync('touch', [path]);
    assert.deepEqual(await listSandboxes(dir), [{ id: 'c9', path, mounted: false }]);
    await createSandbox({ id: 'c9', path });
    assert.deepEqual(await listSandboxes(dir), [{ id: 'c9', path, mounted: true }]);
    await removeSandbox(path);
    assert.deepEqual(await listSandboxes(dir), []);
  });
});
