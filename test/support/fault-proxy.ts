/**
 * A real HTTP server on 127.0.0.1 in front of an upstream (usually a test registry) that
 * forwards everything and injects faults by rule: error statuses, refused or dropped
 * connections, corrupted, stalled or replaced bodies, ignored Range headers, delays. Pull and
 * push tests use it to make a real registry misbehave in exactly one place.
 *
 *   const proxy = await startFaultProxy(registry.url);
 *   proxy.setFaults([{ path: /\/blobs\/sha256:/, times: 1, fault: { kind: 'drop-after', bytes: 100 } }]);
 *   …pull from proxy.host…
 *   assert.equal(proxy.requests.filter((r) => r.path.includes('/blobs/')).length, 2);
 *   await proxy.stop();
 *
 * With `prefix` ('/cache') it answers only below that path (404 elsewhere) and strips the
 * prefix before forwarding: a registry mirror configured as `http://host/cache`. Location
 * headers from upstream (upload sessions) are rewritten to point back at the proxy, prefix
 * included, so a client that follows them keeps going through the proxy.
 *
 * Rules match the method and the forwarded path (prefix stripped, query included), first match
 * wins. `requests` records the path as received (prefix included).
 * An https upstream (the `tls` registry) is reached without verifying its certificate: the
 * proxy is test-only and talks to 127.0.0.1.
 */
