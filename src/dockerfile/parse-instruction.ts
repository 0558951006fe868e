/**
 * Second pass (buildkit's instructions.ParseInstruction): one syntax node → one typed
 * instruction, with argument counts and flags checked in buildkit's order and wording.
 * Errors here carry no line prefix; parseDockerfile adds `dockerfile parse error on line N:`.
 */
import type { HealthConfig } from '../oci/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import { parseFlags, type FlagKind, type FlagValues } from './builder-flags.js';
import { DockerfileError } from './errors.js';
import { parseGoDuration } from './go-duration.js';
import { compareGoStrings, goQuote } from './go-text.js';
import { chompHeredocContent, parseHeredocWord } from './heredoc.js';
import {
  INSTRUCTION_KINDS,
  type Instruction,
  type KeyValuePair,
  type SourcesAndDest,
} from './instruction.js';
import { withSuggestion } from './suggest.js';
import type { SyntaxNode } from './syntax-node.js';

const fail = (message: string): InvalidArgumentError => new InvalidArgumentError(message);
const atLeastOne = (kind: string) => fail(`${kind} requires at least one argument`);
const exactlyOne = (kind: string) => fail(`${kind} requires exactly one argument`);
const noDestination = (kind: string) =>
  fail(
    `${kind} requires at least two arguments, but only one was provided. Destination could not be determined`,
  );
const blankNames = (kind: string) => fail(`${kind} names can not be blank`);

/** The instruction a node names; an unknown keyword is refused with buildkit's hint. */
export function parseInstruction(node: SyntaxNode): Instruction {
  try {
    return parseKnown(node);
  } catch (err) {
    if (err instanceof DockerfileError || !(err instanceof InvalidArgumentError)) throw err;
    throw new DockerfileError(err.message, node.startLine, node.endLine);
  }
}

/** The error buildkit gives for a keyword it does not know. */
export class UnknownInstructionError extends DockerfileError {
  constructor(
    readonly instruction: string,
    line: number,
    endLine: number,
  ) {
    super(
      withSuggestion(`unknown instruction: ${instruction}`, instruction, INSTRUCTION_KINDS, false),
      line,
      endLine,
    );
  }
}

function flagsOf(node: SyntaxNode, accepted: Readonly<Record<string, FlagKind>> = {}): FlagValues {
  return parseFlags(node.flags, accepted);
}

/** Shell form joins its words into one string; exec form is used as is. */
function commandLineOf(node: SyntaxNode): string[] {
  if (node.args.length === 0) return [];
  return node.json ? [...node.args] : [node.args.join(' ')];
}

function keyValuePairs(args: readonly string[], kind: 'ENV' | 'LABEL'): KeyValuePair[] {
  if (args.length === 0) throw atLeastOne(kind);
  if (args.length % 3 !== 0) throw fail(`Bad input to ${kind}, too many arguments`);
  const pairs: KeyValuePair[] = [];
  for (let i = 0; i < args.length; i += 3) {
    if (args[i]!.length === 0) throw blankNames(kind);
    pairs.push({ key: args[i]!, value: args[i + 1]!, noDelimiter: args[i + 2] === '' });
  }
  return pairs;
}

function sourcesAndDest(node: SyntaxNode, kind: 'COPY' | 'ADD'): SourcesAndDest {
  const dest = node.args[node.args.length - 1]!;
  if (parseHeredocWord(dest)) throw fail(`${kind} cannot accept a heredoc as a destination`);
  const sources: string[] = [];
  const sourceContents: SourcesAndDest['sourceContents'] = [];
  for (const source of node.args.slice(0, -1)) {
    const heredoc = parseHeredocWord(source);
    if (!heredoc) {
      sources.push(source);
      continue;
    }
    const attached = node.heredocs.find((h) => h.name === heredoc.name);
    const content = attached?.content ?? '';
    sourceContents.push({
      path: heredoc.name,
      data: heredoc.chomp ? chompHeredocContent(content) : content,
      expand: heredoc.expand,
    });
  }
  return { sources, sourceContents, dest };
}

function optionalBool(flags: FlagValues, name: string): boolean | undefined {
  const value = flags.values.get(name);
  return value === undefined ? undefined : value === 'true';
}

/** A HEALTHCHECK duration flag: zero when absent, at least 1ms when given. */
function interval(flags: FlagValues, name: string): number {
  const value = flags.values.get(name) ?? '';
  if (value === '') return 0;
  const ns = parseGoDuration(value);
  if (ns === 0) return 0;
  if (ns < 1e6) throw fail(`Interval ${goQuote(name)} cannot be less than 1ms`);
  return ns;
}

