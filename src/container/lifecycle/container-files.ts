/**
 * The files ladingd bind-mounts into a container: `containers/<id>/hostname`, `hosts` and
 * `resolv.conf`. They are written before each start (the network settings they carry may have
 * changed) under a temporary name and renamed into place, so a container never sees a
 * half-written file. They are not fsynced: the next start writes them again, so a crash can
 * lose nothing that matters, and three fsyncs would add to every start.
 */
import { join } from 'node:path';
import { rename, writeFile } from 'node:fs/promises';
import { tempPathFor } from '../../durable/index.js';
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
    replaceFile(paths.hostname, hostnameFile(Config.Hostname)),
    replaceFile(
      paths.hosts,
      hostsFile({
        hostname: Config.Hostname,
        ...(Config.Domainname ? { domainname: Config.Domainname } : {}),
        ...(address !== undefined ? { address } : {}),
        extraHosts: HostConfig.ExtraHosts ?? [],
      }),
    ),
    replaceFile(
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

async function replaceFile(path: string, content: string): Promise<void> {
  const temp = tempPathFor(path);
  await writeFile(temp, content, { mode: 0o644 });
  await rename(temp, path);
}
