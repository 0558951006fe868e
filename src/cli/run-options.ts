/**
 * The flags `lading create` and `lading run` share, and the ContainerCreateRequest they turn
 * into, built as the docker CLI 28 builds it (cli/command/container/opts.go): every field the
 * CLI always sends is sent, with its zero value, in the CLI's order (a test compares bytes
 * with a body captured from the real CLI); maps are key-sorted as Go marshals them.
 *
 * Networking, ports and volumes are parsed into the request now even though the daemon acts
 * on them later.
 */

import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { FlagValueError, integer, nanoCpus, parseMount, parseUlimit, ramInBytes } from './flag-values.js';
import { readKeyValueFile } from './key-value-file.js';
import { parsePortSpec, splitPortRange } from './port-spec.js';
import { InvalidArgumentError, Option } from 'commander';
import { EXIT_FAILURE, StatusError } from './cli-error.js';
import { invalidFlagValue, type LadingCommand } from './command.js';
import { collect } from './filter-option.js';
import type {
  ContainerCreateRequest,
  HostConfig,
  MountRequest,
  PortBinding,
  Ulimit,
} from '../api/types/containers.js';

export interface ContainerFlags {
  name?: string;
  env?: string[];
  envFile?: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  hostname?: string;
  domainname?: string;
  rm?: boolean;
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  attach?: string[];
  label?: string[];
  labelFile?: string[];
  stopSignal?: string;
  stopTimeout?: number;
  readOnly?: boolean;
  tmpfs?: string[];
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  ulimit?: Ulimit[];
  shmSize?: number;
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  oomKillDisable?: boolean;
  cpus?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  init?: boolean;
  platform?: string;
  pull?: string;
  detachKeys?: string;
  network?: string;
  publish?: string[];
  publishAll?: boolean;
  expose?: string[];
  volume?: string[];
  volumesFrom?: string[];
  mount?: MountRequest[];
  addHost?: string[];
  dns?: string[];
  dnsOption?: string[];
  dnsSearch?: string[];
  restart?: string;
  logDriver?: string;
  logOpt?: string[];
  quiet?: boolean;
  sigProxy?: boolean;
  groupAdd?: string[];
}

/** An option whose value parser reports failures in pflag's words. */
function parsed<T>(
  flags: string,
  description: string,
  parse: (value: string, previous: T | undefined) => T,
): Option {
  const option = new Option(flags, description);
  option.argParser((value: string, previous: T | undefined) => {
    try {
      return parse(value, previous);
    } catch (err) {
      if (err instanceof FlagValueError) {
        throw new InvalidArgumentError(invalidFlagValue(option, value, err.message));
      }
      throw err;
    }
  });
  return option;
}

const ATTACH_STREAMS = ['stdin', 'stdout', 'stderr'];

