import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../errors/index.js';
import { chooseDefaultSubnet, expandAddressPools, hostReservedNetworks } from './default-subnet.js';

describe('default subnet', () => {
  const candidates = expandAddressPools();

  it("expands libnetwork's local pools in order", () => {
    assert.equal(candidates.length, 15 + 16);
    assert.deepEqual(candidates.slice(0, 3), ['172.17.0.0/16', '172.18.0.0/16', '172.19.0.0/16']);
    assert.equal(candidates[14], '172.31.0.0/16');
    assert.deepEqual(candidates.slice(15, 17), ['192.168.0.0/20', '192.168.16.0/20']);
    assert.equal(candidates.at(-1), '192.168.240.0/20');
  });

  it('takes 172.17.0.0/16, or the next one that overlaps nothing in use', () => {
    assert.equal(chooseDefaultSubnet(candidates, ['192.0.2.0/24', '10.0.0.0/8']), '172.17.0.0/16');
    assert.equal(chooseDefaultSubnet(candidates, ['172.17.5.0/24']), '172.18.0.0/16');
    assert.equal(chooseDefaultSubnet(candidates, ['172.17.0.0/16', '172.18.0.1/32']), '172.19.0.0/16');
    assert.equal(chooseDefaultSubnet(candidates, ['172.16.0.0/12']), '192.168.0.0/20');
    assert.equal(chooseDefaultSubnet(candidates, ['172.16.0.0/12', '192.168.1.0/24']), '192.168.16.0/20');
    assert.throws(
      () => chooseDefaultSubnet(candidates, ['172.16.0.0/12', '192.168.0.0/16']),
      (err) =>
        err instanceof InvalidArgumentError &&
        err.message === 'all predefined address pools have been fully subnetted',
    );
  });

  it("infers the host's on-link routes and nameservers", async () => {
    const reserved = await hostReservedNetworks(undefined, 'nameserver 198.51.100.53\nnameserver ::1\n');
    const onLink = (
      JSON.parse(
        spawnSync('ip', ['-j', '-4', 'route', 'show', 'scope', 'link'], { encoding: 'utf8' }).stdout,
      ) as {
        dst: string;
      }[]
    ).map((r) => r.dst);
    assert.ok(onLink.length > 0, 'the test machine has an on-link route');
    for (const dst of onLink) assert.ok(reserved.includes(dst.includes('/') ? dst : `${dst}/32`), dst);
    assert.ok(reserved.includes('198.51.100.53/32'));
    assert.ok(!reserved.some((p) => p.includes(':')));
  });
});
