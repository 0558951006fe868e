/**
 * A container on the daemon's default bridge network: connected at each start (address,
 * sandbox, veth, published ports), disconnected at each exit, and what inspect shows of it in
 * NetworkSettings, set and cleared as dockerd does (releaseNetwork: the ports, sandbox and the
 * endpoints' operational data go; NetworkID, aliases and IPAM config stay).
 */
import type { EndpointSettings, NetworkSettings, PortMap } from '../../api/types/index.js';
import type { BridgeEndpoint } from '../../network/index.js';
import { orderedEndpoint, type ContainerRecord } from '../model/index.js';
import type { ManagerContext } from '../manager-context.js';

/** The network name of the default bridge, as Docker's. */
export const BRIDGE_NETWORK_NAME = 'bridge';

/** `''`, `default` and `bridge` all mean the default bridge network. */
export function usesBridge(record: ContainerRecord): boolean {
  const mode = record.HostConfig.NetworkMode ?? '';
  return mode === '' || mode === 'default' || mode === 'bridge';
}

/** The network a new container's Networks starts with (Docker fills it at create). */
export function initialNetworkName(networkMode: string): string | undefined {
  if (networkMode === '' || networkMode === 'default') return BRIDGE_NETWORK_NAME;
  if (networkMode === 'bridge' || networkMode === 'none' || networkMode === 'host') return networkMode;
  return undefined;
}

/** Connects the container when it uses the bridge and the daemon has one; fills NetworkSettings. */
export async function connectBridge(
  ctx: ManagerContext,
  record: ContainerRecord,
): Promise<BridgeEndpoint | undefined> {
  const network = ctx.options.network;
  if (network === undefined || !usesBridge(record)) return undefined;
  const endpoint = await network.connect({
    containerId: record.ID,
    name: record.Name.replace(/^\//, ''),
    portBindings: record.HostConfig.PortBindings ?? null,
    publishAll: record.HostConfig.PublishAllPorts === true,
    exposedPorts: record.Config.ExposedPorts ?? null,
  });
  applyEndpoint(record, endpoint);
  return endpoint;
}

/** Disconnects the container (idempotent) and clears what inspect shows of the endpoint. */
export async function disconnectBridge(ctx: ManagerContext, record: ContainerRecord): Promise<void> {
  const network = ctx.options.network;
  if (network === undefined || !usesBridge(record)) return;
  await network.disconnect(record.ID);
  releaseNetworkSettings(record.NetworkSettings);
}

function applyEndpoint(record: ContainerRecord, endpoint: BridgeEndpoint): void {
  const settings = record.NetworkSettings;
  const ports: PortMap = {};
  // Exposed ports that are not published show as null, as in Docker.
  for (const key of Object.keys(record.Config.ExposedPorts ?? {})) ports[key] = null;
  Object.assign(ports, endpoint.ports);
  settings.Bridge = '';
  settings.SandboxID = endpoint.sandboxId;
  settings.SandboxKey = endpoint.sandboxKey;
  settings.Ports = ports;
  const previous: Partial<EndpointSettings> = settings.Networks?.[BRIDGE_NETWORK_NAME] ?? {};
  settings.Networks = {
    ...(settings.Networks ?? {}),
    [BRIDGE_NETWORK_NAME]: orderedEndpoint({
      ...previous,
      MacAddress: endpoint.mac,
      NetworkID: endpoint.networkId,
      EndpointID: endpoint.endpointId,
      Gateway: endpoint.gateway,
      IPAddress: endpoint.address,
      IPPrefixLen: endpoint.prefixLength,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
    }),
  };
  // The top-level copies of the bridge endpoint (the record keeps them for older readers).
  settings.EndpointID = endpoint.endpointId;
  settings.Gateway = endpoint.gateway;
  settings.IPAddress = endpoint.address;
  settings.IPPrefixLen = endpoint.prefixLength;
  settings.MacAddress = endpoint.mac;
}

/** dockerd's releaseNetwork + cleanOperationalData. */
export function releaseNetworkSettings(settings: NetworkSettings): void {
  settings.Ports = {};
  settings.SandboxID = '';
  settings.SandboxKey = '';
  settings.EndpointID = '';
  settings.Gateway = '';
  settings.IPAddress = '';
  settings.IPPrefixLen = 0;
  settings.MacAddress = '';
  for (const [name, endpoint] of Object.entries(settings.Networks ?? {})) {
    if (!endpoint) continue;
    settings.Networks[name] = orderedEndpoint({
      ...endpoint,
      EndpointID: '',
      Gateway: '',
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      MacAddress: '',
    });
  }
}
