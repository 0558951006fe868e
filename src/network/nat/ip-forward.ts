/**
 * IPv4 forwarding, which bridged containers need to reach anything beyond the bridge. Like
 * dockerd, lading turns it on and never off (other things on the host may rely on it by then),
 * and writes only when it is off, so a host that has it on sees no write at all.
 */
import { readFile, writeFile } from 'node:fs/promises';

export const IP_FORWARD_PATH = '/proc/sys/net/ipv4/ip_forward';

/** Sets forwarding to 1 unless it already is; true when it was changed. */
export async function enableIpForward(path = IP_FORWARD_PATH): Promise<boolean> {
  if ((await readFile(path, 'utf8')).trim() === '1') return false;
  await writeFile(path, '1\n');
  return true;
}
