/**
 * `lading version`: the client's and the server's versions in docker's layout.
 *
 * The layout is docker's `version` template rendered through a tabwriter with minwidth 20,
 * padding 1: a `Client:` block, then `Server: <platform>` with one block per component, the
 * Engine block carrying API/Go/git/build details. lading's client has no Go version and no
 * contexts, so it shows `Node.js version` and omits `Context`. The server part is shown as the
 * server reports it (against dockerd it is a Go version, hence docker's label).
 *
 * When the daemon cannot be reached the client part is still printed, then the error (exit 1).
 */

import { API_VERSION_DEFAULT, type VersionResponse } from '../../api/types/index.js';
import { buildInfo, formatAnsic, type BuildInfo } from '../build-info.js';
import { EXIT_BAD_FORMAT, EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import {
  markAsMap,
  parseTemplate,
  tabulate,
  TemplateExecError,
  TemplateSyntaxError,
  type Template,
} from '../format/index.js';

/** `{{.Client.*}}` in --format; keys as docker's JSON where they mean the same thing. */
export interface ClientVersionInfo {
  Version: string;
  ApiVersion: string;
  DefaultAPIVersion: string;
  GitCommit: string;
  NodeVersion: string;
  Os: string;
  Arch: string;
  BuildTime: string;
}

/** `{{.Server.*}}`: the GET /version answer, as the server sent it. */
export type ServerVersionInfo = VersionResponse;

export interface VersionInfo {
  Client: ClientVersionInfo;
  Server: ServerVersionInfo | null;
}

/** The version template's tabwriter: minwidth 20, tabwidth 1, padding 1. */
const VERSION_WRITER = { minWidth: 20, tabWidth: 1, padding: 1 } as const;

export function clientVersionInfo(build: BuildInfo, apiVersion: string | undefined): ClientVersionInfo {
  return {
    Version: build.version,
    ApiVersion: apiVersion ?? API_VERSION_DEFAULT,
    DefaultAPIVersion: API_VERSION_DEFAULT,
    GitCommit: build.gitCommit,
    NodeVersion: build.nodeVersion,
    Os: build.os,
    Arch: build.arch,
    BuildTime: build.builtAt,
  };
}

/** RFC 3339 build times are shown in Go's ANSIC layout, as docker does; others as given. */
export function reformatDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return value;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : formatAnsic(d);
}

/** Mirrors docker: fills the deprecated top-level fields from the Engine component, or
 * synthesises an Engine component for servers that send none. */
export function serverVersionInfo(sv: VersionResponse): ServerVersionInfo {
  // Key order as docker's JSON, so `--format '{{json .}}'` output matches it.
  const out: ServerVersionInfo = {
    Platform: { Name: sv.Platform?.Name ?? '' },
    Components: [],
    Version: sv.Version,
    ApiVersion: sv.ApiVersion,
    MinAPIVersion: sv.MinAPIVersion,
    GitCommit: '',
    GoVersion: '',
    Os: sv.Os,
    Arch: sv.Arch,
    KernelVersion: '',
    Experimental: undefined,
    BuildTime: '',
  };
  let foundEngine = false;
  for (const c of sv.Components ?? []) {
    const details = markAsMap({ ...(c.Details ?? {}) });
    if (c.Name === 'Engine') {
      foundEngine = true;
      const built = details['BuildTime'];
      if (built !== undefined) details['BuildTime'] = reformatDate(built);
      out.GitCommit = details['GitCommit'] ?? '';
      out.GoVersion = details['GoVersion'] ?? '';
      out.KernelVersion = details['KernelVersion'] ?? '';
      out.Experimental = details['Experimental'] === 'true' || details['Experimental'] === '1' || undefined;
      out.BuildTime = built ?? '';
    }
    out.Components.push({ Name: c.Name, Version: c.Version, Details: details });
  }
  if (!foundEngine) {
    out.Components.push({
      Name: 'Engine',
      Version: sv.Version,
      Details: markAsMap({
        ApiVersion: sv.ApiVersion,
        MinAPIVersion: sv.MinAPIVersion,
        Os: sv.Os,
        Arch: sv.Arch,
      }),
    });
  }
  return out;
}

