/**
 * The UDP half of the userland proxy, with docker-proxy's flow table: each client address
 * gets its own socket connected to the container, so replies find their way back to that
 * client; a flow that sees no traffic either way for the idle timeout (90 s, docker-proxy's
 * DefaultConnTrackTimeout) is closed.
 *
 * Node's dgram has no IP_PKTINFO, so a reply leaves through the listening socket with the
 * source address the kernel picks for the client. For a listener on a specific address (and
 * for 127.0.0.1 clients of 0.0.0.0) that is the address the client sent to; a multi-homed
 * 0.0.0.0 listener could answer remote clients from another local address.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export const UDP_FLOW_IDLE_MS = 90_000;

export interface UdpProxyTarget {
  host: string;
  port: number;
}

export interface UdpProxy {
  readonly socket: Socket;
  /** Open flows (for tests and diagnostics). */
  flowCount(): number;
  close(): Promise<void>;
}

interface Flow {
  socket: Socket;
  timer: NodeJS.Timeout;
}

export function udpProxy(listener: Socket, target: UdpProxyTarget, idleMs = UDP_FLOW_IDLE_MS): UdpProxy {
  const flows = new Map<string, Flow>();
  const family = target.host.includes(':') ? 'udp6' : 'udp4';

  const end = (key: string): void => {
    const flow = flows.get(key);
    if (flow === undefined) return;
    flows.delete(key);
    clearTimeout(flow.timer);
    flow.socket.close();
  };
  const touch = (key: string, flow: Flow): void => {
    clearTimeout(flow.timer);
    flow.timer = setTimeout(() => end(key), idleMs);
    flow.timer.unref();
  };

  const flowFor = (from: RemoteInfo): Flow => {
    const key = `${from.address}|${from.port}`;
    let flow = flows.get(key);
    if (flow !== undefined) return flow;
    const socket = createSocket(family);
    flow = { socket, timer: setTimeout(() => end(key), idleMs) };
    flow.timer.unref();
    const current = flow;
    socket.on('message', (reply) => {
      touch(key, current);
      listener.send(reply, from.port, from.address);
    });
    // ECONNREFUSED from an earlier datagram (nothing listening in the container yet) is not fatal.
    socket.on('error', () => {});
    socket.connect(target.port, target.host);
    flows.set(key, flow);
    return flow;
  };

  listener.on('message', (datagram, from) => {
    const flow = flowFor(from);
    touch(`${from.address}|${from.port}`, flow);
    const send = (): void => flow.socket.send(datagram, () => {});
    // A freshly made socket must finish connecting before send() without an address works.
    if (flow.socket.listenerCount('connect') > 0 || !isConnected(flow.socket))
      flow.socket.once('connect', send);
    else send();
  });
  listener.on('error', () => {});

  return {
    socket: listener,
    flowCount: () => flows.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const key of [...flows.keys()]) end(key);
        listener.close(() => resolve());
      }),
  };
}

function isConnected(socket: Socket): boolean {
  try {
    socket.remoteAddress();
    return true;
  } catch {
    return false;
  }
}
