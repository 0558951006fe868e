/**
 * The `lading` command tree: docker's global flags, the commands, and the single place where a
 * thrown error becomes stderr text and an exit status (docker's: 0, 1, 125 for usage, 64 for a
 * bad --format, 128+n after a signal).
 *
 * Global flags are only read before the command name (`lading -H x version`), as docker's root
 * flags are; `--context` is deliberately absent (lading has no contexts), so it is an unknown
 * flag like any other.
 */

import { CommanderError, Option } from 'commander';
import { buildInfo } from './build-info.js';
import { EXIT_FAILURE, SignalExit, StatusError } from './cli-error.js';
import { BIN, LadingCommand, unknownCommand } from './command.js';
import { attachCommand } from './commands/attach.js';
import { containerGroup } from './commands/container.js';
import { createCommand } from './commands/create.js';
import { eventsCommand } from './commands/events.js';
import { execCommand } from './commands/exec.js';
import { killCommand } from './commands/kill.js';
import { logsCommand } from './commands/logs.js';
import { psCommand } from './commands/ps.js';
import { renameCommand } from './commands/rename.js';
import { rmCommand } from './commands/rm.js';
import { runCommand } from './commands/run.js';
import { startCommand } from './commands/start.js';
import { restartCommand, stopCommand } from './commands/stop.js';
import { waitCommand } from './commands/wait.js';
import { pauseCommand } from './commands/pause.js';
import { portCommand } from './commands/port.js';
import { statsCommand } from './commands/stats.js';
import { topCommand } from './commands/top.js';
import { unpauseCommand } from './commands/unpause.js';
import { updateCommand } from './commands/update.js';
import { historyCommand } from './commands/history.js';
import { imageGroup } from './commands/image.js';
import { imagesCommand } from './commands/images.js';
import { importCommand } from './commands/import.js';
import { infoCommand } from './commands/info.js';
import { inspectCommand } from './commands/inspect.js';
import { loadCommand } from './commands/load.js';
import { cpCommand } from './commands/cp.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { pullCommand } from './commands/pull.js';
import { pushCommand } from './commands/push.js';
import { rmiCommand } from './commands/rmi.js';
import { saveCommand } from './commands/save.js';
import { exportCommand } from './commands/export.js';
import { diffCommand } from './commands/diff.js';
import { commitCommand } from './commands/commit.js';
import { systemGroup } from './commands/system.js';
import { tagCommand } from './commands/tag.js';
import { versionCommand } from './commands/version.js';
import { volumeGroup } from './commands/volume.js';
import { CliContext, type CliIO, type GlobalOptions } from './context.js';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'];

export function versionLine(): string {
  const b = buildInfo();
  return `${BIN} version ${b.version}, build ${b.gitCommit}`;
}

/** Applies output routing and error behaviour to every command in the tree. */
function configure(cmd: LadingCommand, io: CliIO): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: () => undefined, // errors are printed once, by runCli
  });
  // run/create use -h for --hostname, as docker's; there help is --help alone.
  const hostnameFlag = cmd.options.some((o) => o.short === '-h');
  cmd.helpOption(hostnameFlag ? '--help' : '-h, --help', 'Print usage');
  cmd.showSuggestionAfterError(false);
  // docker lists commands by name only ("  version     Show the …").
  cmd.configureHelp({ subcommandTerm: (sub) => sub.name() });
  for (const sub of cmd.commands) configure(sub as LadingCommand, io);
}

