/**
 * `lading stats [OPTIONS] [CONTAINER...]`: live resource usage, as the docker CLI shows it.
 * Each container has its own GET /containers/{id}/stats stream (stream=0 with --no-stream, to
 * which the daemon answers one primed sample); the table is drawn once every container has
 * answered, and then, when streaming, redrawn every second in place (cursor home, each line
 * followed by erase-to-end-of-line, then erase below) until interrupted.
 *
 * Without names it shows the running containers (all with -a) as listed when it starts;
 * containers started later are not picked up (docker follows events for that).
 */

import { EXIT_FAILURE, StatusError } from '../cli-error.js';
import { LadingCommand } from '../command.js';
import type { CliContext, Output } from '../context.js';
import { lines } from '../engine-client.js';
import { FORMAT_HELP, writeList } from '../list-output.js';
import {
  DEFAULT_STATS_TABLE,
  emptyEntry,
  entryFromSample,
  STATS_HEADERS,
  STATS_ROW_TYPE,
  statsRow,
  type StatsEntry,
  type StatsSample,
} from './stats-entry.js';

interface StatsOptions {
  all?: boolean;
  format?: string;
  stream?: boolean;
  trunc?: boolean;
}

const REDRAW_INTERVAL_MS = 1000;

interface Collector {
  entry: StatsEntry;
  error?: string;
  /** Resolves with the first sample or the first failure. */
  first: Promise<void>;
}

function collect(ctx: CliContext, container: string, stream: boolean, signal: AbortSignal): Collector {
  const collector: Collector = { entry: emptyEntry(container), first: Promise.resolve() };
  collector.first = new Promise<void>((resolveFirst) => {
    void (async () => {
      try {
        const res = await ctx.client().open('GET', `/containers/${container}/stats`, {
          query: { stream: stream ? '1' : '0' },
          signal,
        });
        for await (const line of lines(res)) {
          collector.entry = entryFromSample(container, JSON.parse(line) as StatsSample);
          resolveFirst();
          if (!stream) break;
        }
      } catch (err) {
        if (!signal.aborted) {
          collector.error = err instanceof Error ? err.message : String(err);
          collector.entry = { ...collector.entry, invalid: true };
        }
      }
      resolveFirst();
    })();
  });
  return collector;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export function statsCommand(ctx: CliContext): LadingCommand {
  const cmd = new LadingCommand('stats');
  return cmd
    .usage('[OPTIONS] [CONTAINER...]')
    .description('Display a live stream of container(s) resource usage statistics')
    .argument('[containers...]')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('--format <string>', FORMAT_HELP)
    .option('--no-stream', 'Disable streaming stats and only pull the first result')
    .option('--no-trunc', 'Do not truncate output')
    .action(async (names: string[], opts: StatsOptions) => {
      const stream = opts.stream !== false;
      const trunc = opts.trunc !== false;
      const format = opts.format ?? '';
      const stop = new AbortController();
      const onAbort = (): void => stop.abort();
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        let containers = names;
        if (containers.length === 0) {
          const list = await ctx.client().get<{ Id: string }[] | null>('/containers/json', {
            query: { all: opts.all ? '1' : undefined },
            signal: stop.signal,
          });
          containers = (list ?? []).map((c) => c.Id);
        }
        const collectors = containers.map((c) => collect(ctx, c, stream, stop.signal));
        await Promise.all(collectors.map((c) => c.first));
        // Named containers that cannot be read fail the command before anything is drawn.
        const errors = names.length > 0 ? collectors.flatMap((c) => (c.error ? [c.error] : [])) : [];
        if (errors.length > 0) throw new StatusError(errors.join('\n'), EXIT_FAILURE);

        const render = (): string => {
          let text = '';
          const out: Output = { write: (s: string) => (text += s) };
          const rows = collectors.map((c) => statsRow(c.entry, trunc));
          writeList(out, format, rows, {
            defaultFormat: DEFAULT_STATS_TABLE,
            headers: STATS_HEADERS,
            rootTypeName: STATS_ROW_TYPE,
          });
          return text;
        };
        if (!stream) {
          ctx.stdout.write(render());
          return;
        }
        ctx.stdout.write('\u001b[2J');
        while (!stop.signal.aborted) {
          const body = render()
            .split('\n')
            .slice(0, -1)
            .map((line) => `${line}\u001b[K\n`)
            .join('');
          ctx.stdout.write(`\u001b[H${body}\u001b[J`);
          await sleep(REDRAW_INTERVAL_MS, stop.signal);
        }
      } finally {
        ctx.signal?.removeEventListener('abort', onAbort);
        stop.abort();
      }
    }) as LadingCommand;
}
