/** Times in stats as Go's time.Time marshals them. */

/** Go's zero time, which `preread` is before the first sample. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * RFC 3339 in UTC with the fraction's trailing zeros dropped (Go's RFC3339Nano); JavaScript
 * only knows milliseconds, which is plenty for a one-second sampling interval.
 */
export function goTime(date: Date): string {
  const iso = date.toISOString(); // 2026-11-29T18:09:55.120Z
  const [whole = iso, fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? `${whole}Z` : `${whole}.${trimmed}Z`;
}
