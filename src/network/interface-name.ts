/**
 * Network interface names: at most 15 bytes (IFNAMSIZ − 1), and in lading only letters,
 * digits, `_`, `.` and `-`, so a name can never smuggle a separator into an `ip -batch` line
 * or an iptables rule.
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../errors/index.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

export function assertInterfaceName(name: string): void {
  if (!NAME.test(name)) throw new InvalidArgumentError(`invalid interface name: ${JSON.stringify(name)}`);
}

/**
 * A host-side veth name as Docker makes them: `veth` and 7 random hex digits (a test passes
 * its own prefix so leftovers are recognisable).
 */
export function generateVethName(prefix = 'veth'): string {
  const name = prefix + randomBytes(4).toString('hex').slice(0, 7);
  assertInterfaceName(name);
  return name;
}
