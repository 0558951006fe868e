/**
 * lading's production names for the default bridge network: the counterparts of dockerd's
 * docker0, 172.17.0.1/16 and DOCKER chains. Only the daemon uses them; every library takes
 * them as parameters so tests work on bridges and chains of their own.
 */

/** The default bridge (dockerd: docker0). */
export const DEFAULT_BRIDGE_NAME = 'lading0';
/** The gateway address the default bridge gets when 172.17.0.0/16 is free (see chooseDefaultSubnet). */
export const DEFAULT_BRIDGE_CIDR = '172.17.0.1/16';
/** Prefix of our iptables chains: LADING-POSTROUTING, LADING-FORWARD. */
export const DEFAULT_CHAIN_PREFIX = 'LADING';
/** Prefix of host-side veth names, as dockerd's. */
export const VETH_PREFIX = 'veth';
