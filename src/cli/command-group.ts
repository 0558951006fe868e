/**
 * Command groups (`lading image`, `lading system`) laid out as docker's cobra groups:
 *
 *   Usage:  lading image COMMAND
 *
 *   Manage images
 *
 *   Commands:
 *     history     Show the history of an image
 *     …
 *
 *   Run 'lading image COMMAND --help' for more information on a command.
 *
 * Bare `lading image` prints that on stderr and succeeds; `lading image bogus` is docker's
 * unknown-command error (exit 1).
 */

import { EXIT_FAILURE, StatusError } from './cli-error.js';
import { BIN, LadingCommand } from './command.js';

/** cobra's minimum name column in the Commands list. */
const NAME_PADDING = 11;

export class CommandGroup extends LadingCommand {
  override helpInformation(): string {
    const path = this.commandPath();
    const subs = this.commands
      .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
      .map((c) => [c.name(), c.description()] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const width = Math.max(NAME_PADDING, ...subs.map(([name]) => name.length));
    const list = subs.map(([name, text]) => `  ${name.padEnd(width)} ${text}\n`).join('');
    return (
      `Usage:  ${path} COMMAND\n\n${this.description()}\n\n` +
      `Commands:\n${list}\n` +
      `Run '${path} COMMAND --help' for more information on a command.\n`
    );
  }
}

export function commandGroup(name: string, description: string, subcommands: LadingCommand[]): CommandGroup {
  const group = new CommandGroup(name);
  group
    .usage('COMMAND')
    .description(description)
    .argument('[command]')
    .allowExcessArguments(true)
    .action((command: string | undefined) => {
      if (command === undefined) {
        group.outputHelp({ error: true });
        return;
      }
      const path = group.commandPath();
      throw new StatusError(
        `${BIN}: unknown command: ${path} ${command}\n\nUsage:  ${path}\n\nRun '${path} --help' for more information`,
        EXIT_FAILURE,
      );
    });
  // `container run IMAGE CMD -x`: flags after the image belong to the container's command,
  // which needs positional parsing on every ancestor of such a subcommand.
  group.enablePositionalOptions();
  for (const sub of subcommands) group.addCommand(sub);
  return group;
}
