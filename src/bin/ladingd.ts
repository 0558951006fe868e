/**
 * ladingd: the lading daemon. Parses flags, loads daemon.json, starts the daemon and maps
 * signals to its lifecycle: SIGTERM/SIGINT stop it (exit 0), SIGHUP reloads daemon.json.
 * A config or startup error is one line on stderr and exit status 1.
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig, type DaemonConfig, type DaemonConfigFile } from '../daemon/config/index.js';
import type { Daemon } from '../daemon/daemon.js';
import { ENGINE_VERSION, buildInfo } from '../daemon/build-info.js';
import { messageOf } from '../errors/index.js';
import { createLogger, LOG_LEVELS } from '../log/index.js';

interface CliOptions {
  configFile?: string;
  dataRoot?: string;
  execRoot?: string;
  host?: string[];
  logLevel?: string;
  debug?: boolean;
  containerd?: string;
  containerdNamespace?: string;
}

function fail(message: string): never {
  process.stderr.write(`ladingd: ${message}\n`);
  process.exit(1);
}

/** Only flags actually given become settings: an absent flag must not clash with the file. */
function flagsFrom(options: CliOptions): DaemonConfigFile {
  const flags: Record<string, unknown> = {};
  if (options.dataRoot !== undefined) flags['data-root'] = resolve(options.dataRoot);
  if (options.execRoot !== undefined) flags['exec-root'] = resolve(options.execRoot);
  if (options.host !== undefined) flags['hosts'] = options.host;
  if (options.logLevel !== undefined) flags['log-level'] = options.logLevel;
  if (options.debug) flags['debug'] = true;
  if (options.containerd !== undefined) flags['containerd'] = resolve(options.containerd);
  if (options.containerdNamespace !== undefined) flags['containerd-namespace'] = options.containerdNamespace;
  return flags as DaemonConfigFile;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('ladingd')
    .description('lading daemon: serves the Docker Engine API and runs containers through containerd')
    .option('--config-file <path>', 'daemon configuration file (default /etc/lading/daemon.json)')
    .option('--data-root <dir>', 'root of persistent state (default /var/lib/lading)')
    .option('--exec-root <dir>', 'root of runtime state: sockets, containerd state (default /run/lading)')
    .option(
      '-H, --host <address>',
      'API address to listen on, repeatable (unix:///path or tcp://host:port with TLS)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .addOption(new Option('--log-level <level>', 'log level').choices([...LOG_LEVELS]))
    .option('-D, --debug', 'debug logging')
    .option('--containerd <socket>', 'use this existing containerd instead of starting one')
    .option('--containerd-namespace <name>', 'containerd namespace for lading objects (default lading)')
    .option('-v, --version', 'print the version and exit')
    .allowExcessArguments(false)
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 1));
  program.parse(argv);
  const options = program.opts<CliOptions & { version?: boolean }>();

  if (options.version) {
    const build = await buildInfo();
    process.stdout.write(`lading version ${ENGINE_VERSION}, build ${build.gitCommit}\n`);
    return;
  }

  const flags = flagsFrom(options);
  let config: DaemonConfig;
  try {
    config = await loadConfig({
      ...(options.configFile !== undefined && { configFile: resolve(options.configFile) }),
      flags,
    });
  } catch (err) {
    fail(messageOf(err));
  }
  if (process.getuid?.() !== 0) fail('ladingd needs to be started as root');

  const logger = createLogger({ level: config.debug ? 'debug' : config.logLevel });
  let daemon: Daemon | undefined;
  let stopRequested = false;
  const stop = (signal: string): void => {
    if (stopRequested) {
      logger.info(`received ${signal} again; already stopping`);
      return;
    }
    stopRequested = true;
    logger.info(`received ${signal}, shutting down`);
    if (!daemon) return; // start() is under way; it is stopped as soon as it returns
    void daemon.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    logger.info('received SIGHUP, reloading the configuration');
    void daemon?.reload();
  });

  try {
    // Loaded only now: the daemon pulls in gRPC and the API server, and a config error or
    // --version should answer without paying for them.
    const { Daemon } = await import('../daemon/daemon.js');
    daemon = await Daemon.start({
      config,
      logger,
      flags,
      ...(options.configFile !== undefined && { configFile: resolve(options.configFile) }),
    });
  } catch (err) {
    fail(`failed to start daemon: ${messageOf(err)}`);
  }
  if (stopRequested) {
    await daemon.stop();
    process.exit(0);
  }
}

main(process.argv).catch((err: unknown) => fail(messageOf(err)));
