/**
 * Publishing a container endpoint's ports: host ports from the allocator, iptables DNAT rules,
 * and one userland proxy process, together or not at all.
 *
 * Order, as dockerd's port mapper: allocate → write the record → iptables rules → proxy. The
 * record (`<stateDir>/<id>.json`, written atomically before anything is set up on the host)
 * lists what this endpoint holds, so after a crash at any step the daemon can remove exactly
 * that (`restore`). When a step fails, everything done before it is undone and the error says
 * what Docker says:
 *
 *   driver failed programming external connectivity on endpoint web1 (<id>): Bind for 0.0.0.0:8080 failed: port is already allocated
 *   driver failed programming external connectivity on endpoint web1 (<id>): Error starting userland proxy: listen tcp4 0.0.0.0:8080: bind: address already in use
 *
 * A port chosen by lading (ephemeral, or from a range) that turns out to be in use by another
 * program is replaced by the next free one, up to 10 attempts, as libnetwork retries.
 *
 * Files in the state dir: `<id>.json` (the record) and `<id>.pid` (written by the proxy).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '../../durable/index.js';
import { InvalidArgumentError, NotImplementedError, SystemError, messageOf } from '../../errors/index.js';
import { normalizeHostIp, type PortAllocator } from './port-allocator.js';
import type { PortRule, PortRuleOps } from './port-rules.js';
import type { PortMap, PortRequest } from './port-spec.js';
import type { ProxyBinding } from './proxy-listen.js';
import {
  ProxyStartError,
  proxyProcessesIn,
  runningProxyPid,
  startProxyProcess,
  stopProxyProcess,
} from './proxy-process.js';

const MAX_ALLOCATE_ATTEMPTS = 10;
const RECORD_SUFFIX = '.json';

/** One host port forwarded to the container. */
export interface PublishedPort {
  proto: 'tcp' | 'udp';
  containerPort: number;
  /** Normalised: 0.0.0.0 for "every address". */
  hostIp: string;
  hostPort: number;
}

/** The handle of one endpoint's published ports; also the record kept in the state dir. */
export interface PublishedPorts {
  id: string;
  endpointName: string;
  containerAddress: string;
  bridge: string;
  ports: PublishedPort[];
  /** Null while being set up, and when nothing is published. */
  proxyPid: number | null;
}

export interface PublishRequest {
  /** Endpoint id (names the record and pid files; shown in errors). */
  id: string;
  /** Endpoint name as Docker shows it in errors: the container's name. */
  endpointName: string;
  /** The container's IPv4 address on `bridge`. */
  containerAddress: string;
  bridge: string;
  /** From publishRequests(). */
  requests: readonly PortRequest[];
}

export interface PortPublisherOptions {
  allocator: PortAllocator;
  /** Null: no packet filter rules (the proxy alone carries traffic). */
  rules: PortRuleOps | null;
  /** Where records and pid files live (e.g. `<exec-root>/ports`); must exist. */
  stateDir: string;
  /** UDP flow idle timeout for the proxy (default docker-proxy's 90 s). */
  udpIdleMs?: number;
  /** Node binary and entry for the proxy process (defaults: this node, the compiled proxy-main.js). */
  proxyNode?: string;
  proxyEntry?: string;
}

/** What `restore` did with the records and processes it found at start. */
export interface RestoreResult {
  /** Endpoints whose proxy is running: ports reserved again and rules re-ensured. */
  adopted: PublishedPorts[];
  /** Endpoints whose proxy was gone or which `keep` refused: rules, proxy and record removed. */
  removed: string[];
  /** Proxy processes with no record, killed. */
  orphans: number[];
}

function externalConnectivityError(request: PublishRequest, cause: unknown): SystemError {
  return new SystemError(
    `driver failed programming external connectivity on endpoint ${request.endpointName} (${request.id}): ${messageOf(cause)}`,
    { cause },
  );
}

function ruleOf(record: Pick<PublishedPorts, 'containerAddress' | 'bridge'>, port: PublishedPort): PortRule {
  return {
    proto: port.proto,
    hostIp: port.hostIp,
    hostPort: port.hostPort,
    containerIp: record.containerAddress,
    containerPort: port.containerPort,
    bridge: record.bridge,
  };
}

