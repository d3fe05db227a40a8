/** Daily indices named after the event's own time (UTC), so a redelivered event lands in the same index. */
export function dailyIndexName(prefix: string, timestamp: string): string {
  const day = timestamp.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${prefix}${day.replaceAll('-', '.')}` : `${prefix}${new Date().toISOString().slice(0, 10).replaceAll('-', '.')}`;
}
