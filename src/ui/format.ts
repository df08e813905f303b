/** Human formatting of times, pure. */
export function formatTimeLeft(expiration: Date, now: Date): string {
  const seconds = Math.round((expiration.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return 'expired';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m left` : `${m}m left`;
}

export function formatLocalTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function formatExpiry(expiration: Date, now: Date): string {
  return `${formatLocalTime(expiration)} (${formatTimeLeft(expiration, now)})`;
}
