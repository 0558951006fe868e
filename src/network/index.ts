export { hostsFile, hostnameFile, type HostsFileInput } from './hosts-file.js';
export {
  containerResolvConf,
  parseResolvConf,
  readHostResolvConf,
  DEFAULT_NAMESERVERS,
  type ResolvConfOverrides,
} from './resolv-conf.js';
