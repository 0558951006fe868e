/**
 * Opens one published port's listener and proxy, and words a failure as Docker's userland
 * proxy does (Go's net.OpError): `listen tcp4 0.0.0.0:8080: bind: address already in use`.
 * Used by the proxy process (proxy-main.ts); tests use it in-process.
 */
import { createSocket } from 'node:dgram';
import { tcpProxy } from './proxy-tcp.js';
import { udpProxy, UDP_FLOW_IDLE_MS } from './proxy-udp.js';

/** One host port forwarded to one container port. */
export interface ProxyBinding {
  proto: 'tcp' | 'udp';
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

export interface RunningProxy {
  close(): Promise<void>;
}

/** strerror() texts, as Go prints a syscall.Errno. */
const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EAFNOSUPPORT: 'address family not supported by protocol',
  EINVAL: 'invalid argument',
};

function hostPortText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `listen tcp4 0.0.0.0:8080: bind: address already in use` */
export function listenErrorText(binding: ProxyBinding, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const family = binding.hostIp.includes(':') ? '6' : '4';
  const what = ERRNO_TEXT[code] ?? (err instanceof Error ? err.message : String(err));
  return `listen ${binding.proto}${family} ${hostPortText(binding.hostIp, binding.hostPort)}: bind: ${what}`;
}

/** Listens on the binding's host address and starts forwarding; rejects with Docker's wording. */
export async function startProxyBinding(
  binding: ProxyBinding,
  udpIdleMs = UDP_FLOW_IDLE_MS,
): Promise<RunningProxy> {
  const v6 = binding.hostIp.includes(':');
  const target = { host: binding.containerIp, port: binding.containerPort };
  try {
    if (binding.proto === 'tcp') {
      const proxy = tcpProxy(target);
      await new Promise<void>((resolve, reject) => {
        proxy.server.once('error', reject);
        // ipv6Only: a [::] listener must not also take the IPv4 port (docker-proxy sets IPV6_V6ONLY).
        proxy.server.listen(
          { host: binding.hostIp, port: binding.hostPort, ipv6Only: v6, backlog: 511 },
          () => {
            proxy.server.off('error', reject);
            resolve();
          },
        );
      });
      return proxy;
    }
    const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: binding.hostIp, port: binding.hostPort, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return udpProxy(socket, target, udpIdleMs);
  } catch (err) {
    throw new Error(listenErrorText(binding, err), { cause: err });
  }
}
