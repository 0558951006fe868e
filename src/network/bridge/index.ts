export { ensureBridge, removeBridge, type BridgeOptions } from './ensure-bridge.js';
export {
  chooseDefaultSubnet,
  expandAddressPools,
  hostReservedNetworks,
  DEFAULT_ADDRESS_POOLS,
  type AddressPoolSplit,
} from './default-subnet.js';
