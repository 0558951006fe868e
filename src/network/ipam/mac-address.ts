/**
 * Docker's classic MAC rule for bridge endpoints: the locally administered prefix 02:42
 * followed by the four bytes of the IPv4 address, so 172.17.0.2 → 02:42:ac:11:00:02. The
 * MAC is then unique wherever the address is, and stable across restarts of a container.
 */
import { parseIpv4 } from '../ipv4.js';

export function macFromIpv4(address: string): string {
  const value = parseIpv4(address);
  const bytes = [0x02, 0x42, value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}