function parseHealth(node: SyntaxNode): HealthConfig {
  if (node.args.length === 0) throw atLeastOne('HEALTHCHECK');
  const type = node.args[0]!.toUpperCase();
  const rest = node.args.slice(1);
  // NONE takes no flags at all: buildkit does not even look at them.
  if (type === 'NONE') {
    if (rest.length !== 0) throw fail('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  const flags = flagsOf(node, {
    interval: 'string',
    timeout: 'string',
    'start-period': 'string',
    'start-interval': 'string',
    retries: 'string',
  });
  if (type !== 'CMD') throw fail(`Unknown type ${goQuote(type)} in HEALTHCHECK (try CMD)`);
  const command = rest.length === 0 ? [] : node.json ? rest : [rest.join(' ')];
  if (command.length === 0) throw fail('Missing command after HEALTHCHECK CMD');
  const health: HealthConfig = { Test: [node.json ? 'CMD' : 'CMD-SHELL', ...command] };
  const fields = [
    ['Interval', 'interval'],
    ['Timeout', 'timeout'],
    ['StartPeriod', 'start-period'],
    ['StartInterval', 'start-interval'],
  ] as const;
  for (const [field, flag] of fields) {
    const ns = interval(flags, flag);
    if (ns !== 0) health[field] = ns;
  }
  const retries = flags.values.get('retries');
  if (retries !== undefined && retries !== '') {
    if (!/^[+-]?\d+$/.test(retries) || Number(retries) < -(2 ** 31) || Number(retries) > 2 ** 31 - 1) {
      const reason = /^[+-]?\d+$/.test(retries) ? 'value out of range' : 'invalid syntax';
      throw fail(`strconv.ParseInt: parsing ${goQuote(retries)}: ${reason}`);
    }
    const count = Number(retries);
    if (count < 0) throw fail(`--retries cannot be negative (${count})`);
    if (count !== 0) health.Retries = count;
  }
  return health;
}

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

