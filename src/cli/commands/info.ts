/**
 * `lading info`: a `Client:` and a `Server:` section in docker's order and wording, built from
 * GET /info. Server warnings go to stderr, as docker prints them. `--format` runs against the
 * server's fields at the top level plus `ClientInfo`, the shape of docker's `{{json .}}`.
 */

import type { InfoResponse } from '../../api/types/index.js';
import { buildInfo } from '../build-info.js';
import { EXIT_BAD_FORMAT, EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { ConnectionError } from '../engine-client.js';
import {
  markAsMap,
  parseTemplate,
  TemplateExecError,
  TemplateSyntaxError,
  type Template,
} from '../format/index.js';
import { bytesSize } from '../units.js';

export interface ClientInfo {
  Debug: boolean;
  Version: string;
  GitCommit: string;
  NodeVersion: string;
  Os: string;
  Arch: string;
  BuildTime: string;
  Plugins: unknown[];
  Warnings: string[] | null;
}

/** What `--format` sees: the server's fields inline, then the client's. */
export type InfoData = Partial<InfoResponse> & {
  ServerErrors?: string[];
  ClientInfo: ClientInfo;
  ClientErrors?: string[];
};

export function clientInfo(debug: boolean): ClientInfo {
  const b = buildInfo();
  return {
    Debug: debug,
    Version: b.version,
    GitCommit: b.gitCommit,
    NodeVersion: b.nodeVersion,
    Os: b.os,
    Arch: b.arch,
    BuildTime: b.builtAt,
    Plugins: [],
    Warnings: null,
  };
}

/** Security options arrive as "name=seccomp,profile=builtin" (or a bare legacy "apparmor"). */
export function decodeSecurityOptions(
  opts: readonly string[],
): { name: string; options: [string, string][] }[] {
  return opts.map((raw) => {
    if (!raw.includes('=')) return { name: raw, options: [] };
    let name = '';
    const options: [string, string][] = [];
    for (const kv of raw.split(',')) {
      const eq = kv.indexOf('=');
      const k = eq === -1 ? kv : kv.slice(0, eq);
      const v = eq === -1 ? '' : kv.slice(eq + 1);
      if (k === 'name') name = v;
      else options.push([k, v]);
    }
    return { name, options };
  });
}

/** The `Client:` section. lading has no contexts and no plugins, so those lines are omitted. */
export function renderClientInfo(c: ClientInfo): string {
  return `Client:\n Version:    ${c.Version}\n Debug Mode: ${c.Debug}\n`;
}

/** The body of the `Server:` section, line for line as docker's info prints it. */
export function renderServerInfo(info: InfoResponse, clientDebug = false): string {
  const lines: string[] = [];
  const add = (...parts: unknown[]): void => {
    lines.push(parts.map((p) => String(p)).join(' '));
  };
  const addNonEmpty = (label: string, value: string | undefined): void => {
    if (value) add(label, value);
  };
  add(' Containers:', info.Containers);
  add('  Running:', info.ContainersRunning);
  add('  Paused:', info.ContainersPaused);
  add('  Stopped:', info.ContainersStopped);
  add(' Images:', info.Images);
  addNonEmpty(' Server Version:', info.ServerVersion);
  addNonEmpty(' Storage Driver:', info.Driver);
  for (const [k, v] of info.DriverStatus ?? []) lines.push(`  ${k}: ${v}`);
  addNonEmpty(' Logging Driver:', info.LoggingDriver);
  addNonEmpty(' Cgroup Driver:', info.CgroupDriver);
  addNonEmpty(' Cgroup Version:', info.CgroupVersion);
  if (info.Plugins) {
    add(' Plugins:');
    add('  Volume:', (info.Plugins.Volume ?? []).join(' '));
    add('  Network:', (info.Plugins.Network ?? []).join(' '));
    if (info.Plugins.Authorization?.length) add('  Authorization:', info.Plugins.Authorization.join(' '));
    add('  Log:', (info.Plugins.Log ?? []).join(' '));
  }
  add(' Swarm:', info.Swarm?.LocalNodeState ?? 'inactive');
  const runtimes = Object.keys(info.Runtimes ?? {}).sort();
  if (runtimes.length > 0) {
    add(' Runtimes:', runtimes.join(' '));
    add(' Default Runtime:', info.DefaultRuntime);
  }
  if (info.OSType === 'linux') {
    add(' Init Binary:', info.InitBinary ?? '');
    add(' containerd version:', info.ContainerdCommit?.ID ?? '');
    add(' runc version:', info.RuncCommit?.ID ?? '');
    add(' init version:', info.InitCommit?.ID ?? '');
    const secopts = decodeSecurityOptions(info.SecurityOptions ?? []);
    if (secopts.length > 0) {
      add(' Security Options:');
      for (const so of secopts) {
        lines.push(`  ${so.name}`);
        for (const [k, v] of so.options) if (k === 'profile') add('   Profile:', v);
      }
    }
  }
  addNonEmpty(' Kernel Version:', info.KernelVersion);
  addNonEmpty(' Operating System:', info.OperatingSystem);
  addNonEmpty(' OSType:', info.OSType);
  addNonEmpty(' Architecture:', info.Architecture);
  add(' CPUs:', info.NCPU);
  add(' Total Memory:', bytesSize(info.MemTotal ?? 0));
  addNonEmpty(' Name:', info.Name);
  addNonEmpty(' ID:', info.ID);
  add(' Docker Root Dir:', info.DockerRootDir);
  add(' Debug Mode:', info.Debug);
  if (info.Debug || clientDebug) {
    add('  File Descriptors:', info.NFd);
    add('  Goroutines:', info.NGoroutines);
    add('  System Time:', info.SystemTime);
    add('  EventsListeners:', info.NEventsListener);
  }
  addNonEmpty(' HTTP Proxy:', info.HttpProxy);
  addNonEmpty(' HTTPS Proxy:', info.HttpsProxy);
  addNonEmpty(' No Proxy:', info.NoProxy);
  if (info.Labels?.length) {
    add(' Labels:');
    for (const l of info.Labels) lines.push(`  ${l}`);
  }
  add(' Experimental:', info.ExperimentalBuild ?? false);
  const reg = info.RegistryConfig;
  const indexConfigs = Object.values(reg?.IndexConfigs ?? {}).sort((a, b) => a.Name.localeCompare(b.Name));
  if (reg && ((reg.InsecureRegistryCIDRs ?? []).length > 0 || indexConfigs.length > 0)) {
    add(' Insecure Registries:');
    for (const ic of indexConfigs) if (!ic.Secure) lines.push(`  ${ic.Name}`);
    for (const cidr of reg.InsecureRegistryCIDRs ?? []) lines.push(`  ${cidr}`);
  }
  if (reg?.Mirrors?.length) {
    add(' Registry Mirrors:');
    for (const m of reg.Mirrors) lines.push(`  ${m}`);
  }
  add(' Live Restore Enabled:', info.LiveRestoreEnabled ?? false);
  lines.push('');
  return `${lines.join('\n')}\n`;
}

/** Marks the Go maps in /info so templates treat missing keys and printing as Go would. */
function asTemplateData(info: InfoResponse | undefined, client: ClientInfo): InfoData {
  if (!info) return { ClientInfo: client };
  if (info.Runtimes) markAsMap(info.Runtimes);
  if (info.RegistryConfig?.IndexConfigs) markAsMap(info.RegistryConfig.IndexConfigs);
  return { ...info, ClientInfo: client };
}

/** docker skips the server call when the template only touches client fields. */
function needsServer(template: Template, format: string, client: ClientInfo): boolean {
  if (format === '' || format === 'json' || format === '{{json .}}' || !/\.[a-zA-Z]/.test(format))
    return true;
  try {
    template.execute({ ClientInfo: client }, { rootTypeName: 'system.sparseInfo' });
    return false;
  } catch {
    return true;
  }
}

export function parseInfoFormat(format: string): Template | undefined {
  if (format === '') return undefined;
  try {
    return parseTemplate(format === 'json' ? '{{json .}}' : format);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) {
      throw new StatusError(`template parsing error: ${err.message}`, EXIT_BAD_FORMAT);
    }
    throw err;
  }
}

