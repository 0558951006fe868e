/**
 * `lading system check [--repair]`: lading's own store check (POST
 * /lading/system/check?repair=). Prints each problem on its own line,
 * `<subject>: <problem>`, followed by ` (repaired: <what was done>)` when --repair fixed it.
 * Exits 1 while any problem remains unrepaired, so scripts can gate on it. Not a docker
 * command: dockerd answers 404.
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import type { SystemCheckProblem } from '../image-types.js';

/** Accepts `{"Problems":[…]}` or a bare array, with Go-cased or lower-cased keys. */
export function checkProblems(body: unknown): SystemCheckProblem[] {
  const list = Array.isArray(body)
    ? body
    : ((body as { Problems?: unknown; problems?: unknown } | null)?.Problems ??
      (body as { problems?: unknown } | null)?.problems ??
      []);
  if (!Array.isArray(list)) return [];
  return list.map((p: Record<string, unknown>) => {
    const repaired = p['Repaired'] ?? p['repaired'];
    return {
      Subject: String(p['Subject'] ?? p['subject'] ?? ''),
      Problem: String(p['Problem'] ?? p['problem'] ?? ''),
      ...(typeof repaired === 'string' && repaired !== '' ? { Repaired: repaired } : {}),
    };
  });
}

export function formatProblem(p: SystemCheckProblem): string {
  const head = p.Subject ? `${p.Subject}: ${p.Problem}` : p.Problem;
  return p.Repaired ? `${head} (repaired: ${p.Repaired})` : head;
}

export function systemCheckCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('check');
  return cmd
    .usage('[OPTIONS]')
    .description("Verify the image and layer store's records and directories")
    .argument('[args...]')
    .option('--repair', 'Remove or fix what cannot be trusted')
    .action(async (args: string[], opts: { repair?: boolean }) => {
      cmd.checkArgs(args, { exact: 0 });
      const body = await ctx.client().json<unknown>('POST', '/lading/system/check', {
        query: { repair: opts.repair ? '1' : '0' },
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const problems = checkProblems(body);
      for (const p of problems) ctx.stdout.write(`${formatProblem(p)}\n`);
      const left = problems.filter((p) => !p.Repaired).length;
      if (left > 0) {
        throw new StatusError(
          `${left} problem${left === 1 ? '' : 's'} found${opts.repair ? ' that could not be repaired' : ''}`,
          EXIT_FAILURE,
        );
      }
    }) as LadingCommand;
}
