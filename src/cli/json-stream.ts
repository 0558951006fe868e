/**
 * Renders a JSON progress stream (load, import, and later pull/push) as docker's jsonmessage
 * does: `{"stream": …}` text as is, `{"status": …, "id": …}` as `id: status` lines, progress
 * bars redrawn in place on a terminal and left out otherwise, `aux` messages handed to the
 * caller (push's `{Tag, Digest, Size}`, build's image ID) instead of printed, and the first
 * `errorDetail` ending the command with its message.
 */

import { lines } from './engine-client.js';
import type { Output } from './context.js';
import { humanSize } from './units.js';

interface JsonProgress {
  current?: number;
  total?: number;
  start?: number;
  hidecounts?: boolean;
  units?: string;
}

export interface JsonMessage {
  stream?: string;
  status?: string;
  progressDetail?: JsonProgress | null;
  progress?: string;
  id?: string;
  from?: string;
  time?: number;
  timeNano?: number;
  errorDetail?: { code?: number; message?: string } | null;
  error?: string;
  aux?: unknown;
}

/** The daemon reported a failure inside the stream (`errorDetail`). */
export class JsonStreamError extends Error {
  override readonly name = 'JsonStreamError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const ESC = '\x1b[';
const up = (n: number): string => (n > 0 ? `${ESC}${n}A` : '');
const down = (n: number): string => (n > 0 ? `${ESC}${n}B` : '');
const CLEAR_LINE = `${ESC}2K`;

/** jsonmessage's JSONProgress.String(); `width` is the terminal's (200 when unknown). */
export function progressString(p: JsonProgress, width: number, nowMs: number = Date.now()): string {
  const current = p.current ?? 0;
  const total = p.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) {
    return p.units ? `${current} ${p.units}` : humanSize(current).padStart(8);
  }
  const percentage = Math.min(50, Math.trunc(Math.trunc((current / total) * 100) / 2));
  let bar = '';
  if (width > 110) bar = `[${'='.repeat(percentage)}>${' '.repeat(Math.max(0, 50 - percentage))}] `;
  let numbers = '';
  if (!p.hidecounts) {
    if (!p.units) {
      const cur = humanSize(current).padStart(8);
      numbers = current > total ? cur : `${cur}/${humanSize(total)}`;
    } else {
      numbers = current > total ? `${current} ${p.units}` : `${current}/${total} ${p.units}`;
    }
  }
  let timeLeft = '';
  if (width > 50 && current > 0 && (p.start ?? 0) > 0 && percentage < 50) {
    const fromStart = nowMs - (p.start as number) * 1000;
    const leftSeconds = Math.round(((total - current) * (fromStart / current)) / 1000);
    timeLeft = ` ${goDuration(leftSeconds)}`;
  }
  return bar + numbers + timeLeft;
}

/** Go's time.Duration.String() for whole seconds: `0s`, `45s`, `2m5s`, `1h0m0s`. */
function goDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Writes one message; throws JsonStreamError for an errorDetail. */
function display(jm: JsonMessage, out: Output, terminal: boolean, width: number): void {
  if (jm.errorDetail) {
    throw new JsonStreamError(jm.errorDetail.message ?? '', jm.errorDetail.code ?? 0);
  }
  const progress = jm.progressDetail ?? undefined;
  let endl = '';
  if (terminal && !jm.stream && progress) {
    endl = '\r';
    out.write(`${CLEAR_LINE}\r`);
  } else if (progress && progressString(progress, width) !== '') {
    return; // no progress bars off a terminal
  }
  let text = '';
  if (jm.id) text += `${jm.id}: `;
  if (jm.from) text += `(from ${jm.from}) `;
  const status = jm.status ?? '';
  if (progress && terminal) text += `${status} ${progressString(progress, width)}${endl}`;
  else if (jm.progress) text += `${status} ${jm.progress}${endl}`;
  else if (jm.stream) text += `${jm.stream}${endl}`;
  else text += `${status}${endl}\n`;
  out.write(text);
}

export interface DisplayOptions {
  /** Receives each message's `aux` payload; such messages are never printed. */
  onAux?: (aux: unknown) => void;
}

/**
 * Reads the stream to its end, rendering each message. `out.isTTY` chooses the terminal form;
 * `columns` (set on a real terminal) sizes the progress bar.
 */
export async function displayJsonMessages(
  body: AsyncIterable<Buffer | string>,
  out: Output & { columns?: number },
  options: DisplayOptions = {},
): Promise<void> {
  const terminal = out.isTTY === true;
  const width = out.columns ?? 200;
  const ids = new Map<string, number>();
  for await (const line of lines(body)) {
    const jm = JSON.parse(line) as JsonMessage;
    if (jm.aux !== undefined && jm.aux !== null) {
      options.onAux?.(jm.aux);
      continue;
    }
    let diff = 0;
    if (jm.id && (jm.progressDetail || jm.progress)) {
      let at = ids.get(jm.id);
      if (at === undefined) {
        at = ids.size;
        ids.set(jm.id, at);
        if (terminal) out.write('\n');
      }
      diff = ids.size - at;
      if (terminal) out.write(up(diff));
    } else {
      ids.clear();
    }
    try {
      display(jm, out, terminal, width);
    } finally {
      if (jm.id && terminal) out.write(down(diff));
    }
  }
}