function bindingOf(containerAddress: string, port: PublishedPort): ProxyBinding {
  return {
    proto: port.proto,
    hostIp: port.hostIp,
    hostPort: port.hostPort,
    containerIp: containerAddress,
    containerPort: port.containerPort,
  };
}

/** Docker's NetworkSettings.Ports for what is published: `{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}]}`. */
export function portMapOf(published: PublishedPorts): PortMap {
  const map: PortMap = {};
  for (const port of published.ports) {
    (map[`${port.containerPort}/${port.proto}`] ??= []).push({
      HostIp: port.hostIp,
      HostPort: String(port.hostPort),
    });
  }
  return map;
}

export class PortPublisher {
  private chainsReady: Promise<void> | undefined;

  constructor(private readonly options: PortPublisherOptions) {}

  private recordPath(id: string): string {
    return join(this.options.stateDir, `${id}${RECORD_SUFFIX}`);
  }

  private pidFile(id: string): string {
    return join(this.options.stateDir, `${id}.pid`);
  }

  private async ensureChains(): Promise<void> {
    const rules = this.options.rules;
    if (rules === null) return;
    // Once per publisher; concurrent publishes share the one attempt (and a failure is retried next time).
    this.chainsReady ??= rules.ensureChains().catch((err: unknown) => {
      this.chainsReady = undefined;
      throw err;
    });
    await this.chainsReady;
  }

  private writeRecord(record: PublishedPorts): Promise<void> {
    return atomicWriteFile(this.recordPath(record.id), `${JSON.stringify(record)}\n`, { mode: 0o600 });
  }

  /** Allocates, programs and proxies every request; on failure leaves nothing behind. */
  async publish(request: PublishRequest): Promise<PublishedPorts> {
    if (!/^[\w.-]+$/.test(request.id))
      throw new InvalidArgumentError(`invalid endpoint id ${JSON.stringify(request.id)}`);
    const record: PublishedPorts = {
      id: request.id,
      endpointName: request.endpointName,
      containerAddress: request.containerAddress,
      bridge: request.bridge,
      ports: [],
      proxyPid: null,
    };
    if (request.requests.length === 0) return record;
    for (const r of request.requests) {
      if (r.proto === 'sctp') throw new NotImplementedError('publishing sctp ports is not supported');
    }
    const { allocator, rules } = this.options;
    const ruled: PublishedPort[] = [];
    let recordWritten = false;
    try {
      for (const r of request.requests) {
        const hostIp = normalizeHostIp(r.hostIp);
        const proto = r.proto as 'tcp' | 'udp';
        const hostPort = allocator.request(hostIp, proto, r.hostPortStart, r.hostPortEnd);
        record.ports.push({ proto, containerPort: r.containerPort, hostIp, hostPort });
      }
      await this.writeRecord(record);
      recordWritten = true;
      await this.ensureChains();
      for (const port of record.ports) {
        ruled.push(port);
        await rules?.addRule(ruleOf(record, port));
      }
      record.proxyPid = await this.startProxy(request, record, ruled);
      await this.writeRecord(record);
      return record;
    } catch (err) {
      if (record.proxyPid !== null) await stopProxyProcess(record.proxyPid, this.pidFile(record.id));
      for (const port of ruled) await rules?.removeRule(ruleOf(record, port)).catch(() => {});
      for (const port of record.ports) allocator.release(port.hostIp, port.proto, port.hostPort);
      if (recordWritten) await rm(this.recordPath(record.id), { force: true });
      await rm(this.pidFile(record.id), { force: true });
      throw externalConnectivityError(request, err);
    }
  }

