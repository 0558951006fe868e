export {
  BridgeNetwork,
  type BridgeEndpoint,
  type BridgeNetworkOptions,
  type ConnectRequest,
} from './bridge-network.js';
