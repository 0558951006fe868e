/**
 * `--log-driver`/`--log-opt` checking and the json-file driver's settings, with moby's rules and
 * error texts (daemon/logger/factory.go, jsonfilelog.go, loginfo.go): unknown options, sizes in
 * go-units FromHumanSize form (decimal: 10m = 10,000,000 bytes), max-file ≥ 1.
 */
import { InvalidArgumentError, NotImplementedError } from '../../errors/index.js';

export type LogDriverName = 'json-file' | 'none';

/** What the driver needs to know about the container for `labels`/`env`/`tag`. */
export interface LogContainerInfo {
  id: string;
  /** With or without the leading slash. */
  name: string;
  imageId: string;
  imageName: string;
  labels: Record<string, string>;
  /** `KEY=value` strings as in Config.Env. */
  env: string[];
}

export interface JsonFileSettings {
  /** Bytes; -1 when `max-size` is unset (never rotate). */
  maxSize: number;
  /** Files kept including the live one (`max-file`, default 1). */
  maxFile: number;
  /** `labels`/`env`/`tag` attributes written into every entry; empty when none. */
  attrs: Record<string, string>;
}

const JSON_FILE_OPTS = new Set([
  'max-file',
  'max-size',
  'compress',
  'labels',
  'labels-regex',
  'env',
  'env-regex',
  'tag',
]);
/** Options every driver takes (moby's builtInLogOpts). */
const BUILT_IN_OPTS = new Set(['mode', 'max-buffer-size']);

/** Docker's check when a container is created: the driver exists and knows every option. */
export function validateLogConfig(driver: string, config: Record<string, string>): void {
  if (driver === 'none') return;
  const mode = config.mode ?? '';
  if (mode !== '' && mode !== 'blocking' && mode !== 'non-blocking') {
    throw new InvalidArgumentError(`logger: logging mode not supported: ${mode}`);
  }
  if (config['max-buffer-size'] !== undefined && mode !== 'non-blocking') {
    throw new InvalidArgumentError(
      `logger: max-buffer-size option is only supported with 'mode=non-blocking'`,
    );
  }
  if (driver !== 'json-file') {
    throw new InvalidArgumentError(`logger: no log driver named '${driver}' is registered`);
  }
  for (const key of Object.keys(config)) {
    if (BUILT_IN_OPTS.has(key) || JSON_FILE_OPTS.has(key)) continue;
    throw new InvalidArgumentError(`unknown log opt '${key}' for json-file log driver`);
  }
}

/**
 * go-units FromHumanSize: a number (fraction allowed), an optional space, then b, k, kb, kib,
 * m… in any case. Decimal multipliers, as jsonfilelog uses it. Throws Go's messages.
 */
export function parseHumanSize(text: string): number {
  let sep = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    if ('0123456789. '.includes(text[i]!)) {
      sep = i;
      break;
    }
  }
  if (sep === -1) throw new InvalidArgumentError(`invalid size: '${text}'`);
  const num = text[sep] === ' ' ? text.slice(0, sep) : text.slice(0, sep + 1);
  let suffix = text.slice(sep + 1);
  const size = parseGoFloat(num);
  if (size < 0) throw new InvalidArgumentError(`invalid size: '${text}'`);
  if (suffix === '') return Math.trunc(size);
  const bad = (): never => {
    throw new InvalidArgumentError(`invalid suffix: '${suffix}'`);
  };
  if (suffix.length > 3) bad();
  suffix = suffix.toLowerCase();
  if (suffix[0] === 'b') return suffix.length > 1 ? bad() : Math.trunc(size);
  const power = 'kmgtp'.indexOf(suffix[0]!);
  if (power < 0) bad();
  if (suffix.length === 2 && suffix[1] !== 'b') bad();
  if (suffix.length === 3 && suffix.slice(1) !== 'ib') bad();
  return Math.trunc(size * 1000 ** (power + 1));
}

