export { AddressPool, type AddressPoolConfig } from './address-pool.js';
export { openIpamPool, type IpamPool, type IpamPoolOptions } from './ipam-pool.js';
export { macFromIpv4 } from './mac-address.js';