export function infoCommand(ctx: CliContext): LadingCommand {
  return new LadingCommand('info')
    .usage('[OPTIONS]')
    .description('Display system-wide information')
    .option(
      '-f, --format <string>',
      "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template",
    )
    .action(async (opts: { format?: string }) => {
      const format = opts.format ?? '';
      const template = parseInfoFormat(format);
      const client = clientInfo(ctx.globals.debug);
      let server: InfoResponse | undefined;
      let serverError: unknown;
      if (!template || needsServer(template, format, client)) {
        try {
          server = await ctx.client().get<InfoResponse>('/info', ctx.signal ? { signal: ctx.signal } : {});
        } catch (err) {
          serverError = err;
        }
      }

      if (!template) {
        ctx.stdout.write(`${renderClientInfo(client)}\nServer:\n`);
        if (server) {
          ctx.stdout.write(renderServerInfo(server, ctx.globals.debug));
          for (const w of server.Warnings ?? []) ctx.stderr.write(`${w}\n`);
        }
        if (serverError instanceof ConnectionError || (serverError && !(serverError instanceof Error)))
          throw serverError;
        if (serverError) {
          ctx.stderr.write(`ERROR: ${(serverError as Error).message}\n`);
          throw new StatusError('errors pretty printing info', EXIT_FAILURE);
        }
        return;
      }

      const data = asTemplateData(server, client);
      if (serverError && !(serverError instanceof ConnectionError)) {
        ctx.stderr.write(`${(serverError as Error).message}\n`);
      }
      let execError: TemplateExecError | undefined;
      try {
        ctx.stdout.write(`${template.execute(data, { rootTypeName: 'system.dockerInfo' })}\n`);
      } catch (err) {
        if (!(err instanceof TemplateExecError)) throw err;
        execError = err;
        ctx.stdout.write(`${err.partial}\n`);
      }
      if (serverError instanceof ConnectionError) throw serverError;
      if (execError) throw new StatusError(execError.message, EXIT_FAILURE);
    }) as LadingCommand;
}