function parseGoFloat(text: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw new InvalidArgumentError(`strconv.ParseFloat: parsing "${text}": invalid syntax`);
  }
  return Number(text);
}

function parseGoInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text))
    throw new InvalidArgumentError(`strconv.Atoi: parsing "${text}": invalid syntax`);
  return Number(text);
}

function parseGoBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new InvalidArgumentError(`strconv.ParseBool: parsing "${text}": invalid syntax`);
}

/** The json-file driver's settings from its log options (after validateLogConfig). */
export function jsonFileSettings(config: Record<string, string>, info: LogContainerInfo): JsonFileSettings {
  validateLogConfig('json-file', config);
  let maxSize = -1;
  if (config['max-size'] !== undefined) {
    maxSize = parseHumanSize(config['max-size']);
    if (maxSize <= 0) throw new InvalidArgumentError('max-size must be a positive number');
  }
  let maxFile = 1;
  if (config['max-file'] !== undefined) {
    maxFile = parseGoInt(config['max-file']);
    if (maxFile < 1) throw new InvalidArgumentError('max-file cannot be less than 1');
  }
  if (config.compress !== undefined) {
    const compress = parseGoBool(config.compress);
    if (compress && (maxFile === 1 || maxSize === -1)) {
      throw new InvalidArgumentError(
        'compress cannot be true when max-file is less than 2 or max-size is not set',
      );
    }
    // Rotated files stay plain: lading's reader follows and tails plain files only.
    if (compress)
      throw new NotImplementedError('lading does not support compress=true for the json-file log driver');
  }
  const attrs = extraAttributes(config, info);
  if (config.tag) attrs.tag = expandLogTag(config.tag, info);
  return { maxSize, maxFile, attrs };
}

function compileGoRegex(source: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch (err) {
    throw new InvalidArgumentError(`error parsing regexp: ${(err as Error).message}`);
  }
}

/** moby's Info.ExtraAttributes: chosen labels and env variables, by list or by pattern. */
function extraAttributes(config: Record<string, string>, info: LogContainerInfo): Record<string, string> {
  const extra: Record<string, string> = {};
  const has = (map: Record<string, string>, key: string): boolean =>
    Object.prototype.hasOwnProperty.call(map, key);
  if (config.labels) {
    for (const label of config.labels.split(','))
      if (has(info.labels, label)) extra[label] = info.labels[label]!;
  }
  if (config['labels-regex']) {
    const pattern = compileGoRegex(config['labels-regex']);
    for (const [key, value] of Object.entries(info.labels)) if (pattern.test(key)) extra[key] = value;
  }
  const env: Record<string, string> = {};
  for (const entry of info.env) {
    const eq = entry.indexOf('=');
    if (eq >= 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  if (config.env) {
    for (const name of config.env.split(',')) if (has(env, name)) extra[name] = env[name]!;
  }
  if (config['env-regex']) {
    const pattern = compileGoRegex(config['env-regex']);
    for (const [key, value] of Object.entries(env)) if (pattern.test(key)) extra[key] = value;
  }
  return extra;
}

/**
 * The `tag` option is a Go template over the container's info. lading expands the plain
 * field references Docker documents ({{.ID}}, {{.Name}}…); anything else is refused rather
 * than written wrongly.
 */
function expandLogTag(template: string, info: LogContainerInfo): string {
  const fields: Record<string, string> = {
    ID: info.id.slice(0, 12),
    FullID: info.id,
    Name: info.name.replace(/^\//, ''),
    ImageID: info.imageId.replace(/^sha256:/, '').slice(0, 12),
    ImageFullID: info.imageId,
    ImageName: info.imageName,
    DaemonName: 'docker',
  };
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_whole, expression: string) => {
    const field = /^\.(\w+)$/.exec(expression)?.[1];
    if (field === undefined || fields[field] === undefined) {
      throw new InvalidArgumentError(
        `lading's log tag supports only plain fields like {{.Name}}, not {{${expression}}}`,
      );
    }
    return fields[field];
  });
}
