/**
 * Which base URLs may serve a registry, in the order they are tried: its mirrors (as
 * configured, path prefix and scheme included), then the upstream. Docker only knows mirrors
 * for docker.io; lading reads them for any registry from the same map.
 */
import { isIP } from 'node:net';

/** docker.io is a name, not a host: its API lives here (as in Docker). */
export const DOCKER_HUB_UPSTREAM = 'https://registry-1.docker.io';
const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export interface Endpoint {
  /** Base URL without a trailing slash; the API is at `${url}/v2/…`. */
  url: string;
  mirror: boolean;
  /**
   * Insecure (insecure-registries or loopback): TLS is not verified and, for the upstream,
   * plain HTTP is used when HTTPS does not connect — Docker's rule.
   */
  insecure: boolean;
  /** For an insecure upstream: the plain-HTTP URL to fall back to. */
  httpFallbackUrl?: string;
}

export interface EndpointConfig {
  mirrors: ReadonlyMap<string, readonly string[]>;
  mirrorOnly: ReadonlySet<string>;
  insecureRegistries: readonly string[];
}

/** 'docker.io' for every spelling of Docker Hub, else the registry as given. */
export function canonicalRegistry(registry: string): string {
  return DOCKER_HUB_NAMES.has(registry) ? 'docker.io' : registry;
}

function splitHostPort(hostPort: string): { host: string; port: string | undefined } {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    const rest = hostPort.slice(end + 1);
    return { host: hostPort.slice(1, end), port: rest.startsWith(':') ? rest.slice(1) : undefined };
  }
  const colon = hostPort.lastIndexOf(':');
  if (colon > 0 && hostPort.indexOf(':') === colon) {
    return { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
  }
  return { host: hostPort, port: undefined };
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function ipv6ToBigInt(ip: string): bigint {
  // Expand '::' then read eight 16-bit groups; an embedded IPv4 tail becomes two groups.
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const n = ipv4ToInt(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headParts.length - tailParts.length;
  const groups = [...headParts, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailParts];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** Whether IP literal `ip` is inside `cidr` ('10.0.0.0/8', 'fd00::/8'). */
export function cidrContains(cidr: string, ip: string): boolean {
  const slash = cidr.indexOf('/');
  if (slash < 0) return false;
  const network = cidr.slice(0, slash);
  const bits = Number(cidr.slice(slash + 1));
  const family = isIP(network);
  if (family === 0 || family !== isIP(ip) || !Number.isInteger(bits)) return false;
  if (family === 4) {
    if (bits < 0 || bits > 32) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (ipv4ToInt(network) & mask) >>> 0 === (ipv4ToInt(ip) & mask) >>> 0;
  }
  if (bits < 0 || bits > 128) return false;
  const shift = BigInt(128 - bits);
  return ipv6ToBigInt(network) >> shift === ipv6ToBigInt(ip) >> shift;
}

/**
 * Docker's rule: a registry is insecure when listed (as host[:port]), when its IP is inside
 * a listed CIDR, or when it is loopback. Unlike dockerd we do not resolve host names to
 * match CIDRs (a DNS lookup per check for a rarely used case); 'localhost' counts as loopback.
 */
export function isInsecureRegistry(hostPort: string, insecureRegistries: readonly string[]): boolean {
  const { host } = splitHostPort(hostPort);
  if (host === 'localhost' || host === '::1') return true;
  if (isIP(host) === 4 && cidrContains('127.0.0.0/8', host)) return true;
  for (const entry of insecureRegistries) {
    const plain = entry.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    if (plain === hostPort || plain === host) return true;
    if (plain.includes('/') && isIP(host) !== 0 && cidrContains(plain, host)) return true;
  }
  return false;
}

/** A mirror URL as configured, normalised: scheme required, no trailing slash, no query. */
export function normaliseMirrorUrl(raw: string): string {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`mirror ${raw}: only http and https URLs are supported`);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** The upstream endpoint alone (push and login never use mirrors, as in Docker). */
export function upstreamEndpoint(registry: string, config: EndpointConfig): Endpoint {
  const name = canonicalRegistry(registry);
  if (name === 'docker.io') return { url: DOCKER_HUB_UPSTREAM, mirror: false, insecure: false };
  const insecure = isInsecureRegistry(name, config.insecureRegistries);
  return insecure
    ? { url: `https://${name}`, mirror: false, insecure, httpFallbackUrl: `http://${name}` }
    : { url: `https://${name}`, mirror: false, insecure };
}

/** Mirrors in configured order, then the upstream unless the registry is mirror-only. */
export function readEndpoints(registry: string, config: EndpointConfig): Endpoint[] {
  const name = canonicalRegistry(registry);
  const endpoints: Endpoint[] = (config.mirrors.get(name) ?? []).map((raw) => {
    const url = normaliseMirrorUrl(raw);
    return { url, mirror: true, insecure: isInsecureRegistry(new URL(url).host, config.insecureRegistries) };
  });
  if (!config.mirrorOnly.has(name)) endpoints.push(upstreamEndpoint(name, config));
  return endpoints;
}
