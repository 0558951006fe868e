/**
 * Names and addresses for network tests that cannot clash with the host or with each other:
 * kernel objects start with the run's test prefix (the leak check looks for it), and subnets
 * are random /24s of 10.213.0.0/16 that nothing on the host uses yet.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { RUN_NAME_PREFIX } from '../../../test/support/test-base.js';
import { formatIpv4, parsePrefix, prefixesOverlap } from '../ipv4.js';

/** This run's name prefix + random hex, `length` characters in all (≤ 15 for an interface name). */
export function testName(length = 11): string {
  return (
    RUN_NAME_PREFIX +
    randomBytes(8)
      .toString('hex')
      .slice(0, length - RUN_NAME_PREFIX.length)
  );
}

function hostPrefixes(): string[] {
  const found: string[] = [];
  const addrs = spawnSync('ip', ['-j', '-4', 'addr', 'show'], { encoding: 'utf8' }).stdout;
  for (const link of JSON.parse(addrs || '[]') as { addr_info?: { local: string; prefixlen: number }[] }[]) {
    for (const a of link.addr_info ?? []) found.push(`${a.local}/${a.prefixlen}`);
  }
  const routes = spawnSync('ip', ['-j', '-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout;
  for (const route of JSON.parse(routes || '[]') as { dst: string }[]) {
    if (route.dst !== 'default') found.push(route.dst.includes('/') ? route.dst : `${route.dst}/32`);
  }
  return found;
}

export interface TestSubnet {
  /** "10.213.x.0/24" */
  subnet: string;
  /** "10.213.x.1" */
  gateway: string;
  prefixLength: 24;
}

/** A random free 10.213.x.0/24 (x ≥ 1), with .1 as its gateway. */
export function freeTestSubnet(): TestSubnet {
  const used = hostPrefixes().map(parsePrefix);
  for (let attempt = 0; attempt < 200; attempt++) {
    const x = randomInt(1, 255);
    const subnet = `10.213.${x}.0/24`;
    const prefix = parsePrefix(subnet);
    if (!used.some((u) => prefixesOverlap(u, prefix))) {
      return { subnet, gateway: formatIpv4(prefix.network + 1), prefixLength: 24 };
    }
  }
  throw new Error('no free /24 in 10.213.0.0/16');
}
