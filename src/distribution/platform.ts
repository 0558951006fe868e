/**
 * Choosing an image from an index, with Docker's (containerd's) platform rules: names are
 * normalised first (x86_64 → amd64, aarch64 → arm64, arm64/v8 → arm64, arm → arm/v7,
 * amd64/v1 → amd64), then a requested platform also accepts the variants it can run, best
 * first: arm/v7 takes v7, v6, v5; amd64/v3 takes v3, v2, v1. Among entries equally good the
 * first in the index wins.
 */
import { InvalidArgumentError, NotFoundError } from '../errors/index.js';
import type { Descriptor, Platform } from './types.js';

export interface PlatformSpec {
  os: string;
  architecture: string;
  /** Normalised; '' when none. */
  variant: string;
}

/** The platform pulled when none is asked for, as Docker on an amd64 Linux host. */
export const DEFAULT_PLATFORM: PlatformSpec = { os: 'linux', architecture: 'amd64', variant: '' };

const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
  i686: '386',
};

export function normalizePlatform(platform: {
  os?: string;
  architecture?: string;
  variant?: string;
}): PlatformSpec {
  const os = (platform.os ?? '').toLowerCase();
  const raw = (platform.architecture ?? '').toLowerCase();
  let variant = (platform.variant ?? '').toLowerCase();
  const architecture = ARCH_ALIASES[raw] ?? raw;
  if (raw === 'armhf' && variant === '') variant = 'v7';
  if (raw === 'armel' && variant === '') variant = 'v6';
  if (/^\d+$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'arm64' && (variant === 'v8' || variant === 'v8.0')) variant = '';
  if (architecture === 'arm' && variant === '') variant = 'v7';
  if (architecture === 'amd64' && variant === 'v1') variant = '';
  return { os, architecture, variant };
}

/** `os[/arch[/variant]]` as the `platform=` parameter and `--platform` carry it. */
export function parsePlatform(text: string): PlatformSpec {
  const parts = text.trim().split('/');
  if (parts.length > 3 || parts.some((p) => p === '' || !/^[A-Za-z0-9_.-]+$/.test(p))) {
    throw new InvalidArgumentError(`invalid platform: "${text}": expected os[/arch[/variant]]`);
  }
  const [os, architecture = DEFAULT_PLATFORM.architecture, variant] = parts as [string, ...string[]];
  return normalizePlatform({ os, architecture, ...(variant !== undefined && { variant }) });
}

export function formatPlatform(platform: PlatformSpec): string {
  return [platform.os, platform.architecture, platform.variant].filter((p) => p !== '').join('/');
}

/** The variants `wanted` can run, best first. */
function acceptedVariants(wanted: PlatformSpec): string[] {
  const level = /^v(\d+)$/.exec(wanted.variant);
  if (wanted.architecture === 'arm' && level) {
    const out: string[] = [];
    for (let n = Number(level[1]); n >= 5; n--) out.push(`v${n}`);
    return out;
  }
  if (wanted.architecture === 'amd64') {
    const top = level ? Number(level[1]) : 1;
    const out: string[] = [];
    for (let n = top; n >= 2; n--) out.push(`v${n}`);
    return [...out, ''];
  }
  return [wanted.variant];
}

/** How well `candidate` fits `wanted`: 0 best; undefined when it does not fit. */
export function platformRank(wanted: PlatformSpec, candidate: Platform | PlatformSpec): number | undefined {
  const have = normalizePlatform(candidate);
  if (have.os !== wanted.os || have.architecture !== wanted.architecture) return undefined;
  const rank = acceptedVariants(wanted).indexOf(have.variant);
  return rank < 0 ? undefined : rank;
}

/**
 * The index entry to pull for `wanted`; Docker's 404 `no matching manifest for linux/arm64 in
 * the manifest list entries` when there is none. Entries without a platform (attestations)
 * are never chosen.
 */
export function selectManifest(manifests: readonly Descriptor[], wanted: PlatformSpec): Descriptor {
  let best: { descriptor: Descriptor; rank: number } | undefined;
  for (const descriptor of manifests) {
    if (descriptor.platform === undefined) continue;
    const rank = platformRank(wanted, descriptor.platform);
    if (rank === undefined) continue;
    if (best === undefined || rank < best.rank) best = { descriptor, rank };
  }
  if (best === undefined) {
    throw new NotFoundError(
      `no matching manifest for ${formatPlatform(wanted)} in the manifest list entries`,
    );
  }
  return best.descriptor;
}