export function buildProgram(ctx: CliContext): LadingCommand {
  const program = new LadingCommand(BIN);
  program
    .usage('[OPTIONS] COMMAND')
    .description('A self-sufficient runtime for containers, speaking the Docker Engine API')
    .enablePositionalOptions()
    .version(versionLine(), '-v, --version', 'Print version information and quit')
    .option('--config <string>', 'Location of client config files')
    .option('-D, --debug', 'Enable debug mode')
    .option(
      '-H, --host <string>',
      'Daemon socket to connect to',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .addOption(
      new Option(
        '-l, --log-level <string>',
        'Set the logging level ("debug", "info", "warn", "error", "fatal")',
      ).default('info'),
    )
    .option('--tls', 'Use TLS; implied by --tlsverify')
    .option('--tlscacert <string>', 'Trust certs signed only by this CA')
    .option('--tlscert <string>', 'Path to TLS certificate file')
    .option('--tlskey <string>', 'Path to TLS key file')
    .option('--tlsverify', 'Use TLS and verify the remote')
    .argument('[command]')
    .allowExcessArguments(true)
    .action((command: string | undefined) => {
      if (command !== undefined) throw unknownCommand(program, command);
      // Bare `lading`: help on stderr, success — as docker.
      program.outputHelp({ error: true });
    });

  program.hook('preAction', () => {
    const g = program.opts<Partial<GlobalOptions>>();
    const logLevel = g.logLevel ?? 'info';
    if (!LOG_LEVELS.includes(logLevel)) {
      throw new StatusError(`Unable to parse logging level: ${logLevel}`, EXIT_FAILURE);
    }
    ctx.globals = {
      ...g,
      host: g.host ?? [],
      debug: g.debug ?? false,
      tls: g.tls ?? false,
      tlsverify: g.tlsverify ?? false,
      logLevel: g.debug ? 'debug' : logLevel,
    };
  });

  program.addCommand(versionCommand(ctx));
  program.addCommand(infoCommand(ctx));
  program.addCommand(eventsCommand(ctx));
  program.addCommand(imagesCommand(ctx));
  program.addCommand(historyCommand(ctx));
  program.addCommand(inspectCommand(ctx));
  program.addCommand(tagCommand(ctx));
  program.addCommand(rmiCommand(ctx));
  program.addCommand(saveCommand(ctx));
  program.addCommand(loadCommand(ctx));
  program.addCommand(importCommand(ctx));
  program.addCommand(pullCommand(ctx));
  program.addCommand(pushCommand(ctx));
  program.addCommand(loginCommand(ctx));
  program.addCommand(logoutCommand(ctx));
  program.addCommand(runCommand(ctx));
  program.addCommand(createCommand(ctx));
  program.addCommand(startCommand(ctx));
  program.addCommand(attachCommand(ctx));
  program.addCommand(logsCommand(ctx));
  program.addCommand(execCommand(ctx));
  program.addCommand(stopCommand(ctx));
  program.addCommand(killCommand(ctx));
  program.addCommand(restartCommand(ctx));
  program.addCommand(rmCommand(ctx));
  program.addCommand(renameCommand(ctx));
  program.addCommand(waitCommand(ctx));
  program.addCommand(pauseCommand(ctx));
  program.addCommand(unpauseCommand(ctx));
  program.addCommand(updateCommand(ctx));
  program.addCommand(topCommand(ctx));
  program.addCommand(statsCommand(ctx));
  program.addCommand(portCommand(ctx));
  program.addCommand(cpCommand(ctx));
  program.addCommand(exportCommand(ctx));
  program.addCommand(diffCommand(ctx));
  program.addCommand(commitCommand(ctx));
  program.addCommand(psCommand(ctx));
  program.addCommand(containerGroup(ctx));
  program.addCommand(imageGroup(ctx));
  program.addCommand(systemGroup(ctx));
  program.addCommand(volumeGroup(ctx));
  configure(program, ctx.io);
  return program;
}

/** Runs one invocation; returns the exit status instead of exiting (tests call this). */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const ctx = new CliContext(io);
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    return report(err, io);
  } finally {
    ctx.close();
  }
}

function report(err: unknown, io: CliIO): number {
  if (err instanceof CommanderError) {
    // Help and --version arrive here with exit code 0.
    if (err.exitCode !== 0 && err.message) io.stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
  if (io.signal?.aborted && !(err instanceof StatusError)) {
    err = new SignalExit((io.signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
  }
  const message = err instanceof Error ? err.message : String(err);
  if (message !== '') io.stderr.write(`${message}\n`);
  return err instanceof StatusError ? err.exitCode : EXIT_FAILURE;
}
