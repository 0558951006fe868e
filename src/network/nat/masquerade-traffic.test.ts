import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useCleanup } from '../../../test/support/cleanup.js';
import { makeTestDirs, RUN_NAME_PREFIX } from '../../../test/support/test-base.js';
import { ensureBridge } from '../bridge/ensure-bridge.js';
import { generateVethName } from '../interface-name.js';
import { attachEndpoint } from '../sandbox/endpoint.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { freeTestSubnet, testName } from '../testing/test-network.js';
import { ensureMasquerade, removeNat } from './masquerade.js';

const cleanup = useCleanup();

function ping(sandboxPath: string, address: string): boolean {
  const args = [`--net=${sandboxPath}`, '--', 'busybox', 'ping', '-c', '1', '-W', '1', address];
  return spawnSync('nsenter', args).status === 0;
}

describe('masquerade traffic', () => {
  it("lets a container reach a network that has no route back to the container's subnet", async () => {
    // Forwarding is the host's setting. ladingd turns it on as dockerd does; so does this test
    // when it is off, and it puts the old value back afterwards.
    const hostForward = '/proc/sys/net/ipv4/ip_forward';
    const before = readFileSync(hostForward, 'utf8').trim();
    if (before !== '1') {
      writeFileSync(hostForward, '1\n');
      cleanup.defer('restore ip_forward', () => writeFileSync(hostForward, `${before}\n`));
    }
    const dirs = makeTestDirs('nat-traffic');
    cleanup.directory(dirs.root);
    const ipForwardPath = join(dirs.root, 'ip_forward');
    await writeFile(ipForwardPath, '1\n');

    // The container's network, and an "outside" network on a second bridge whose only host
    // knows nothing of the container's subnet (no default route).
    const inner = freeTestSubnet();
    let outer = freeTestSubnet();
    while (outer.subnet === inner.subnet) outer = freeTestSubnet();
    const innerBridge = testName(12);
    const outerBridge = testName(12);
    cleanup.link(innerBridge);
    cleanup.link(outerBridge);
    await ensureBridge({ name: innerBridge, cidr: `${inner.gateway}/24` });
    await ensureBridge({ name: outerBridge, cidr: `${outer.gateway}/24` });

    const container = join(dirs.execRoot, 'netns', 'container');
    const outside = join(dirs.execRoot, 'netns', 'outside');
    const outsideAddress = outer.gateway.replace(/\.1$/, '.2');
    for (const [path, bridge, address, gateway] of [
      [container, innerBridge, inner.gateway.replace(/\.1$/, '.2'), inner.gateway],
      [outside, outerBridge, outsideAddress, undefined],
    ] as const) {
      cleanup.mount(path);
      const hostIfName = generateVethName(RUN_NAME_PREFIX);
      cleanup.link(hostIfName);
      await createSandbox({ id: path.split('/').pop()!, path });
      await attachEndpoint({ sandboxPath: path, bridge, hostIfName, address, prefixLength: 24, gateway });
    }

    const nat = { chainPrefix: testName(10), subnet: inner.subnet, bridge: innerBridge, ipForwardPath };
    cleanup.defer('nat rules', () => removeNat(nat));
    assert.equal(ping(container, outsideAddress), false, 'without NAT the reply has no way back');
    await ensureMasquerade(nat);
    assert.equal(
      ping(container, outsideAddress),
      true,
      'masqueraded as the outer gateway, the reply comes back',
    );
    await removeNat(nat);
    assert.equal(ping(container, outsideAddress), false, 'after removal the rule no longer applies');
  });
});