/** Adds create/run's flags to `cmd` (run adds -d, --rm's behaviour, --sig-proxy, --detach-keys). */
export function addContainerFlags(cmd: LadingCommand, forRun: boolean): LadingCommand {
  cmd
    .option('--add-host <list>', 'Add a custom host-to-IP mapping (host:ip)', collect)
    .addOption(
      parsed<string[]>('-a, --attach <list>', 'Attach to STDIN, STDOUT or STDERR', (v, prev) => {
        if (!ATTACH_STREAMS.includes(v.toLowerCase())) {
          throw new FlagValueError('valid streams are STDIN, STDOUT and STDERR');
        }
        return [...(prev ?? []), v.toLowerCase()];
      }),
    )
    .option('--cap-add <list>', 'Add Linux capabilities', collect)
    .option('--cap-drop <list>', 'Drop Linux capabilities', collect);
  if (forRun) cmd.option('-d, --detach', 'Run container in background and print container ID');
  if (forRun) cmd.option('--detach-keys <string>', 'Override the key sequence for detaching a container');
  cmd
    .option('--dns <list>', 'Set custom DNS servers', collect)
    .option('--dns-option <list>', 'Set DNS options', collect)
    .option('--dns-search <list>', 'Set custom DNS search domains', collect)
    .option('--domainname <string>', 'Container NIS domain name')
    .option('--entrypoint <string>', 'Overwrite the default ENTRYPOINT of the image')
    .option('-e, --env <list>', 'Set environment variables', collect)
    .option('--env-file <list>', 'Read in a file of environment variables', collect)
    .option('--expose <list>', 'Expose a port or a range of ports', collect)
    .option('--group-add <list>', 'Add additional groups to join', collect)
    .option('-h, --hostname <string>', 'Container host name')
    .option('--init', 'Run an init inside the container that forwards signals and reaps processes')
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('-l, --label <list>', 'Set meta data on a container', collect)
    .option('--label-file <list>', 'Read in a line delimited file of labels', collect)
    .option('--log-driver <string>', 'Logging driver for the container')
    .option('--log-opt <list>', 'Log driver options', collect)
    .addOption(
      parsed<MountRequest[]>('--mount <mount>', 'Attach a filesystem mount to the container', (v, prev) => [
        ...(prev ?? []),
        parseMount(v),
      ]),
    )
    .option('--name <string>', 'Assign a name to the container')
    .option('--network <network>', 'Connect a container to a network')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('--privileged', 'Give extended privileges to this container')
    .option('-p, --publish <list>', "Publish a container's port(s) to the host", collect)
    .option('-P, --publish-all', 'Publish all exposed ports to random ports')
    .addOption(
      parsed<string>(
        '--pull <string>',
        'Pull image before running ("always", "missing", "never")',
        (v) => v,
      ).default('missing'),
    )
    .option('-q, --quiet', 'Suppress the pull output')
    .option('--read-only', "Mount the container's root filesystem as read only")
    .option('--restart <string>', 'Restart policy to apply when a container exits', 'no');
  if (forRun)
    cmd.option(
      '--rm',
      'Automatically remove the container and its associated anonymous volumes when it exits',
    );
  else
    cmd.option(
      '--rm',
      'Automatically remove the container and its associated anonymous volumes when it exits',
    );
  cmd
    .option('--security-opt <list>', 'Security Options', collect)
    .addOption(parsed<number>('--shm-size <bytes>', 'Size of /dev/shm', (v) => ramInBytes(v)))
    .addOption(parsed<number>('-m, --memory <bytes>', 'Memory limit', (v) => ramInBytes(v)))
    .addOption(
      parsed<number>(
        '--memory-swap <bytes>',
        "Swap limit equal to memory plus swap: '-1' to enable unlimited swap",
        (v) => (v === '-1' ? -1 : ramInBytes(v)),
      ),
    )
    .addOption(parsed<number>('--memory-reservation <bytes>', 'Memory soft limit', (v) => ramInBytes(v)))
    .option('--oom-kill-disable', 'Disable OOM Killer')
    .addOption(parsed<number>('--cpus <decimal>', 'Number of CPUs', (v) => nanoCpus(v)))
    .addOption(parsed<number>('-c, --cpu-shares <int>', 'CPU shares (relative weight)', (v) => integer(v)))
    .addOption(
      parsed<number>('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period', (v) =>
        integer(v),
      ),
    )
    .addOption(
      parsed<number>('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota', (v) =>
        integer(v),
      ),
    )
    .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)')
    .addOption(
      parsed<number>('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)', (v) =>
        integer(v),
      ),
    );
  if (forRun) {
    cmd
      .option('--sig-proxy', 'Proxy received signals to the process (default true)')
      .addOption(new Option('--no-sig-proxy').hideHelp());
  }
  cmd
    .option('--stop-signal <string>', 'Signal to stop the container')
    .addOption(
      parsed<number>('--stop-timeout <int>', 'Timeout (in seconds) to stop a container', (v) => {
        if (!/^[-+]?\d+$/.test(v))
          throw new FlagValueError(`strconv.ParseInt: parsing "${v}": invalid syntax`);
        return Number(v);
      }),
    )
    .option('--tmpfs <list>', 'Mount a tmpfs directory', collect)
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .addOption(
      parsed<Ulimit[]>('--ulimit <ulimit>', 'Ulimit options (default [])', (v, prev) => [
        ...(prev ?? []),
        parseUlimit(v),
      ]),
    )
    .option('-u, --user <string>', 'Username or UID (format: <name|uid>[:<group|gid>])')
    .option('-v, --volume <list>', 'Bind mount a volume', collect)
    .option('--volumes-from <list>', 'Mount volumes from the specified container(s)', collect)
    .option('-w, --workdir <string>', 'Working directory inside the container');
  return cmd;
}

