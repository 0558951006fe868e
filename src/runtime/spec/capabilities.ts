/**
 * Linux capabilities as Docker grants them: the default set, --cap-add/--cap-drop with
 * Docker's normalisation (case-insensitive, CAP_ prefix optional, the magic value ALL), and
 * every capability for --privileged. Facts from moby daemon/pkg/oci/caps (v29).
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../errors/index.js';

/** Docker's default capability set, in Docker's order (what `CapEff` shows as 00000000a80425fb). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/**
 * Every capability Linux defines, indexed by number (0 … 40, CAP_CHECKPOINT_RESTORE being
 * the last in kernel 5.9+; this machine's /proc/sys/kernel/cap_last_cap is 40). Docker lists
 * those the running kernel knows; lading targets kernels that know all of them.
 */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

const KNOWN = new Set(ALL_CAPABILITIES);
const ALL = 'ALL';

let current: string[] | undefined;

/**
 * The capabilities this process holds (CapEff of /proc/self/status), which is what dockerd
 * treats as "all" (containerd's cap.Current): a daemon that lacks one cannot grant it, and runc
 * fails with "unable to apply caps" if asked to. On this machine CAP_SYS_RESOURCE is missing.
 */
export function currentCapabilities(): string[] {
  if (current === undefined) {
    const line = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    const mask = BigInt(`0x${line?.[1] ?? '0'}`);
    current = ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
  }
  return [...current];
}

/**
 * Upper-cases each name and adds the CAP_ prefix; keeps "ALL". An unknown name is refused with
 * Docker's wording: `unknown capability: "CAP_FOO"`; a known one missing from `available`
 * (when given) with `capability not supported by your kernel or not available in the current
 * environment: "CAP_X"`.
 */
export function normalizeCapabilities(names: readonly string[], available?: readonly string[]): string[] {
  return names.map((raw) => {
    const upper = raw.toUpperCase();
    if (upper === ALL) return ALL;
    const name = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    if (!KNOWN.has(name)) throw new InvalidArgumentError(`unknown capability: ${JSON.stringify(name)}`);
    if (available && !available.includes(name)) {
      throw new InvalidArgumentError(
        `capability not supported by your kernel or not available in the current environment: ${JSON.stringify(name)}`,
      );
    }
    return name;
  });
}

/**
 * The capability set of a container's process: every available capability when privileged;
 * otherwise the defaults with drops removed and adds appended (ALL in adds = everything
 * available not dropped; ALL in drops = only the adds), as Docker's TweakCapabilities does.
 * `available` (default: every capability) is what the daemon itself holds.
 */
export function effectiveCapabilities(options: {
  privileged?: boolean;
  add?: readonly string[];
  drop?: readonly string[];
  available?: readonly string[];
}): string[] {
  const all = options.available ?? ALL_CAPABILITIES;
  if (options.privileged) return [...all];
  const add = normalizeCapabilities(options.add ?? [], options.available);
  const drop = normalizeCapabilities(options.drop ?? [], options.available);
  if (add.length === 0 && drop.length === 0) return [...DEFAULT_CAPABILITIES];
  if (add.includes(ALL)) return all.filter((c) => !drop.includes(c));
  if (drop.includes(ALL)) return dedupe(add);
  return dedupe([...DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add]);
}

function dedupe(names: string[]): string[] {
  return [...new Set(names)];
}
