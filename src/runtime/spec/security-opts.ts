/**
 * `--security-opt` values as dockerd reads them from HostConfig.SecurityOpt. The docker CLI
 * has already replaced `seccomp=<file>` by the file's content, so a seccomp value is
 * "unconfined", "builtin" or a profile as JSON text. AppArmor and SELinux labels are accepted
 * and recorded but have no effect here: this machine has neither enabled.
 */
import { InvalidArgumentError } from '../../errors/index.js';

export type SeccompChoice =
  | { kind: 'default' }
  | { kind: 'unconfined' }
  /** A profile in Docker's JSON format, as sent by the CLI. */
  | { kind: 'profile'; json: string };

export interface SecurityOptions {
  noNewPrivileges: boolean;
  seccomp: SeccompChoice;
  /** "apparmor=<profile>": accepted, not applied (no AppArmor on this machine). */
  apparmorProfile?: string;
  /** "label=…" / "disable": accepted, not applied (no SELinux on this machine). */
  labelOptions: string[];
  /** "writable-cgroups[=bool]": absent means "as privileged". */
  writableCgroups?: boolean;
}

/** Parses the list with dockerd's rules and error wording ("invalid --security-opt 2: …"). */
export function parseSecurityOpts(opts: readonly string[] | null | undefined): SecurityOptions {
  const result: SecurityOptions = { noNewPrivileges: false, seccomp: { kind: 'default' }, labelOptions: [] };
  for (const opt of opts ?? []) {
    if (opt === 'no-new-privileges') {
      result.noNewPrivileges = true;
      continue;
    }
    if (opt === 'writable-cgroups') {
      result.writableCgroups = true;
      continue;
    }
    if (opt === 'disable') {
      result.labelOptions.push('disable');
      continue;
    }
    // "=" is the separator; ":" is the deprecated one dockerd still accepts.
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : undefined;
    if (sep === undefined) throw new InvalidArgumentError(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    const at = opt.indexOf(sep);
    const key = opt.slice(0, at);
    const value = opt.slice(at + 1);
    switch (key) {
      case 'label':
        result.labelOptions.push(value);
        break;
      case 'apparmor':
        result.apparmorProfile = value;
        break;
      case 'seccomp':
        result.seccomp =
          value === 'unconfined'
            ? { kind: 'unconfined' }
            : value === 'builtin' || value === ''
              ? { kind: 'default' }
              : { kind: 'profile', json: value };
        break;
      case 'no-new-privileges':
        result.noNewPrivileges = parseGoBool(value, opt);
        break;
      case 'writable-cgroups':
        result.writableCgroups = parseGoBool(value, opt);
        break;
      default:
        throw new InvalidArgumentError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  return result;
}

/** Go's strconv.ParseBool. */
function parseGoBool(value: string, opt: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new InvalidArgumentError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
}