function parseKnown(node: SyntaxNode): Instruction {
  const common = {
    keyword: node.keyword,
    original: node.original,
    startLine: node.startLine,
    endLine: node.endLine,
  };
  const args = node.args;
  switch (node.keyword.toLowerCase()) {
    case 'env':
      flagsOf(node);
      return { ...common, kind: 'ENV', pairs: keyValuePairs(args, 'ENV') };
    case 'label':
      flagsOf(node);
      return { ...common, kind: 'LABEL', pairs: keyValuePairs(args, 'LABEL') };
    case 'maintainer':
      if (args.length !== 1) throw exactlyOne('MAINTAINER');
      flagsOf(node);
      return { ...common, kind: 'MAINTAINER', maintainer: args[0]! };
    case 'add': {
      if (args.length < 2) throw noDestination('ADD');
      const flags = flagsOf(node, {
        chown: 'string',
        chmod: 'string',
        link: 'bool',
        'keep-git-dir': 'bool',
        checksum: 'string',
        unpack: 'bool',
        exclude: 'strings',
      });
      const add: Instruction = {
        ...common,
        kind: 'ADD',
        ...sourcesAndDest(node, 'ADD'),
        chown: flags.values.get('chown') ?? '',
        chmod: flags.values.get('chmod') ?? '',
        link: flags.values.get('link') === 'true',
        checksum: flags.values.get('checksum') ?? '',
        excludes: flags.lists.get('exclude') ?? [],
      };
      const keepGitDir = optionalBool(flags, 'keep-git-dir');
      const unpack = optionalBool(flags, 'unpack');
      if (keepGitDir !== undefined) add.keepGitDir = keepGitDir;
      if (unpack !== undefined) add.unpack = unpack;
      return add;
    }
    case 'copy': {
      if (args.length < 2) throw noDestination('COPY');
      const flags = flagsOf(node, {
        chown: 'string',
        from: 'string',
        chmod: 'string',
        link: 'bool',
        exclude: 'strings',
        parents: 'bool',
      });
      return {
        ...common,
        kind: 'COPY',
        ...sourcesAndDest(node, 'COPY'),
        from: flags.values.get('from') ?? '',
        chown: flags.values.get('chown') ?? '',
        chmod: flags.values.get('chmod') ?? '',
        link: flags.values.get('link') === 'true',
        parents: flags.values.get('parents') === 'true',
        excludes: flags.lists.get('exclude') ?? [],
      };
    }
    case 'from': {
      let stageName = '';
      if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
        stageName = args[2]!.toLowerCase();
        if (!STAGE_NAME.test(stageName)) {
          throw fail(
            `invalid name for build stage: ${goQuote(args[2]!)}, name can't start with a number or contain symbols`,
          );
        }
      } else if (args.length !== 1) {
        throw fail('FROM requires either one or three arguments');
      }
      const flags = flagsOf(node, { platform: 'string' });
      return {
        ...common,
        kind: 'FROM',
        baseName: args[0]!,
        stageName,
        platform: flags.values.get('platform') ?? '',
      };
    }
    case 'onbuild': {
      if (args.length === 0) throw atLeastOne('ONBUILD');
      flagsOf(node);
      const trigger = args[0]!.trim().toUpperCase();
      if (trigger === 'ONBUILD') throw fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (trigger === 'MAINTAINER' || trigger === 'FROM')
        throw fail(`${trigger} isn't allowed as an ONBUILD trigger`);
      let expression = node.original.replace(/^[\t\n\f\r ]*ONBUILD[\t\n\f\r ]*/i, '');
      for (const heredoc of node.heredocs) expression += '\n' + heredoc.content + heredoc.name;
      return { ...common, kind: 'ONBUILD', expression };
    }
    case 'workdir':
      if (args.length !== 1) throw exactlyOne('WORKDIR');
      flagsOf(node);
      return { ...common, kind: 'WORKDIR', path: args[0]! };
    case 'run': {
      const flags = flagsOf(node, { mount: 'strings', network: 'string', security: 'string' });
      const network = flags.values.get('network');
      if (network !== undefined && !['default', 'none', 'host'].includes(network)) {
        throw fail(`invalid network mode ${goQuote(network)}`);
      }
      const security = flags.values.get('security');
      if (security !== undefined && !['sandbox', 'insecure'].includes(security)) {
        throw fail(`security ${goQuote(security)} is not valid`);
      }
      const run: Instruction = {
        ...common,
        kind: 'RUN',
        commandLine: commandLineOf(node),
        prependShell: !node.json,
        mounts: flags.lists.get('mount') ?? [],
        heredocs: node.heredocs,
      };
      if (network !== undefined) run.network = network;
      if (security !== undefined) run.security = security;
      return run;
    }
    case 'cmd':
      flagsOf(node);
      return { ...common, kind: 'CMD', commandLine: commandLineOf(node), prependShell: !node.json };
    case 'entrypoint': {
      flagsOf(node);
      const commandLine = commandLineOf(node);
      // An empty ENTRYPOINT clears it (null), unlike an empty CMD.
      return {
        ...common,
        kind: 'ENTRYPOINT',
        commandLine: commandLine.length === 0 ? null : commandLine,
        prependShell: !node.json,
      };
    }
    case 'healthcheck':
      return { ...common, kind: 'HEALTHCHECK', health: parseHealth(node) };
    case 'expose':
      if (args.length === 0) throw atLeastOne('EXPOSE');
      flagsOf(node);
      // Sorted as plain strings before expansion, as buildkit does.
      return { ...common, kind: 'EXPOSE', ports: [...args].sort(compareGoStrings) };
    case 'user':
      if (args.length !== 1) throw exactlyOne('USER');
      flagsOf(node);
      return { ...common, kind: 'USER', user: args[0]! };
    case 'volume': {
      if (args.length === 0) throw atLeastOne('VOLUME');
      flagsOf(node);
      const volumes = args.map((v) => v.trim());
      if (volumes.some((v) => v === '')) throw fail('VOLUME specified can not be an empty string');
      return { ...common, kind: 'VOLUME', volumes };
    }
    case 'stopsignal':
      // buildkit never checks STOPSIGNAL's flags.
      if (args.length !== 1) throw exactlyOne('STOPSIGNAL');
      return { ...common, kind: 'STOPSIGNAL', signal: args[0]! };
    case 'arg': {
      if (args.length < 1) throw atLeastOne('ARG');
      const pairs = args.map((arg) => {
        const eq = arg.indexOf('=');
        if (eq < 0) return { key: arg };
        if (eq === 0) throw blankNames('ARG');
        return { key: arg.slice(0, eq), value: arg.slice(eq + 1) };
      });
      return { ...common, kind: 'ARG', args: pairs };
    }
    case 'shell': {
      flagsOf(node);
      const shell = commandLineOf(node);
      if (shell.length === 0) throw atLeastOne('SHELL');
      if (!node.json) throw fail('SHELL requires the arguments to be in JSON form');
      return { ...common, kind: 'SHELL', shell };
    }
    default:
      throw new UnknownInstructionError(node.keyword, node.startLine, node.endLine);
  }
}
