/**
 * IPv4 addresses and prefixes as unsigned 32-bit numbers, for subnet choice, IPAM and NAT.
 * Strings from users are parsed strictly (four decimal octets, no leading zeros), so
 * "010.0.0.1" or "1.2.3" are rejected rather than read the way inet_aton would.
 */
import { InvalidArgumentError } from '../errors/index.js';

export interface Ipv4Prefix {
  /** The network address (host bits zero), as a number. */
  network: number;
  bits: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => OCTET.test(part))) {
    throw new InvalidArgumentError(`invalid IPv4 address: ${JSON.stringify(text)}`);
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

export function isIpv4(text: string): boolean {
  try {
    parseIpv4(text);
    return true;
  } catch {
    return false;
  }
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** "a.b.c.d/n" → its address and prefix length (host bits kept), e.g. a gateway "172.17.0.1/16". */
export function parseCidr(text: string): { address: number; bits: number } {
  const [address, bits, extra] = text.split('/');
  if (
    address === undefined ||
    bits === undefined ||
    extra !== undefined ||
    !/^(3[0-2]|[12]?\d)$/.test(bits)
  ) {
    throw new InvalidArgumentError(`invalid CIDR address: ${text}`);
  }
  return { address: parseIpv4(address), bits: Number(bits) };
}

/** A prefix from "a.b.c.d/n"; host bits are cleared ("172.17.0.1/16" → 172.17.0.0/16). */
export function parsePrefix(text: string): Ipv4Prefix {
  const { address, bits } = parseCidr(text);
  return { network: (address & maskOf(bits)) >>> 0, bits };
}

export function formatPrefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.network)}/${prefix.bits}`;
}

export function lastAddress(prefix: Ipv4Prefix): number {
  return (prefix.network | ~maskOf(prefix.bits)) >>> 0;
}

export function prefixContains(prefix: Ipv4Prefix, address: number): boolean {
  return (address & maskOf(prefix.bits)) >>> 0 === prefix.network;
}

export function prefixesOverlap(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  return prefixContains(a, b.network) || prefixContains(b, a.network);
}
