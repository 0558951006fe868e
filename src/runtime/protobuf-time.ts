/**
 * `google.protobuf.Timestamp` → RFC 3339 with nanoseconds, the way Go prints a time.Time in
 * JSON (RFC3339Nano: trailing zeros of the fraction dropped, no fraction at all when zero).
 * Docker's State.FinishedAt is that string, and containerd's exit times arrive as
 * Timestamps, so keeping all nine digits here lets the daemon show what dockerd would.
 */

/** A Timestamp as @grpc/proto-loader decodes it (64-bit seconds as a decimal string). */
export interface ProtoTimestamp {
  seconds: string | number;
  nanos: number;
}

/** Go's zero time.Time, which containerd sends for "not exited yet". */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function timestampToRfc3339(ts: ProtoTimestamp | null | undefined): string {
  if (!ts) return ZERO_TIME;
  const seconds = Number(ts.seconds);
  const nanos = ts.nanos || 0;
  if (!Number.isFinite(seconds)) return ZERO_TIME;
  // Date covers years 1 to 9999 exactly at second precision; nanoseconds are appended.
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  const fraction = nanos > 0 ? '.' + String(nanos).padStart(9, '0').replace(/0+$/, '') : '';
  return `${whole}${fraction}Z`;
}