  /** Starts the proxy, moving a lading-chosen port that another program holds to the next free one. */
  private async startProxy(
    request: PublishRequest,
    record: PublishedPorts,
    ruled: PublishedPort[],
  ): Promise<number> {
    const { allocator, rules } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        const options = {
          pidFile: this.pidFile(record.id),
          bindings: record.ports.map((port) => bindingOf(record.containerAddress, port)),
          ...(this.options.udpIdleMs === undefined ? {} : { udpIdleMs: this.options.udpIdleMs }),
          ...(this.options.proxyNode === undefined ? {} : { nodePath: this.options.proxyNode }),
          ...(this.options.proxyEntry === undefined ? {} : { entry: this.options.proxyEntry }),
        };
        return await startProxyProcess(options);
      } catch (err) {
        const index = err instanceof ProxyStartError ? err.index : -1;
        const wanted = request.requests[index];
        const port = record.ports[index];
        const chosenByUs =
          wanted !== undefined && (wanted.hostPortStart === 0 || wanted.hostPortStart !== wanted.hostPortEnd);
        const inUse = err instanceof ProxyStartError && err.reason.endsWith('address already in use');
        if (!chosenByUs || !inUse || port === undefined || attempt >= MAX_ALLOCATE_ATTEMPTS) throw err;
        // Keep the busy port held while choosing another, so the allocator moves past it.
        const next = allocator.request(port.hostIp, port.proto, wanted.hostPortStart, wanted.hostPortEnd);
        allocator.release(port.hostIp, port.proto, port.hostPort);
        await rules?.removeRule(ruleOf(record, port));
        ruled.splice(ruled.indexOf(port), 1);
        port.hostPort = next;
        await this.writeRecord(record);
        ruled.push(port);
        await rules?.addRule(ruleOf(record, port));
      }
    }
  }

  /** Stops the proxy, removes the rules, releases the ports and the record. Idempotent. */
  async unpublish(published: PublishedPorts): Promise<void> {
    const { allocator, rules } = this.options;
    const pidFile = this.pidFile(published.id);
    const pid = published.proxyPid ?? runningProxyPid(pidFile);
    if (pid !== undefined && pid !== null) await stopProxyProcess(pid, pidFile);
    for (const port of published.ports) await rules?.removeRule(ruleOf(published, port));
    for (const port of published.ports) allocator.release(port.hostIp, port.proto, port.hostPort);
    await rm(pidFile, { force: true });
    await rm(this.recordPath(published.id), { force: true });
  }

  /** The records in the state dir (what was published before a restart). */
  async records(): Promise<PublishedPorts[]> {
    const found: PublishedPorts[] = [];
    for (const name of await readdir(this.options.stateDir)) {
      if (!name.endsWith(RECORD_SUFFIX) || name.startsWith('.')) continue;
      try {
        found.push(JSON.parse(await readFile(join(this.options.stateDir, name), 'utf8')) as PublishedPorts);
      } catch {
        // An unreadable record cannot be acted on; atomic writes make this a foreign file.
      }
    }
    return found;
  }

  /**
   * At daemon start: adopt every endpoint whose proxy still runs and that `keep(id)` accepts
   * (ports reserved in the allocator again, rules re-ensured); remove the rest; kill proxy
   * processes of this state dir that no kept record names.
   */
  async restore(keep: (id: string) => boolean = () => true): Promise<RestoreResult> {
    const result: RestoreResult = { adopted: [], removed: [], orphans: [] };
    const kept = new Set<string>();
    for (const record of await this.records()) {
      const pid = runningProxyPid(this.pidFile(record.id));
      if (pid !== undefined && keep(record.id) && record.ports.length > 0) {
        record.proxyPid = pid;
        for (const port of record.ports)
          this.options.allocator.reserve(port.hostIp, port.proto, port.hostPort);
        await this.ensureChains();
        for (const port of record.ports) await this.options.rules?.addRule(ruleOf(record, port));
        kept.add(this.pidFile(record.id));
        result.adopted.push(record);
      } else {
        await this.unpublish({ ...record, proxyPid: pid ?? null });
        result.removed.push(record.id);
      }
    }
    for (const { pid, pidFile } of proxyProcessesIn(this.options.stateDir)) {
      if (kept.has(pidFile)) continue;
      await stopProxyProcess(pid, pidFile);
      result.orphans.push(pid);
    }
    // Pid files of proxies that are gone and have no record.
    for (const name of await readdir(this.options.stateDir)) {
      const path = join(this.options.stateDir, name);
      if (name.endsWith('.pid') && !kept.has(path)) await rm(path, { force: true });
    }
    return result;
  }
}
