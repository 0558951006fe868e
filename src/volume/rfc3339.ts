/** Go's `time.RFC3339` layout in the process's local zone: `2006-01-02T15:04:05Z07:00`. */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function formatRfc3339Local(date: Date): string {
  const offset = -date.getTimezoneOffset(); // minutes east of UTC
  const zone =
    offset === 0
      ? 'Z'
      : `${offset > 0 ? '+' : '-'}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`
  );
}