/** The tab-separated text that the version tabwriter aligns (docker's default layout). */
function versionLayout(v: VersionInfo): string {
  const c = v.Client;
  const api =
    c.ApiVersion === c.DefaultAPIVersion
      ? c.ApiVersion
      : `${c.ApiVersion} (downgraded from ${c.DefaultAPIVersion})`;
  let text =
    'Client:\n' +
    ` Version:\t${c.Version}\n` +
    ` API version:\t${api}\n` +
    ` Node.js version:\t${c.NodeVersion}\n` +
    ` Git commit:\t${c.GitCommit}\n` +
    ` Built:\t${c.BuildTime}\n` +
    ` OS/Arch:\t${c.Os}/${c.Arch}`;
  const s = v.Server;
  if (s) {
    text += `\n\nServer:${s.Platform.Name ? ` ${s.Platform.Name}` : ''}`;
    for (const comp of s.Components) {
      const d = comp.Details ?? {};
      const get = (k: string): string => d[k] ?? '';
      text += `\n ${comp.Name}:`;
      if (comp.Name === 'Engine') {
        text +=
          `\n  Version:\t${comp.Version}` +
          `\n  API version:\t${get('ApiVersion')} (minimum version ${get('MinAPIVersion')})` +
          `\n  Go version:\t${get('GoVersion')}` +
          `\n  Git commit:\t${get('GitCommit')}` +
          `\n  Built:\t${get('BuildTime')}` +
          `\n  OS/Arch:\t${get('Os')}/${get('Arch')}` +
          `\n  Experimental:\t${get('Experimental')}`;
      } else {
        text += `\n  Version:\t${comp.Version}`;
        for (const key of Object.keys(d).sort()) text += `\n  ${key}:\t${get(key)}`;
      }
    }
  }
  return text;
}

/** Renders `lading version` output (default layout or a user template) as docker does. */
export function renderVersion(
  v: VersionInfo,
  template?: Template,
): { out: string; error?: TemplateExecError } {
  let text: string;
  let error: TemplateExecError | undefined;
  if (template) {
    try {
      text = template.execute(v, { rootTypeName: 'system.versionInfo' });
    } catch (err) {
      if (!(err instanceof TemplateExecError)) throw err;
      error = err;
      text = err.partial;
    }
  } else {
    text = versionLayout(v);
  }
  const out = tabulate(`${text}\n`, VERSION_WRITER);
  return error ? { out, error } : { out };
}

/** Parses --format as docker does (name "version"; "json" means `{{json .}}`); exit 64 if bad. */
export function parseVersionFormat(format: string): Template | undefined {
  if (format === '') return undefined;
  try {
    return parseTemplate(format === 'json' ? '{{json .}}' : format, { name: 'version' });
  } catch (err) {
    if (err instanceof TemplateSyntaxError) {
      throw new StatusError(`template parsing error: ${err.message}`, EXIT_BAD_FORMAT);
    }
    throw err;
  }
}

export function versionCommand(ctx: CliContext): LadingCommand {
  return new LadingCommand('version')
    .usage('[OPTIONS]')
    .description('Show the lading version information')
    .option(
      '-f, --format <string>',
      "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template",
    )
    .action(async (opts: { format?: string }) => {
      const template = parseVersionFormat(opts.format ?? '');
      const client = ctx.client();
      let server: ServerVersionInfo | null = null;
      let serverError: unknown;
      try {
        server = serverVersionInfo(
          await client.get<VersionResponse>('/version', ctx.signal ? { signal: ctx.signal } : {}),
        );
      } catch (err) {
        serverError = err;
      }
      const info: VersionInfo = { Client: clientVersionInfo(buildInfo(), client.apiVersion), Server: server };
      const { out, error } = renderVersion(info, template);
      ctx.stdout.write(out);
      if (serverError) throw serverError;
      if (error) throw new StatusError(error.message, EXIT_FAILURE);
    }) as LadingCommand;
}
