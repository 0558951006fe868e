/**
 * Progress of a transfer, in the terms of Docker's JSON message stream: a status, an optional
 * id (a layer's 12 hex digits, or the tag) and optional byte counts. The daemon adds the
 * progress bar text and writes them out; distribution/ knows nothing of HTTP.
 */
export interface ProgressDetail {
  current?: number;
  total?: number;
}

export interface ProgressEvent {
  status?: string;
  id?: string;
  progressDetail?: ProgressDetail;
  aux?: unknown;
}

export type ProgressSink = (event: ProgressEvent) => void;

/** How often a byte counter may report (dockerd throttles its progress readers similarly). */
export const PROGRESS_INTERVAL_MS = 100;

/** Calls `report` at most every PROGRESS_INTERVAL_MS, and always for `final`. */
export function throttled(report: (value: number) => void): (value: number, final?: boolean) => void {
  let last = 0;
  return (value, final = false) => {
    const now = Date.now();
    if (!final && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    report(value);
  };
}
