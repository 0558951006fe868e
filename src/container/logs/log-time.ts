/**
 * Log timestamps with nanosecond precision. Date.now() only has milliseconds, so the clock is
 * process.hrtime anchored to the wall clock once and re-anchored when the two drift apart
 * (an NTP step), which keeps entries written in one millisecond in order.
 */

const NANOS_PER_MS = 1_000_000n;
const NANOS_PER_SECOND = 1_000_000_000n;
/** More drift than this between the anchored clock and Date.now() means the wall clock moved. */
const MAX_DRIFT_NS = 50n * NANOS_PER_MS;

let anchorWallNs = BigInt(Date.now()) * NANOS_PER_MS;
let anchorHr = process.hrtime.bigint();

/** Unix time in nanoseconds. */
export function nowNanos(): bigint {
  const now = anchorWallNs + (process.hrtime.bigint() - anchorHr);
  const wall = BigInt(Date.now()) * NANOS_PER_MS;
  const drift = now > wall ? now - wall : wall - now;
  if (drift <= MAX_DRIFT_NS) return now;
  anchorWallNs = wall;
  anchorHr = process.hrtime.bigint();
  return wall;
}

function splitNanos(nanos: bigint): { seconds: bigint; fraction: string } {
  let seconds = nanos / NANOS_PER_SECOND;
  let rest = nanos % NANOS_PER_SECOND;
  if (rest < 0n) {
    rest += NANOS_PER_SECOND;
    seconds -= 1n;
  }
  return { seconds, fraction: rest.toString().padStart(9, '0') };
}

function dateTimePart(seconds: bigint): string {
  // toISOString gives "2006-01-02T15:04:05.000Z"; the first 19 characters are the date-time.
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
}

/** Docker's RFC3339NanoFixed in UTC (`docker logs -t`): always nine fraction digits. */
export function formatRfc3339NanoFixed(nanos: bigint): string {
  const { seconds, fraction } = splitNanos(nanos);
  return `${dateTimePart(seconds)}.${fraction}Z`;
}

/** Unix seconds with a fraction (the API's `since=`/`until=`) as nanoseconds. */
export function secondsToNanos(seconds: number): bigint {
  const whole = Math.floor(seconds);
  const fraction = Math.round((seconds - whole) * 1e9);
  return BigInt(whole) * NANOS_PER_SECOND + BigInt(fraction);
}