/** -e NAME without a value takes it from the CLI's environment, or is sent bare. */
function expandEnv(value: string, env: Readonly<Record<string, string | undefined>>): string {
  if (value.includes('=')) {
    if (value.startsWith('=')) throw new Error(`invalid environment variable: ${value}`);
    return value;
  }
  const found = env[value];
  return found === undefined ? value : `${value}=${found}`;
}

/** docker's capability normalisation: upper case, `CAP_` prefix (but `ALL`), unique, sorted. */
export function normalizeCaps(caps: readonly string[] | undefined): string[] | null {
  if (!caps || caps.length === 0) return null;
  const set = new Set<string>();
  for (const c of caps) {
    const up = c.trim().toUpperCase();
    if (up === '') continue;
    set.add(up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`);
  }
  return [...set].sort();
}

/** docker's parseSecurityOpts: `seccomp=<file>` sends the file's JSON, compacted. */
export function parseSecurityOpts(opts: readonly string[] | undefined): string[] | null {
  if (!opts || opts.length === 0) return null;
  return opts.map((opt) => {
    let eq = opt.indexOf('=');
    if (eq === -1 && !opt.startsWith('no-new-privileges')) eq = opt.indexOf(':');
    const key = eq === -1 ? opt : opt.slice(0, eq);
    const value = eq === -1 ? '' : opt.slice(eq + 1);
    if (value === '' && key !== 'no-new-privileges')
      throw new Error(`Invalid --security-opt: ${JSON.stringify(opt)}`);
    if (key !== 'seccomp' || value === 'unconfined' || value === 'builtin') return opt;
    let content: string;
    try {
      content = readFileSync(value, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : (err as Error).message;
      throw new Error(`opening seccomp profile (${value}) failed: open ${value}: ${why}`);
    }
    try {
      return `seccomp=${JSON.stringify(JSON.parse(content))}`;
    } catch (err) {
      throw new Error(`compacting json for seccomp profile (${value}) failed: ${(err as Error).message}`);
    }
  });
}

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const map = new Map(entries);
  const out: Record<string, T> = {};
  for (const k of [...map.keys()].sort()) out[k] = map.get(k) as T;
  return out;
}

function toMap(items: readonly string[]): Record<string, string> {
  return sortedRecord(
    items.map((item): [string, string] => {
      const eq = item.indexOf('=');
      return eq === -1 ? [item, ''] : [item.slice(0, eq), item.slice(eq + 1)];
    }),
  );
}

export function parseRestartPolicy(value: string): { Name: string; MaximumRetryCount: number } {
  const [name = '', count] = value.split(':');
  if (!['no', 'always', 'on-failure', 'unless-stopped', ''].includes(name)) {
    throw new Error(`invalid restart policy '${name}'`);
  }
  if (count !== undefined) {
    if (name !== 'on-failure')
      throw new Error(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
    if (!/^\d+$/.test(count))
      throw new Error(`invalid restart policy: maximum retry count must be an integer`);
  }
  return { Name: name, MaximumRetryCount: count === undefined ? 0 : Number(count) };
}

const ZERO_ENDPOINT = {
  IPAMConfig: null,
  Links: null,
  Aliases: null,
  MacAddress: '',
  DriverOpts: null,
  GwPriority: 0,
  NetworkID: '',
  EndpointID: '',
  Gateway: '',
  IPAddress: '',
  IPPrefixLen: 0,
  IPv6Gateway: '',
  GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0,
  DNSNames: null,
};

export interface BuiltCreate {
  request: ContainerCreateRequest;
  /** The `name=` query parameter ('' for none). */
  name: string;
  platform: string;
}

export interface BuildContext {
  env: Readonly<Record<string, string | undefined>>;
  /** [rows, columns] of the CLI's terminal, when stdout is one. */
  consoleSize?: [number, number] | undefined;
}

/**
 * The create request for `image` and `args` under `flags`, as docker's parse() + run's
 * adjustments (detach clears the attach flags). Throws plain Errors for bad values; callers
 * turn them into docker's exit statuses.
 */
export function buildCreateRequest(
  flags: ContainerFlags,
  image: string,
  args: readonly string[],
  ctx: BuildContext,
): BuiltCreate {
  const attach = flags.attach ?? [];
  let attachStdin = attach.includes('stdin');
  let attachStdout = attach.includes('stdout');
  let attachStderr = attach.includes('stderr');
  if (flags.interactive) attachStdin = true;
  if (attach.length === 0) {
    attachStdout = true;
    attachStderr = true;
  }
  const openStdin = flags.interactive === true;
  let stdinOnce = openStdin && attachStdin;
  if (flags.detach) {
    attachStdin = false;
    attachStdout = false;
    attachStderr = false;
    stdinOnce = false;
  }

  const envLines: string[] = [];
  for (const file of flags.envFile ?? []) envLines.push(...readKeyValueFile(file, (n) => ctx.env[n]));
  for (const e of flags.env ?? []) envLines.push(expandEnv(e, ctx.env));
  const labelLines: string[] = [];
  for (const file of flags.labelFile ?? []) labelLines.push(...readKeyValueFile(file, undefined));
  labelLines.push(...(flags.label ?? []));

  const exposed = new Map<string, Record<string, never>>();
  const bindings = new Map<string, PortBinding[]>();
  for (const p of flags.publish ?? []) {
    for (const spec of parsePortSpec(p)) {
      exposed.set(spec.port, {});
      bindings.set(spec.port, [...(bindings.get(spec.port) ?? []), spec.binding]);
    }
  }
  for (const e of flags.expose ?? []) {
    const [port = '', proto = 'tcp'] = e.split('/');
    const [start, end] = splitPortRange(port, 'range format for --expose', e);
    for (let n = start; n <= end; n++) exposed.set(`${n}/${proto}`, {});
  }

  const volumes = new Map<string, Record<string, never>>();
  const binds: string[] = [];
  for (const v of flags.volume ?? []) {
    const parts = v.split(':');
    if (parts.some((p) => p === '')) throw new Error(`invalid spec: ${v}: empty section between colons`);
    if (parts.length === 1) volumes.set(v, {});
    // As docker: a host path starting with "." is made absolute against the working directory.
    else if (parts.length <= 3)
      binds.push(parts[0]!.startsWith('.') ? [resolvePath(parts[0]!), ...parts.slice(1)].join(':') : v);
    else throw new Error(`invalid spec: ${v}: too many colons`);
  }

  const tmpfs = new Map<string, string>();
  for (const t of flags.tmpfs ?? []) {
    const colon = t.indexOf(':');
    tmpfs.set(colon === -1 ? t : t.slice(0, colon), colon === -1 ? '' : t.slice(colon + 1));
  }

  let entrypoint: string[] | null = null;
  if (flags.entrypoint !== undefined) entrypoint = [flags.entrypoint];

  const networkMode = flags.network ?? 'default';
  const restart = parseRestartPolicy(flags.restart ?? 'no');
  const logOpts = toMap(flags.logOpt ?? []);

  const hostConfig: HostConfig = {
    Binds: binds.length > 0 ? binds : null,
    ContainerIDFile: '',
    LogConfig: { Type: flags.logDriver ?? '', Config: logOpts },
    NetworkMode: networkMode,
    PortBindings: sortedRecord(bindings),
    RestartPolicy: restart,
    AutoRemove: flags.rm === true,
    VolumeDriver: '',
    VolumesFrom: flags.volumesFrom && flags.volumesFrom.length > 0 ? flags.volumesFrom : null,
    // docker sends its terminal size whenever stdout is one, TTY or not.
    ConsoleSize: ctx.consoleSize ?? [0, 0],
    CapAdd: normalizeCaps(flags.capAdd),
    CapDrop: normalizeCaps(flags.capDrop),
    CgroupnsMode: '',
    Dns: flags.dns ?? [],
    DnsOptions: flags.dnsOption ?? [],
    DnsSearch: flags.dnsSearch ?? [],
    ExtraHosts: flags.addHost && flags.addHost.length > 0 ? flags.addHost : null,
    GroupAdd: flags.groupAdd && flags.groupAdd.length > 0 ? flags.groupAdd : null,
    IpcMode: '',
    Cgroup: '',
    Links: null,
    OomScoreAdj: 0,
    PidMode: '',
    Privileged: flags.privileged === true,
    PublishAllPorts: flags.publishAll === true,
    ReadonlyRootfs: flags.readOnly === true,
    SecurityOpt: parseSecurityOpts(flags.securityOpt),
    ...(tmpfs.size > 0 ? { Tmpfs: sortedRecord(tmpfs) } : {}),
    UTSMode: '',
    UsernsMode: '',
    ShmSize: flags.shmSize ?? 0,
    Isolation: '',
    CpuShares: flags.cpuShares ?? 0,
    Memory: flags.memory ?? 0,
    NanoCpus: flags.cpus ?? 0,
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: flags.cpuPeriod ?? 0,
    CpuQuota: flags.cpuQuota ?? 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: flags.cpusetCpus ?? '',
    CpusetMems: flags.cpusetMems ?? '',
    Devices: [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: flags.memoryReservation ?? 0,
    MemorySwap: flags.memorySwap ?? 0,
    MemorySwappiness: -1,
    OomKillDisable: flags.oomKillDisable === true,
    PidsLimit: flags.pidsLimit ?? 0,
    Ulimits: flags.ulimit ?? [],
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    ...(flags.mount && flags.mount.length > 0 ? { Mounts: flags.mount } : {}),
    MaskedPaths: null,
    ReadonlyPaths: null,
    ...(flags.init !== undefined ? { Init: flags.init } : {}),
  };

  const request: ContainerCreateRequest = {
    Hostname: flags.hostname ?? '',
    Domainname: flags.domainname ?? '',
    User: flags.user ?? '',
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ...(exposed.size > 0 ? { ExposedPorts: sortedRecord(exposed) } : {}),
    Tty: flags.tty === true,
    OpenStdin: openStdin,
    StdinOnce: stdinOnce,
    Env: envLines.length > 0 ? envLines : null,
    Cmd: args.length > 0 ? [...args] : null,
    Image: image,
    Volumes: sortedRecord(volumes),
    WorkingDir: flags.workdir ?? '',
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: toMap(labelLines),
    ...(flags.stopSignal ? { StopSignal: flags.stopSignal } : {}),
    ...(flags.stopTimeout !== undefined ? { StopTimeout: flags.stopTimeout } : {}),
    HostConfig: hostConfig,
    // docker names an endpoint only for the default network when nothing else is asked for.
    NetworkingConfig: { EndpointsConfig: networkMode === 'default' ? { default: { ...ZERO_ENDPOINT } } : {} },
  };
  return {
    request,
    name: flags.name ?? '',
    platform: flags.platform ?? ctx.env['DOCKER_DEFAULT_PLATFORM'] ?? '',
  };
}

/** --pull's values, checked as docker checks them (before anything is sent). */
export function checkPullPolicy(value: string): 'missing' | 'always' | 'never' {
  if (value === 'missing' || value === 'always' || value === 'never') return value;
  throw new StatusError(
    `invalid pull option: '${value}': must be one of "always", "missing" or "never"`,
    EXIT_FAILURE,
  );
}
