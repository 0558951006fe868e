export { hostsFile, hostnameFile, type HostsFileInput } from './hosts-file.js';
export {
  containerResolvConf,
  parseResolvConf,
  readHostResolvConf,
  DEFAULT_NAMESERVERS,
  type ResolvConfOverrides,
} from './resolv-conf.js';
export * from './ports/index.js';
export { runTool, tryTool, HostToolError, type RunToolOptions, type ToolResult } from './host-tools.js';
export type { LinkInfo, LinkOps, SandboxInterfaceSpec, VethSpec } from './link-ops.js';
export { iproute2LinkOps } from './iproute2-link-ops.js';
export { assertInterfaceName, generateVethName } from './interface-name.js';
export {
  DEFAULT_BRIDGE_NAME,
  DEFAULT_BRIDGE_CIDR,
  DEFAULT_CHAIN_PREFIX,
  VETH_PREFIX,
} from './network-defaults.js';
export {
  formatIpv4,
  formatPrefix,
  isIpv4,
  parseCidr,
  parseIpv4,
  parsePrefix,
  type Ipv4Prefix,
} from './ipv4.js';
export * from './bridge/index.js';
export * from './ipam/index.js';
export * from './sandbox/index.js';
export * from './nat/index.js';
export * from './default-bridge/index.js';
