/**
 * The default bridge of a test daemon: a bridge, a free 10.213.x.0/24 and an iptables chain
 * prefix of its own, all named with the test prefix (the leak check finds them). Kept in
 * `<root>/test-network.json` so a second daemon on the same directories (a restart) gets the
 * same network; removed by the cleanup of the test that first made it, after its daemons.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeTestSubnet, testName } from '../../src/network/testing/test-network.js';
import type { Cleanup } from './cleanup.js';

export interface TestNetworkConfig {
  bridge: string;
  bip: string;
  'iptables-chain-prefix': string;
  /** Tests never change the host's sysctl; bridge and loopback traffic do not need it. */
  'ip-forward': false;
}

export function testNetworkConfig(root: string, cleanup: Cleanup): TestNetworkConfig {
  const path = join(root, 'test-network.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as TestNetworkConfig;
  const { gateway, prefixLength } = freeTestSubnet();
  const config: TestNetworkConfig = {
    bridge: testName(12),
    bip: `${gateway}/${prefixLength}`,
    'iptables-chain-prefix': testName(10),
    'ip-forward': false,
  };
  writeFileSync(path, JSON.stringify(config));
  cleanup.defer(`test network ${config.bridge}`, () => removeTestNetwork(config));
  return config;
}

/** The daemon's chains with every jump into them, and the bridge; only what the test named. */
export function removeTestNetwork(config: TestNetworkConfig): void {
  const prefix = config['iptables-chain-prefix'];
  for (const table of ['nat', 'filter']) {
    const listing = spawnSync('iptables', ['-w', '-t', table, '-S'], { encoding: 'utf8' }).stdout ?? '';
    const rules = listing
      .split('\n')
      .filter((line) => line.startsWith('-A ') && line.includes(`-j ${prefix}`));
    for (const rule of rules) {
      const [, chain = '', ...rest] = rule.split(' ');
      if (chain.startsWith(prefix)) continue; // inside our chains: flushed below
      spawnSync('iptables', ['-w', '-t', table, '-D', chain, ...rest]);
    }
    const chains = listing
      .split('\n')
      .filter((line) => line.startsWith(`-N ${prefix}`))
      .map((line) => line.slice(3));
    for (const chain of chains) spawnSync('iptables', ['-w', '-t', table, '-F', chain]);
    for (const chain of chains) spawnSync('iptables', ['-w', '-t', table, '-X', chain]);
  }
  spawnSync('ip', ['link', 'delete', config.bridge]);
}
