/**
 * A container's /etc/hosts, as Docker writes it: the loopback and IPv6 lines, then the
 * container's own address and name (when it has an address), then `--add-host` entries.
 */

export interface HostsFileInput {
  hostname: string;
  /** `-h` with a dot, or `--domainname`: the FQDN goes first on the container's line. */
  domainname?: string;
  /** The container's address on its network; none with `--network none`. */
  address?: string;
  /** `--add-host host:ip` entries as sent (`HostConfig.ExtraHosts`). */
  extraHosts?: readonly string[];
}

const STANDARD_LINES = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

export function hostsFile(input: HostsFileInput): string {
  const lines = [...STANDARD_LINES];
  if (input.address !== undefined) {
    const names = input.domainname
      ? [`${input.hostname}.${input.domainname}`, input.hostname]
      : [input.hostname];
    lines.push(`${input.address}\t${names.join(' ')}`);
  }
  for (const entry of input.extraHosts ?? []) {
    // "name:ip"; the address may itself hold colons (IPv6), so split at the first one only.
    const colon = entry.indexOf(':');
    lines.push(`${entry.slice(colon + 1)}\t${entry.slice(0, colon)}`);
  }
  return lines.join('\n') + '\n';
}

/** /etc/hostname: the host name and a newline. */
export function hostnameFile(hostname: string): string {
  return `${hostname}\n`;
}
