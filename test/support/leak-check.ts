/**
 * The run's last word: anything a test left behind — a mount or process under the run's base
 * directory, a network namespace, link or iptables rule named with the test prefix — is
 * reported (failing the run) and then removed, so one bad test cannot poison the next run.
 */
import { spawnSync } from 'node:child_process';
import { mountsUnder, unmount } from './mounts.js';
import { commandLineOf, pidsMentioning, terminate } from './processes.js';
import { RUN_NAME_PREFIX } from './test-base.js';

export interface Leak {
  kind: 'mount' | 'process' | 'netns' | 'link' | 'iptables';
  id: string;
  remove(): Promise<void> | void;
}

function lines(command: string, args: string[]): string[] {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}

export function findLeaks(base: string): Leak[] {
  const leaks: Leak[] = [];
  for (const pid of pidsMentioning(base)) {
    leaks.push({
      kind: 'process',
      id: `${pid} ${commandLineOf(pid) ?? ''}`,
      remove: () => terminate(pid, 2000),
    });
  }
  for (const point of mountsUnder(base)) {
    leaks.push({ kind: 'mount', id: point, remove: () => unmount(point) });
  }
  for (const name of lines('ip', ['netns', 'list']).map((line) => line.split(' ')[0] ?? '')) {
    if (name.startsWith(RUN_NAME_PREFIX)) {
      leaks.push({ kind: 'netns', id: name, remove: () => void spawnSync('ip', ['netns', 'delete', name]) });
    }
  }
  for (const line of lines('ip', ['-o', 'link', 'show'])) {
    const name = line.split(': ')[1]?.split('@')[0] ?? '';
    if (name.startsWith(RUN_NAME_PREFIX)) {
      leaks.push({ kind: 'link', id: name, remove: () => void spawnSync('ip', ['link', 'delete', name]) });
    }
  }
  // Chains go after every rule, so the jumps into them are gone before they are deleted.
  const chains: Leak[] = [];
  for (const table of ['filter', 'nat']) {
    for (const rule of lines('iptables', ['-t', table, '-S'])) {
      if (rule.startsWith('-A ') && rule.includes(RUN_NAME_PREFIX)) {
        const args = ['-t', table, '-D', ...rule.slice(3).split(' ')];
        leaks.push({
          kind: 'iptables',
          id: `${table}: ${rule}`,
          remove: () => void spawnSync('iptables', args),
        });
      }
      const chain = rule.startsWith('-N ') ? rule.slice(3) : '';
      if (chain.startsWith(RUN_NAME_PREFIX)) {
        chains.push({
          kind: 'iptables',
          id: `${table}: chain ${chain}`,
          remove: () => {
            spawnSync('iptables', ['-t', table, '-F', chain]);
            spawnSync('iptables', ['-t', table, '-X', chain]);
          },
        });
      }
    }
  }
  return [...leaks, ...chains];
}
