/**
 * `docker import --change` and `docker commit --change`: the Dockerfile instructions that
 * only touch the image config — CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL,
 * USER, VOLUME, WORKDIR. Each is applied to a copy of the config, in order.
 */
import { posix } from 'node:path';
import { InvalidArgumentError } from '../errors/index.js';
import type { ContainerConfig } from '../oci/index.js';

const ALLOWED = [
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'LABEL',
  'ONBUILD',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
];

/** A JSON array of strings (exec form), or undefined when `text` is not one. */
function jsonForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // not JSON: shell form
  }
  return undefined;
}

/** Splits `a=b "c d"=e f='g h'` into words, honouring quotes and backslashes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new InvalidArgumentError(`unmatched quote in ${JSON.stringify(text)}`);
  if (inWord) words.push(word);
  return words;
}

/** `k=v k2=v2`, or the legacy single pair `k v w` (value is the rest). */
function keyValues(instruction: string, args: string): [string, string][] {
  const words = splitWords(args);
  if (words.length === 0) throw new InvalidArgumentError(`${instruction} requires at least one argument`);
  if (!(words[0] as string).includes('=')) {
    const [key, ...rest] = args.trim().split(/\s+/);
    if (rest.length === 0) throw new InvalidArgumentError(`${instruction} requires at least two arguments`);
    return [[key as string, splitWords(args.trim().slice((key as string).length)).join(' ')]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`${instruction} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function commandForm(args: string): string[] {
  return jsonForm(args) ?? ['/bin/sh', '-c', args];
}

function exposedPorts(args: string): string[] {
  const ports: string[] = [];
  for (const word of splitWords(args)) {
    const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
    if (!match) throw new InvalidArgumentError(`invalid containerPort: ${word}`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from || to > 65535)
      throw new InvalidArgumentError(`invalid range specified for containerPort: ${word}`);
    for (let p = from; p <= to; p++) ports.push(`${p}/${(match[3] ?? 'tcp').toLowerCase()}`);
  }
  return ports;
}

export function applyChange(config: ContainerConfig, change: string): ContainerConfig {
  const trimmed = change.trim();
  if (trimmed === '') return config;
  const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed) as RegExpExecArray;
  const instruction = (match[1] as string).toUpperCase();
  const args = (match[2] as string).trim();
  if (!ALLOWED.includes(instruction)) {
    throw new InvalidArgumentError(`${match[1]} is not a valid change command`);
  }
  const next: ContainerConfig = { ...config };
  switch (instruction) {
    case 'CMD':
      next.Cmd = commandForm(args);
      break;
    case 'ENTRYPOINT':
      next.Entrypoint = args === '' ? null : commandForm(args);
      // A new entrypoint resets an inherited CMD, as in a Dockerfile.
      break;
    case 'ENV': {
      const env = [...(config.Env ?? [])];
      for (const [key, value] of keyValues('ENV', args)) {
        const at = env.findIndex((e) => e.split('=')[0] === key);
        if (at >= 0) env[at] = `${key}=${value}`;
        else env.push(`${key}=${value}`);
      }
      next.Env = env;
      break;
    }
    case 'LABEL':
      next.Labels = { ...(config.Labels ?? {}), ...Object.fromEntries(keyValues('LABEL', args)) };
      break;
    case 'EXPOSE': {
      const ports = { ...(config.ExposedPorts ?? {}) };
      for (const port of exposedPorts(args)) ports[port] = {};
      next.ExposedPorts = ports;
      break;
    }
    case 'VOLUME': {
      const volumes = { ...(config.Volumes ?? {}) };
      for (const v of jsonForm(args) ?? splitWords(args)) {
        if (v.trim() === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string');
        volumes[v] = {};
      }
      next.Volumes = volumes;
      break;
    }
    case 'WORKDIR':
      next.WorkingDir = posix.resolve(config.WorkingDir || '/', args);
      break;
    case 'USER':
      if (args === '') throw new InvalidArgumentError('USER requires exactly one argument');
      next.User = args;
      break;
    case 'STOPSIGNAL':
      next.StopSignal = args;
      break;
    case 'ONBUILD':
      next.OnBuild = [...(config.OnBuild ?? []), args];
      break;
  }
  return next;
}

export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  return changes.reduce(applyChange, config);
}
