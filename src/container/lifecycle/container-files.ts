/**
 * The files ladingd bind-mounts into a container: `containers/<id>/hostname`, `hosts` and
 * `resolv.conf`. They are written before each start (the network settings they carry may have
 * changed), atomically, so a crash never leaves a container with a half-written resolver.
 */
import { join } from 'node:path';
import { atomicWriteFile } from '../../durable/index.js';
import type { ContainerRecord } from '../model/index.js';
import { containerResolvConf, hostnameFile, hostsFile, readHostResolvConf } from '../../network/index.js';

export interface ContainerFiles {
  hostname: string;
  hosts: string;
  resolvConf: string;
}

export function containerFilePaths(containerDir: string): ContainerFiles {
  return {
    hostname: join(containerDir, 'hostname'),
    hosts: join(containerDir, 'hosts'),
    resolvConf: join(containerDir, 'resolv.conf'),
  };
}

export async function writeContainerFiles(
  record: ContainerRecord,
  containerDir: string,
): Promise<ContainerFiles> {
  const paths = containerFilePaths(containerDir);
  const { Config, HostConfig, NetworkSettings } = record;
  const hostNetwork = HostConfig.NetworkMode === 'host';
  const hostResolv = readHostResolvConf();
  const address = NetworkSettings.IPAddress || undefined;
  await Promise.all([
    atomicWriteFile(paths.hostname, hostnameFile(Config.Hostname)),
    atomicWriteFile(
      paths.hosts,
      hostsFile({
        hostname: Config.Hostname,
        ...(Config.Domainname ? { domainname: Config.Domainname } : {}),
        ...(address !== undefined ? { address } : {}),
        extraHosts: HostConfig.ExtraHosts ?? [],
      }),
    ),
    atomicWriteFile(
      paths.resolvConf,
      hostNetwork
        ? hostResolv
        : containerResolvConf(hostResolv, {
            dns: HostConfig.Dns ?? null,
            dnsSearch: HostConfig.DnsSearch ?? null,
            dnsOptions: HostConfig.DnsOptions ?? null,
          }),
    ),
  ]);
  return paths;
}
