/**
 * Times as Go's RFC 3339 (nano) formatting writes them, so configs lading writes look like
 * Docker's: `2025-01-02T03:04:05Z`, `2025-01-02T03:04:05.12Z` — trailing zeros of the
 * fraction dropped, no fraction at all when it is zero.
 */
export function goTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}
