/**
 * Times printed the way Go prints them in docker's output, in the local zone:
 * `time.Time.String()` (`2026-11-29 12:00:00 +0000 UTC`, the images CreatedAt) and RFC 3339
 * (`2026-11-29T12:00:00Z`, the history CreatedAt).
 */

const p2 = (n: number): string => String(n).padStart(2, '0');

interface LocalParts {
  date: string;
  time: string;
  offsetMinutes: number;
}

function localParts(unixSeconds: number): LocalParts {
  const d = new Date(unixSeconds * 1000);
  const offsetMinutes = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + offsetMinutes * 60_000);
  return {
    date: `${String(local.getUTCFullYear()).padStart(4, '0')}-${p2(local.getUTCMonth() + 1)}-${p2(local.getUTCDate())}`,
    time: `${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())}`,
    offsetMinutes,
  };
}

function offsetText(minutes: number, separator: string): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}${separator}${p2(abs % 60)}`;
}

/**
 * Locales whose names cover the abbreviations the tz database has (CET from en-GB, IST from
 * en-IN, AEDT from en-AU, JST from ja-JP); Intl has no locale-free way to ask for them.
 */
const ZONE_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'ja-JP'];

/**
 * The zone's abbreviation as Go prints it from the tz database: `UTC`, `CET`, `EST`; zones the
 * database gives no letters get numbers (`-03`, `+0530`), as Go shows them.
 */
function zoneName(unixSeconds: number, offsetMinutes: number): string {
  const at = new Date(unixSeconds * 1000);
  for (const locale of ZONE_LOCALES) {
    try {
      const name = new Intl.DateTimeFormat(locale, { timeZoneName: 'short' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value;
      if (name !== undefined && /^[A-Z]{2,5}$/.test(name)) return name;
    } catch {
      break; // no Intl zone data: numbers below
    }
  }
  if (offsetMinutes === 0) return 'UTC'; // an unnamed zone at UTC (TZ=""), as Go names it
  const abs = Math.abs(offsetMinutes);
  const minutes = abs % 60;
  return `${offsetMinutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}${minutes === 0 ? '' : p2(minutes)}`;
}

/** Go's time.Unix(s, 0).String() in the local zone. */
export function goTimeString(unixSeconds: number): string {
  const { date, time, offsetMinutes } = localParts(unixSeconds);
  return `${date} ${time} ${offsetText(offsetMinutes, '')} ${zoneName(unixSeconds, offsetMinutes)}`;
}

/** Go's time.Unix(s, 0).Format(time.RFC3339) in the local zone. */
export function goRfc3339(unixSeconds: number): string {
  const { date, time, offsetMinutes } = localParts(unixSeconds);
  return `${date}T${time}${offsetMinutes === 0 ? 'Z' : offsetText(offsetMinutes, ':')}`;
}
