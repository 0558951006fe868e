import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ConflictError } from '../../errors/index.js';
import { useCleanup } from '../../../test/support/cleanup.js';
import { iproute2LinkOps } from '../iproute2-link-ops.js';
import { freeTestSubnet, testName } from '../testing/test-network.js';
import { ensureBridge, removeBridge } from './ensure-bridge.js';

const cleanup = useCleanup();

function ipLink(
  name: string,
): { ifname: string; flags: string[]; mtu: number; linkinfo?: { info_kind: string } } | undefined {
  const result = spawnSync('ip', ['-j', '-d', 'link', 'show', 'dev', name], { encoding: 'utf8' });
  return result.status === 0 ? JSON.parse(result.stdout)[0] : undefined;
}

function ipv4Of(name: string): string[] {
  const out = spawnSync('ip', ['-j', '-4', 'addr', 'show', 'dev', name], { encoding: 'utf8' }).stdout;
  return (JSON.parse(out)[0]?.addr_info ?? []).map(
    (a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`,
  );
}

describe('ensureBridge', () => {
  it('creates the bridge with its gateway address, up, and is idempotent', async () => {
    const name = testName(12);
    const net = freeTestSubnet();
    const cidr = `${net.gateway}/24`;
    cleanup.link(name);
    const info = await ensureBridge({ name, cidr, mtu: 1400 });
    assert.equal(info.kind, 'bridge');
    const link = ipLink(name);
    assert.equal(link?.linkinfo?.info_kind, 'bridge');
    assert.ok(link?.flags.includes('UP'));
    assert.equal(link?.mtu, 1400);
    assert.deepEqual(ipv4Of(name), [cidr]);

    // Again, and after someone took it down: same single address, up again.
    spawnSync('ip', ['link', 'set', 'dev', name, 'down']);
    const again = await ensureBridge({ name, cidr });
    assert.ok(again.up);
    assert.deepEqual(ipv4Of(name), [cidr]);
    assert.ok(ipLink(name)?.flags.includes('UP'));

    assert.equal(await removeBridge(name), true);
    assert.equal(ipLink(name), undefined);
    assert.equal(await removeBridge(name), false);
  });

  it('leaves a link of the same name that is not a bridge alone', async () => {
    const name = testName(12);
    cleanup.link(name);
    // A veth pair (the kernel here has no dummy driver); deleting one end removes both.
    assert.equal(
      spawnSync('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', testName(12)]).status,
      0,
    );
    const net = freeTestSubnet();
    await assert.rejects(ensureBridge({ name, cidr: `${net.gateway}/24` }), ConflictError);
    await assert.rejects(removeBridge(name), ConflictError);
    assert.equal(ipLink(name)?.linkinfo?.info_kind, 'veth');
    assert.deepEqual(ipv4Of(name), []);
    await iproute2LinkOps.deleteLink(name);
  });

  it('refuses names that are not interface names', async () => {
    await assert.rejects(
      ensureBridge({ name: 'ltst-far-too-long-name', cidr: '10.213.0.1/24' }),
      /invalid interface name/,
    );
    await assert.rejects(ensureBridge({ name: 'ltst x', cidr: '10.213.0.1/24' }), /invalid interface name/);
    await assert.rejects(ensureBridge({ name: 'ltstok', cidr: '10.213.0.1' }), /invalid CIDR/);
  });
});
