export { ensureMasquerade, removeNat, type NatOptions } from './masquerade.js';
export { enableIpForward, IP_FORWARD_PATH } from './ip-forward.js';
export { iptables, type Iptables } from './iptables.js';
