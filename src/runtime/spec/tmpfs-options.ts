/**
 * `--tmpfs /path:opts` mount options as dockerd merges them: noexec,nosuid,nodev,rprivate
 * first, then the user's, and for each flag (or flag pair like exec/noexec) or key=value the
 * last one given wins. Facts from moby/sys/mount MergeTmpfsOptions.
 */
import { InvalidArgumentError } from '../../errors/index.js';

/** Each flag with the key of the mount flag it sets or clears (pairs share a key). */
const FLAG_KEYS: Readonly<Record<string, string>> = {
  ro: 'rdonly',
  rw: 'rdonly',
  suid: 'nosuid',
  nosuid: 'nosuid',
  dev: 'nodev',
  nodev: 'nodev',
  exec: 'noexec',
  noexec: 'noexec',
  sync: 'sync',
  async: 'sync',
  dirsync: 'dirsync',
  remount: 'remount',
  mand: 'mand',
  nomand: 'mand',
  atime: 'noatime',
  noatime: 'noatime',
  diratime: 'nodiratime',
  nodiratime: 'nodiratime',
  relatime: 'relatime',
  norelatime: 'relatime',
  strictatime: 'strictatime',
  nostrictatime: 'strictatime',
  // Only one propagation (or bind) mode can apply.
  bind: 'propagation',
  rbind: 'propagation',
  unbindable: 'propagation',
  runbindable: 'propagation',
  private: 'propagation',
  rprivate: 'propagation',
  shared: 'propagation',
  rshared: 'propagation',
  slave: 'propagation',
  rslave: 'propagation',
};

const DATA_KEYS = new Set(['', 'size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

/** Docker's options for one --tmpfs mount, `data` being the part after the colon. */
export function tmpfsMountOptions(data: string): string[] {
  const options = ['noexec', 'nosuid', 'nodev', 'rprivate'];
  if (data !== '') options.push(...data.split(','));
  return mergeTmpfsOptions(options);
}

export function mergeTmpfsOptions(options: readonly string[]): string[] {
  const seenFlags = new Set<string>();
  const seenData = new Set<string>();
  const merged: string[] = [];
  for (let i = options.length - 1; i >= 0; i--) {
    const option = options[i] ?? '';
    if (option === 'defaults') continue;
    const flagKey = FLAG_KEYS[option];
    if (flagKey !== undefined) {
      if (!seenFlags.has(flagKey)) {
        merged.unshift(option);
        seenFlags.add(flagKey);
      }
      continue;
    }
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    if (eq < 0 || !DATA_KEYS.has(key)) {
      throw new InvalidArgumentError(`invalid tmpfs option ${JSON.stringify(key)}`);
    }
    if (!seenData.has(key)) {
      merged.unshift(option);
      seenData.add(key);
    }
  }
  return merged;
}
