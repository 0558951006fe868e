export {
  parsePortSpec,
  parsePortSpecs,
  parsePortKey,
  parsePortRange,
  publishRequests,
  PORT_PROTOCOLS,
  type PortProtocol,
  type PortBinding,
  type PortMap,
  type PortRequest,
  type PortSpecMapping,
  type PublishRequestInput,
} from './port-spec.js';
export {
  PortAllocator,
  PortAllocatedError,
  kernelEphemeralRange,
  normalizeHostIp,
  parseReservedPorts,
  FALLBACK_EPHEMERAL_RANGE,
  type PortAllocatorOptions,
} from './port-allocator.js';
export {
  iptablesPortRules,
  portChainNames,
  type PortRule,
  type PortRuleOps,
  type PortChains,
  type IptablesPortRulesOptions,
} from './port-rules.js';
export { startProxyBinding, listenErrorText, type ProxyBinding, type RunningProxy } from './proxy-listen.js';
export {
  startProxyProcess,
  stopProxyProcess,
  runningProxyPid,
  proxyProcessesIn,
  isProxyProcess,
  ProxyStartError,
  PROXY_ENTRY,
  type StartProxyOptions,
} from './proxy-process.js';
export {
  PortPublisher,
  portMapOf,
  type PublishedPort,
  type PublishedPorts,
  type PublishRequest,
  type PortPublisherOptions,
  type RestoreResult,
} from './port-publisher.js';
