/**
 * Seccomp profiles in Docker's profile format (the JSON `--security-opt seccomp=<file>` takes,
 * which the docker CLI reads and sends as text) and their conversion to the runtime spec's
 * `linux.seccomp` for the container being built.
 *
 * A profile rule may apply only when (`includes`) or unless (`excludes`) the container holds
 * a capability in its bounding set, runs on an architecture, or the kernel is at least a
 * version; the conversion keeps the rules that apply and drops those conditions, as dockerd
 * does. lading runs on x86_64 only, so `archMap` contributes the x86_64 entry and its
 * sub-architectures (x86, x32).
 */
import { InvalidArgumentError } from '../../errors/index.js';
import type { RuntimeSeccomp, SeccompAction, SeccompArg, SeccompSyscall } from '../../oci/index.js';

/** The condition block of a rule: every listed condition must hold. */
export interface SeccompCondition {
  caps?: string[];
  /** libseccomp's names: "amd64", "x86", "x32" … */
  arches?: string[];
  /** "4.8" */
  minKernel?: string;
}

/** One rule of a profile in Docker's format (`name` is the legacy single-name form). */
export interface SeccompProfileRule {
  name?: string;
  names?: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[] | null;
  comment?: string;
  includes?: SeccompCondition;
  excludes?: SeccompCondition;
}

export interface SeccompProfile {
  defaultAction?: SeccompAction | '';
  defaultErrnoRet?: number;
  architectures?: string[] | null;
  archMap?: { architecture: string; subArchitectures: string[] | null }[] | null;
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: SeccompProfileRule[] | null;
}

/** What a rule's conditions are checked against. */
export interface SeccompContext {
  /** The container's bounding capability set. */
  capabilities: readonly string[];
  /** The running kernel's release ("6.18.44-…"); absent = assume new enough. */
  kernelRelease?: string;
}

/** libseccomp's name of this machine's architecture (GOARCH amd64). */
const NATIVE_ARCH = 'amd64';
const NATIVE_SCMP_ARCH = 'SCMP_ARCH_X86_64';

/** Parses a profile sent as JSON text; a decoding error has dockerd's wording. */
export function parseSeccompProfile(text: string): SeccompProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`Decoding seccomp profile failed: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('Decoding seccomp profile failed: not a JSON object');
  }
  return parsed as SeccompProfile;
}

/** The spec's seccomp section for this container, or undefined when the profile disables it. */
export function seccompForContainer(
  profile: SeccompProfile,
  context: SeccompContext,
): RuntimeSeccomp | undefined {
  const syscallsIn = profile.syscalls ?? [];
  if (!profile.defaultAction && syscallsIn.length === 0) return undefined;
  const archMap = profile.archMap ?? [];
  if ((profile.architectures ?? []).length > 0 && archMap.length > 0) {
    throw new InvalidArgumentError(
      "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'",
    );
  }
  const out: RuntimeSeccomp = { defaultAction: profile.defaultAction || 'SCMP_ACT_ERRNO' };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  const architectures = [...(profile.architectures ?? [])];
  const native = archMap.find((entry) => entry.architecture === NATIVE_SCMP_ARCH);
  if (native) architectures.push(native.architecture, ...(native.subArchitectures ?? []));
  if (architectures.length > 0) out.architectures = architectures;
  if (profile.flags?.length) out.flags = profile.flags;
  if (profile.listenerPath) out.listenerPath = profile.listenerPath;
  if (profile.listenerMetadata) out.listenerMetadata = profile.listenerMetadata;

  const syscalls: SeccompSyscall[] = [];
  for (const rule of syscallsIn) {
    if (rule.name && rule.names?.length) {
      throw new InvalidArgumentError(
        "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'",
      );
    }
    if (rule.excludes && anyHolds(rule.excludes, context)) continue;
    if (rule.includes && !allHold(rule.includes, context)) continue;
    const call: SeccompSyscall = {
      names: rule.name ? [rule.name] : [...(rule.names ?? [])],
      action: rule.action,
    };
    if (rule.errnoRet !== undefined) call.errnoRet = rule.errnoRet;
    if (rule.args?.length) call.args = rule.args.map((a) => ({ ...a }));
    syscalls.push(call);
  }
  if (syscalls.length > 0) out.syscalls = syscalls;
  return out;
}

/** `includes`: every listed arch/cap/kernel condition must hold. */
function allHold(cond: SeccompCondition, context: SeccompContext): boolean {
  if (cond.arches?.length && !cond.arches.includes(NATIVE_ARCH)) return false;
  if (cond.caps?.length && !cond.caps.every((c) => context.capabilities.includes(c))) return false;
  if (cond.minKernel && !kernelAtLeast(context.kernelRelease, cond.minKernel)) return false;
  return true;
}

/** `excludes`: the rule is dropped when any listed condition holds. */
function anyHolds(cond: SeccompCondition, context: SeccompContext): boolean {
  if (cond.arches?.includes(NATIVE_ARCH)) return true;
  if (cond.caps?.some((c) => context.capabilities.includes(c))) return true;
  if (cond.minKernel && kernelAtLeast(context.kernelRelease, cond.minKernel)) return true;
  return false;
}

/** Compares "major.minor" of a kernel release with a minimum like "4.8". */
export function kernelAtLeast(release: string | undefined, minimum: string): boolean {
  if (release === undefined) return true;
  const parse = (v: string): [number, number] => {
    const m = /^(\d+)\.(\d+)/.exec(v);
    if (!m) throw new InvalidArgumentError(`invalid kernel version ${JSON.stringify(v)}`);
    return [Number(m[1]), Number(m[2])];
  };
  const [hMaj, hMin] = parse(release);
  const [mMaj, mMin] = parse(minimum);
  return hMaj > mMaj || (hMaj === mMaj && hMin >= mMin);
}
