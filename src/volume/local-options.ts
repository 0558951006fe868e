/**
 * The local driver's options (`docker volume create -o type=… -o device=… -o o=…`): which keys
 * exist, which need which, and how `o` splits into mount(2) flags and filesystem data the
 * way mount(8) and moby's mount package read it.
 */
import { InvalidArgumentError } from '../errors/index.js';
import { goQuote } from './volume-names.js';

const VALID_OPTIONS = new Set(['type', 'o', 'device', 'size']);
/** Each option that needs others; checked in this order so the message is stable. */
const REQUIRED_WITH: [string, string[]][] = [
  ['device', ['type']],
  ['type', ['device']],
  ['o', ['device', 'type']],
];

/**
 * InvalidArgumentError in the local driver's wording for an unknown key, a missing companion
 * option or a `size` (lading, like dockerd without project quotas, cannot enforce one).
 */
export function validateLocalOptions(options: Record<string, string> | undefined): void {
  if (options === undefined || Object.keys(options).length === 0) return;
  for (const key of Object.keys(options)) {
    if (!VALID_OPTIONS.has(key)) throw new InvalidArgumentError(`invalid option: ${goQuote(key)}`);
  }
  const { type, device, size } = options;
  if (type === 'cifs' && device !== undefined && urlPort(device) !== '') {
    throw new InvalidArgumentError("port not allowed in CIFS device URL, include 'port' in 'o='");
  }
  if (size !== undefined && parseRamInBytes(size) > 0) {
    throw new InvalidArgumentError('quota size requested but no quota support');
  }
  for (const [option, needs] of REQUIRED_WITH) {
    if (!Object.hasOwn(options, option)) continue;
    for (const need of needs) {
      if (!Object.hasOwn(options, need))
        throw new InvalidArgumentError(`missing required option: ${goQuote(need)}`);
    }
  }
}

/** The port of a URL's authority as Go's url.Parse finds it (`//host:445/share` → "445"). */
function urlPort(text: string): string {
  const rest = text.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:/, '');
  if (!rest.startsWith('//')) return '';
  const authority = (/^\/\/([^/?#]*)/.exec(rest)?.[1] ?? '').replace(/^.*@/, '');
  const port = /:(\d*)$/.exec(authority.replace(/^\[.*\]/, ''));
  return port?.[1] ?? '';
}

const RAM_UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/** go-units RAMInBytes: `10m`, `1.5GiB`, `512` (binary multiples). */
export function parseRamInBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (!match) throw new InvalidArgumentError(`invalid size: '${text}'`);
  const unit = RAM_UNITS[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.trunc(Number(match[1]) * unit);
}

/** True when the volume's options ask for a mount on `_data` (a device or a type). */
export function needsMount(options: Record<string, string> | null | undefined): boolean {
  if (!options) return false;
  return (options.device ?? '') !== '' || (options.type ?? '') !== '';
}

// Linux's mount(2) flag values (<linux/mount.h>: kernel ABI, the same on every architecture).
export const MS = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  SYNCHRONOUS: 0x10,
  REMOUNT: 0x20,
  MANDLOCK: 0x40,
  DIRSYNC: 0x80,
  NOATIME: 0x400,
  NODIRATIME: 0x800,
  BIND: 0x1000,
  REC: 0x4000,
  UNBINDABLE: 0x20000,
  PRIVATE: 0x40000,
  SLAVE: 0x80000,
  SHARED: 0x100000,
  RELATIME: 0x200000,
  STRICTATIME: 0x1000000,
} as const;

/** fstab words that are flags: [flag, clears-it]. Anything else is filesystem data. */
const FLAG_WORDS: Record<string, [number, boolean]> = {
  ro: [MS.RDONLY, false],
  rw: [MS.RDONLY, true],
  suid: [MS.NOSUID, true],
  nosuid: [MS.NOSUID, false],
  dev: [MS.NODEV, true],
  nodev: [MS.NODEV, false],
  exec: [MS.NOEXEC, true],
  noexec: [MS.NOEXEC, false],
  sync: [MS.SYNCHRONOUS, false],
  async: [MS.SYNCHRONOUS, true],
  dirsync: [MS.DIRSYNC, false],
  remount: [MS.REMOUNT, false],
  mand: [MS.MANDLOCK, false],
  nomand: [MS.MANDLOCK, true],
  atime: [MS.NOATIME, true],
  noatime: [MS.NOATIME, false],
  diratime: [MS.NODIRATIME, true],
  nodiratime: [MS.NODIRATIME, false],
  bind: [MS.BIND, false],
  rbind: [MS.BIND | MS.REC, false],
  unbindable: [MS.UNBINDABLE, false],
  runbindable: [MS.UNBINDABLE | MS.REC, false],
  private: [MS.PRIVATE, false],
  rprivate: [MS.PRIVATE | MS.REC, false],
  shared: [MS.SHARED, false],
  rshared: [MS.SHARED | MS.REC, false],
  slave: [MS.SLAVE, false],
  rslave: [MS.SLAVE | MS.REC, false],
  relatime: [MS.RELATIME, false],
  norelatime: [MS.RELATIME, true],
  strictatime: [MS.STRICTATIME, false],
  nostrictatime: [MS.STRICTATIME, true],
};

export interface ParsedMountOptions {
  flags: number;
  /** The words that are not flags, comma-joined: the filesystem's own options (`size=10m`). */
  data: string;
}

/** Splits an `o=` value into flags and data, left to right (a later `rw` clears an earlier `ro`). */
export function parseMountOptions(text: string): ParsedMountOptions {
  let flags = 0;
  const data: string[] = [];
  for (const word of text.split(',')) {
    const flag = FLAG_WORDS[word];
    if (flag === undefined) {
      data.push(word);
      continue;
    }
    const [bits, clears] = flag;
    flags = clears ? flags & ~bits : flags | bits;
  }
  // An empty `o` yields one empty word, as Go's strings.Split does; it stays empty data.
  return { flags, data: data.join(',') };
}
