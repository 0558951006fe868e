/**
 * `lading logout [SERVER]`: forgets the credentials stored for a registry (Docker Hub when no
 * SERVER is given), in config.json and in its credential helper.
 *
 * As docker, the entry is looked for under every form older clients stored it as: the address
 * as typed, the bare host[:port], and `http://` / `https://` + host. When the file has none of
 * them and no credential helper is configured for the registry, there is nothing to remove and
 * lading says "Not logged in to X" (docker's wording from before it always asked the helpers);
 * with a helper, the helper is asked to erase, since it may hold credentials the file does not
 * know of.
 */

import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { authConfigKey, HUB_AUTH_KEY } from '../credentials/index.js';
import { openStore } from './login.js';

export function logoutCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('logout');
  return cmd
    .usage('[SERVER]')
    .description('Log out from a registry.\nIf no server is specified, the default is defined by the daemon.')
    .argument('[args...]')
    .action(async (args: string[]) => {
      cmd.checkArgs(args, { max: 1 });
      const given = args[0] ?? '';
      const hostname = authConfigKey(given);
      const candidates =
        hostname === HUB_AUTH_KEY
          ? [HUB_AUTH_KEY]
          : [...new Set([given, hostname, `http://${hostname}`, `https://${hostname}`])];
      const store = await openStore(ctx);
      const known = candidates.filter((k) => store.file.has(k) || store.helper(k) !== undefined);
      if (known.length === 0) {
        ctx.stdout.write(`Not logged in to ${hostname}\n`);
        return;
      }
      ctx.stdout.write(`Removing login credentials for ${hostname}\n`);
      const errors: [string, string][] = [];
      for (const key of known) {
        try {
          await store.erase(key);
        } catch (err) {
          errors.push([key, (err as Error).message]);
        }
      }
      // As docker: success if any removal worked; the errors only when every one failed.
      if (errors.length === known.length) {
        ctx.stderr.write('WARNING: could not erase credentials:\n');
        for (const [key, message] of errors) ctx.stderr.write(`${key}: ${message}\n`);
      }
    }) as LadingCommand;
}