import {
  Agent as HttpAgent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

export type Fault =
  /** Answer with this status (and body, headers) without asking upstream. */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Destroy the client socket without any response. */
  | { kind: 'refuse' }
  /** Forward headers and the first `bytes` body bytes, then destroy the socket. */
  | { kind: 'drop-after'; bytes: number }
  /** Forward, but flip (xor 0xff) the body byte at offset `atByte`. */
  | { kind: 'corrupt'; atByte: number }
  /** Send headers (and `afterBytes` body bytes), then nothing for `ms` (default: until the client or stop() closes it), then the rest. */
  | { kind: 'stall'; afterBytes?: number; ms?: number }
  /** Drop the Range (and If-Range) request header: upstream answers 200 with the whole body. */
  | { kind: 'ignore-range' }
  /** Answer 200 with this body instead, without asking upstream. */
  | { kind: 'replace-body'; body: Buffer | string; contentType?: string }
  /** Wait before forwarding. */
  | { kind: 'delay'; ms: number };

export interface FaultRule {
  /** Matches any method when absent; compared case-insensitively. */
  method?: string;
  /** Tested against the forwarded path (prefix stripped) with its query. */
  path: RegExp;
  /** How many requests this rule applies to; forever when absent. */
  times?: number;
  fault: Fault;
}

export interface RecordedRequest {
  method: string;
  /** As received, prefix and query included. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The status sent to the client; undefined when none was (refuse, or still running). */
  status?: number;
  /** The kind of fault applied to this request, if any. */
  fault?: Fault['kind'];
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT, plus the prefix when given. */
  url: string;
  /** 127.0.0.1:PORT */
  host: string;
  /** Everything received, in order. */
  requests: RecordedRequest[];
  /** Replaces the rule list; rules match in order, `times` counts down. */
  setFaults(rules: FaultRule[]): void;
  /** Closes the server and every open socket (stalled ones included). */
  stop(): Promise<void>;
}

/** Hop-by-hop headers that belong to one connection, not to the message. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'];

function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  return `/${prefix.replace(/^\/+|\/+$/g, '')}`;
}

export async function startFaultProxy(
  upstream: string,
  options: { prefix?: string } = {},
): Promise<FaultProxy> {
  const upstreamUrl = new URL(upstream);
  const upstreamBasePath = upstreamUrl.pathname.replace(/\/+$/, '');
  const secure = upstreamUrl.protocol === 'https:';
  const prefix = normalizePrefix(options.prefix);
  // Our own agents, so stop() can close the keep-alive connections to upstream too.
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: false })
    : new HttpAgent({ keepAlive: true });
  const requests: RecordedRequest[] = [];
  let rules: { rule: FaultRule; left: number }[] = [];
  let proxyOrigin = '';

  const takeFault = (method: string, path: string): Fault | undefined => {
    for (const entry of rules) {
      if (entry.left <= 0) continue;
      if (entry.rule.method !== undefined && entry.rule.method.toUpperCase() !== method) continue;
      entry.rule.path.lastIndex = 0; // a /g or /y RegExp keeps state between tests
      if (!entry.rule.path.test(path)) continue;
      entry.left--;
      return entry.rule.fault;
    }
    return undefined;
  };

  /** Upstream's Location → the same resource through the proxy. */
  const rewriteLocation = (location: string): string => {
    let target: URL;
    try {
      target = new URL(location, upstreamUrl);
    } catch {
      return location;
    }
    if (target.origin !== upstreamUrl.origin) return location;
    let path = target.pathname;
    if (upstreamBasePath !== '' && path.startsWith(upstreamBasePath))
      path = path.slice(upstreamBasePath.length);
    return `${proxyOrigin}${prefix}${path}${target.search}`;
  };

  const sendStatus = (
    res: ServerResponse,
    record: RecordedRequest,
    fault: Extract<Fault, { kind: 'status' }>,
  ): void => {
    const body = Buffer.from(fault.body ?? '');
    record.status = fault.status;
    res.writeHead(fault.status, { 'content-length': body.length, ...fault.headers });
    res.end(body);
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    path: string,
    fault: Fault | undefined,
  ): void => {
    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    headers.host = upstreamUrl.host;
    if (fault?.kind === 'ignore-range') {
      delete headers.range;
      delete headers['if-range'];
    }
    const send = secure ? httpsRequest : httpRequest;
    const upstreamReq = send({
      protocol: upstreamUrl.protocol,
      hostname: upstreamUrl.hostname,
      port: upstreamUrl.port,
      method: req.method,
      path: `${upstreamBasePath}${path}`,
      headers,
      agent,
    });
    res.once('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.once('error', () => {
      if (!res.headersSent) {
        record.status = 502;
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('fault proxy: upstream unreachable\n');
      } else {
        res.destroy();
      }
    });
    upstreamReq.once('response', (upRes) => {
      relay(req, upRes, res, record, fault).catch(() => res.destroy());
    });
    req.pipe(upstreamReq);
  };

  const relay = async (
    req: IncomingMessage,
    upRes: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    fault: Fault | undefined,
  ): Promise<void> => {
    const headers = { ...upRes.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    if (typeof headers.location === 'string') headers.location = rewriteLocation(headers.location);
    const status = upRes.statusCode ?? 502;
    record.status = status;
    res.writeHead(status, headers);
    const socket = req.socket;
    const write = (chunk: Buffer): Promise<void> =>
      new Promise((resolve, reject) => {
        if (chunk.length === 0) return resolve();
        res.write(chunk, (err) => (err ? reject(err) : resolve()));
      });
    // Resolves once everything written so far reached the kernel: headers included.
    const flushed = (): Promise<void> =>
      new Promise((resolve) => {
        res.flushHeaders();
        if (socket.destroyed) return resolve();
        socket.write(Buffer.alloc(0), () => resolve());
      });
    const closed = new Promise<void>((resolve) => res.once('close', resolve));

    const dropAt = fault?.kind === 'drop-after' ? Math.max(0, fault.bytes) : undefined;
    const corruptAt = fault?.kind === 'corrupt' ? fault.atByte : undefined;
    let stallAt = fault?.kind === 'stall' ? Math.max(0, fault.afterBytes ?? 0) : undefined;
    const stall = async (): Promise<void> => {
      stallAt = undefined;
      await flushed();
      const ms = fault?.kind === 'stall' ? fault.ms : undefined;
      await (ms === undefined ? closed : Promise.race([sleep(ms), closed]));
    };

    let offset = 0;
    if (dropAt === 0) {
      await flushed();
      upRes.destroy();
      socket.destroy();
      return;
    }
    if (stallAt === 0) await stall();
    for await (const data of upRes) {
      if (res.destroyed) return;
      let chunk = data as Buffer;
      if (corruptAt !== undefined && corruptAt >= offset && corruptAt < offset + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[corruptAt - offset] = (chunk[corruptAt - offset] ?? 0) ^ 0xff;
      }
      if (dropAt !== undefined && offset + chunk.length >= dropAt) {
        await write(chunk.subarray(0, dropAt - offset));
        await flushed();
        upRes.destroy();
        socket.destroy();
        return;
      }
      if (stallAt !== undefined && offset + chunk.length >= stallAt) {
        await write(chunk.subarray(0, stallAt - offset));
        const rest = chunk.subarray(stallAt - offset);
        await stall();
        if (res.destroyed) return;
        await write(rest);
      } else {
        await write(chunk);
      }
      offset += chunk.length;
    }
    if (dropAt !== undefined) {
      // The body was shorter than `bytes`: still end the connection rather than the response.
      await flushed();
      socket.destroy();
      return;
    }
    if (stallAt !== undefined) await stall();
    if (!res.destroyed) res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const received = req.url ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = { method, path: received, headers: { ...req.headers } };
    requests.push(record);

    let path = received;
    if (prefix !== '') {
      const inside =
        received === prefix || received.startsWith(`${prefix}/`) || received.startsWith(`${prefix}?`);
      if (!inside) {
        req.resume();
        record.status = 404;
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found\n');
        return;
      }
      path = received.slice(prefix.length);
      if (!path.startsWith('/')) path = `/${path}`;
    }

    const fault = takeFault(method, path);
    if (fault !== undefined) record.fault = fault.kind;
    switch (fault?.kind) {
      case 'refuse':
        req.socket.destroy();
        return;
      case 'status':
        req.resume();
        sendStatus(res, record, fault);
        return;
      case 'replace-body': {
        req.resume();
        const body = Buffer.from(fault.body);
        record.status = 200;
        res.writeHead(200, {
          'content-type': fault.contentType ?? 'application/octet-stream',
          'content-length': body.length,
        });
        res.end(method === 'HEAD' ? undefined : body);
        return;
      }
      case 'delay':
        await sleep(fault.ms);
        if (req.socket.destroyed) return;
        forward(req, res, record, path, fault);
        return;
      default:
        forward(req, res, record, path, fault);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault proxy has no port');
  const host = `127.0.0.1:${address.port}`;
  proxyOrigin = `http://${host}`;

  let stopped: Promise<void> | undefined;
  return {
    url: `${proxyOrigin}${prefix}`,
    host,
    requests,
    setFaults(newRules) {
      rules = newRules.map((rule) => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }));
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return stopped;
    },
  };
}
