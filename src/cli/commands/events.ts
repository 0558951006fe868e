/**
 * `lading events`: streams GET /events until the server ends the stream (--until) or the user
 * interrupts (exit 130 on Ctrl-C, as docker). Default lines look like docker's:
 *
 *   2026-11-29T11:38:11.123456789Z container start <id> (image=busybox, name=web)
 *
 * (time in the local zone, attributes sorted by key). `timeNano` is read from the raw JSON as a
 * bigint: an int64 of nanoseconds does not survive JSON.parse into a double.
 */

import type { EventMessage } from '../../api/types/index.js';
import { EXIT_BAD_FORMAT, EXIT_FAILURE, SignalExit, StatusError } from '../cli-error.js';
import { invalidFlagValue, LadingCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { lines } from '../engine-client.js';
import { addFilter, FilterFormatError, filtersToJson, type Filters } from '../filters.js';
import {
  markAsMap,
  parseTemplate,
  TemplateExecError,
  TemplateSyntaxError,
  type Template,
} from '../format/index.js';
import { getTimestamp, TimestampError } from '../timestamp.js';
import { InvalidArgumentError, Option } from 'commander';

/** An event as the CLI holds it: the wire object with an exact nanosecond time. */
export type CliEvent = Omit<EventMessage, 'timeNano'> & { timeNano: bigint };

/** Parses one /events line, keeping timeNano exact and marking Attributes as a Go map. */
export function decodeEvent(line: string): CliEvent {
  const raw = JSON.parse(line) as EventMessage;
  const exact = /"timeNano"\s*:\s*(-?\d+)/.exec(line)?.[1];
  const timeNano = exact !== undefined ? BigInt(exact) : BigInt(Math.trunc(raw.timeNano ?? 0));
  const actor = raw.Actor ?? { ID: '', Attributes: {} };
  return {
    ...raw,
    Actor: { ...actor, Attributes: markAsMap({ ...(actor.Attributes ?? {}) }) },
    timeNano,
  };
}

/** Go's "2006-01-02T15:04:05.000000000Z07:00" for a time in nanoseconds, at a UTC offset. */
export function formatEventTime(nanos: bigint, utcOffsetMinutes: number): string {
  const seconds = nanos / 1_000_000_000n;
  const frac = ((nanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const wholeSeconds = nanos < 0n && frac !== 0n ? seconds - 1n : seconds;
  const local = new Date((Number(wholeSeconds) + utcOffsetMinutes * 60) * 1000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const date = `${String(local.getUTCFullYear()).padStart(4, '0')}-${p2(local.getUTCMonth() + 1)}-${p2(local.getUTCDate())}`;
  const time = `${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())}`;
  let zone = 'Z';
  if (utcOffsetMinutes !== 0) {
    const abs = Math.abs(utcOffsetMinutes);
    zone = `${utcOffsetMinutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
  }
  return `${date}T${time}.${frac.toString().padStart(9, '0')}${zone}`;
}

/** The local zone's offset at a given instant (it changes with daylight saving). */
function localOffsetMinutes(nanos: bigint): number {
  return -new Date(Number(nanos / 1_000_000n)).getTimezoneOffset();
}

/** docker's default event line, without the trailing newline. */
export function formatEventLine(ev: CliEvent, utcOffsetMinutes?: (nanos: bigint) => number): string {
  const offset = utcOffsetMinutes ?? localOffsetMinutes;
  let out = '';
  if (ev.timeNano !== 0n) out += `${formatEventTime(ev.timeNano, offset(ev.timeNano))} `;
  else if (ev.time) {
    const n = BigInt(ev.time) * 1_000_000_000n;
    out += `${formatEventTime(n, offset(n))} `;
  }
  out += `${ev.Type} ${ev.Action} ${ev.Actor.ID}`;
  const attrs = ev.Actor.Attributes;
  const keys = Object.keys(attrs).sort();
  if (keys.length > 0) out += ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})`;
  return out;
}

/** An empty event, used to reject a --format that cannot work before connecting (as docker). */
function zeroEvent(): CliEvent {
  return {
    Type: '' as CliEvent['Type'],
    Action: '',
    Actor: { ID: '', Attributes: markAsMap({}) },
    scope: '' as CliEvent['scope'],
    time: 0,
    timeNano: 0n,
  };
}

export function parseEventsFormat(format: string): Template | undefined {
  if (format === '') return undefined;
  try {
    const t = parseTemplate(format === 'json' ? '{{json .}}' : format);
    t.execute(zeroEvent(), { rootTypeName: '*events.Message' });
    return t;
  } catch (err) {
    if (err instanceof TemplateSyntaxError || err instanceof TemplateExecError) {
      throw new StatusError(`Error parsing format: ${err.message}`, EXIT_BAD_FORMAT);
    }
    throw err;
  }
}

interface EventsOptions {
  since?: string;
  until?: string;
  filter?: Filters;
  format?: string;
}

export function eventsCommand(ctx: CliContext): LadingCommand {
  const filterOption = new Option('-f, --filter <filter>', 'Filter output based on conditions provided');
  filterOption.argParser((value: string, previous: Filters | undefined) => {
    try {
      return addFilter(previous ?? new Map(), value);
    } catch (err) {
      if (err instanceof FilterFormatError)
        throw new InvalidArgumentError(invalidFlagValue(filterOption, value, err.message));
      throw err;
    }
  });

  return new LadingCommand('events')
    .usage('[OPTIONS]')
    .description('Get real time events from the server')
    .addOption(filterOption)
    .option(
      '--format <string>',
      "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template",
    )
    .option('--since <string>', 'Show all events created since timestamp')
    .option('--until <string>', 'Stream events until this timestamp')
    .action(async (opts: EventsOptions) => {
      const template = parseEventsFormat(opts.format ?? '');
      const now = new Date();
      let since: string | undefined;
      let until: string | undefined;
      try {
        since = opts.since ? getTimestamp(opts.since, now) : undefined;
        until = opts.until ? getTimestamp(opts.until, now) : undefined;
      } catch (err) {
        if (err instanceof TimestampError) throw new StatusError(err.message, EXIT_FAILURE);
        throw err;
      }
      const signal = ctx.signal;
      const res = await ctx.client().open('GET', '/events', {
        query: { since, until, filters: filtersToJson(opts.filter ?? new Map()) },
        ...(signal ? { signal } : {}),
      });
      try {
        for await (const line of lines(res)) {
          const ev = decodeEvent(line);
          if (!template) {
            ctx.stdout.write(`${formatEventLine(ev)}\n`);
            continue;
          }
          try {
            ctx.stdout.write(`${template.execute(ev, { rootTypeName: 'events.Message' })}\n`);
          } catch (err) {
            if (err instanceof TemplateExecError) {
              ctx.stdout.write(err.partial);
              throw new StatusError(err.message, EXIT_FAILURE);
            }
            throw err;
          }
        }
      } catch (err) {
        if (signal?.aborted) throw new SignalExit((signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
        throw err;
      } finally {
        res.destroy();
      }
      if (signal?.aborted) throw new SignalExit((signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
    }) as LadingCommand;
}
