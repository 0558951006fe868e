/**
 * NetworkSettings as dockerd prints them. Inspect derives the top-level EndpointID, Gateway,
 * IPAddress… from the "bridge" network's endpoint (moby getDefaultNetworkSettings), never
 * prints Ports or Networks as null, and ps shows a trimmed copy of each endpoint.
 */
import type { EndpointSettings, NetworkSettings, PortMap } from '../../api/types/index.js';
import { sortedMap } from './sorted-map.js';

/** What a container with no network (or not yet connected) shows. */
export function emptyNetworkSettings(): NetworkSettings {
  return {
    Bridge: '',
    SandboxID: '',
    SandboxKey: '',
    Ports: {},
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: '',
    Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    MacAddress: '',
    Networks: {},
  };
}

/** An endpoint with Go's field order and zero values filled in. */
export function orderedEndpoint(endpoint: Partial<EndpointSettings>): EndpointSettings {
  return {
    IPAMConfig: endpoint.IPAMConfig ?? null,
    Links: endpoint.Links ?? null,
    Aliases: endpoint.Aliases ?? null,
    MacAddress: endpoint.MacAddress ?? '',
    DriverOpts: endpoint.DriverOpts ?? null,
    GwPriority: endpoint.GwPriority ?? 0,
    NetworkID: endpoint.NetworkID ?? '',
    EndpointID: endpoint.EndpointID ?? '',
    Gateway: endpoint.Gateway ?? '',
    IPAddress: endpoint.IPAddress ?? '',
    IPPrefixLen: endpoint.IPPrefixLen ?? 0,
    IPv6Gateway: endpoint.IPv6Gateway ?? '',
    GlobalIPv6Address: endpoint.GlobalIPv6Address ?? '',
    GlobalIPv6PrefixLen: endpoint.GlobalIPv6PrefixLen ?? 0,
    DNSNames: endpoint.DNSNames ?? null,
  };
}

function networksOf(settings: Partial<NetworkSettings> | undefined): Record<string, EndpointSettings> {
  const networks: Record<string, EndpointSettings> = {};
  for (const [name, endpoint] of Object.entries(sortedMap(settings?.Networks ?? {}))) {
    if (endpoint !== null && endpoint !== undefined) networks[name] = orderedEndpoint(endpoint);
  }
  return networks;
}

/** inspect's NetworkSettings from the stored one (which may be partial or absent). */
export function inspectNetworkSettings(stored: Partial<NetworkSettings> | undefined): NetworkSettings {
  const networks = networksOf(stored);
  const bridge = networks.bridge;
  return {
    Bridge: stored?.Bridge ?? '',
    SandboxID: stored?.SandboxID ?? '',
    SandboxKey: stored?.SandboxKey ?? '',
    Ports: sortedMap<PortMap[string]>(stored?.Ports ?? {}),
    HairpinMode: stored?.HairpinMode ?? false,
    LinkLocalIPv6Address: stored?.LinkLocalIPv6Address ?? '',
    LinkLocalIPv6PrefixLen: stored?.LinkLocalIPv6PrefixLen ?? 0,
    SecondaryIPAddresses: stored?.SecondaryIPAddresses ?? null,
    SecondaryIPv6Addresses: stored?.SecondaryIPv6Addresses ?? null,
    EndpointID: bridge?.EndpointID ?? '',
    Gateway: bridge?.Gateway ?? '',
    GlobalIPv6Address: bridge?.GlobalIPv6Address ?? '',
    GlobalIPv6PrefixLen: bridge?.GlobalIPv6PrefixLen ?? 0,
    IPAddress: bridge?.IPAddress ?? '',
    IPPrefixLen: bridge?.IPPrefixLen ?? 0,
    IPv6Gateway: bridge?.IPv6Gateway ?? '',
    MacAddress: bridge?.MacAddress ?? '',
    Networks: networks,
  };
}

/** ps's per-network copy: addresses and ids only (moby container/view.go transform). */
export function summaryNetworks(
  stored: Partial<NetworkSettings> | undefined,
): Record<string, EndpointSettings> {
  const networks: Record<string, EndpointSettings> = {};
  for (const [name, endpoint] of Object.entries(networksOf(stored))) {
    networks[name] = orderedEndpoint({
      // Go omits the empty addresses (omitempty), and ps never shows LinkLocalIPs.
      IPAMConfig:
        endpoint.IPAMConfig === null
          ? null
          : {
              ...(endpoint.IPAMConfig.IPv4Address ? { IPv4Address: endpoint.IPAMConfig.IPv4Address } : {}),
              ...(endpoint.IPAMConfig.IPv6Address ? { IPv6Address: endpoint.IPAMConfig.IPv6Address } : {}),
            },
      MacAddress: endpoint.MacAddress,
      GwPriority: endpoint.GwPriority ?? 0,
      NetworkID: endpoint.NetworkID,
      EndpointID: endpoint.EndpointID,
      Gateway: endpoint.Gateway,
      IPAddress: endpoint.IPAddress,
      IPPrefixLen: endpoint.IPPrefixLen,
      IPv6Gateway: endpoint.IPv6Gateway,
      GlobalIPv6Address: endpoint.GlobalIPv6Address,
      GlobalIPv6PrefixLen: endpoint.GlobalIPv6PrefixLen,
    });
  }
  return networks;
}
