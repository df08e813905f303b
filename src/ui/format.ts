/**
 * Human formatting of times, pure. One format wherever a person reads a time (login summary, refresh
 * and --all-roles tables, messages): local date and time to the minute with the zone, because a
 * time without a zone is ambiguous on a laptop that travels or in a pasted log, and milliseconds mean
 * nothing to a person. Files and JSON keep RFC 3339 in UTC to the second (formatTimestamp).
 */
export function formatTimeLeft(expiration: Date, now: Date): string {
  const seconds = Math.round((expiration.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return 'expired';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m left` : `${m}m left`;
}

/**
 * `2026-11-27 22:20 +01:00`, or `2026-11-27 21:20 UTC` where local time is UTC. `offsetMinutes` (east
 * of UTC) defaults to the local zone's offset at that instant; tests pass it.
 */
export function formatTime(date: Date, offsetMinutes: number = -date.getTimezoneOffset()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const day = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  const abs = Math.abs(offsetMinutes);
  const zone = offsetMinutes === 0 ? 'UTC' : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${day} ${time} ${zone}`;
}

/** RFC 3339 in UTC without milliseconds, for JSON output: the same shape as the credentials file. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatExpiry(expiration: Date, now: Date): string {
  return `${formatTime(expiration)} (${formatTimeLeft(expiration, now)})`;
}
