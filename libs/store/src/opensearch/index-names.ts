/** Daily indices named after the event's own time (UTC), so a redelivered event lands in the same index. */
export function dailyIndexName(prefix: string, timestamp: string): string {
  const day = timestamp.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${prefix}${day.replaceAll('-', '.')}` : `${prefix}${new Date().toISOString().slice(0, 10).replaceAll('-', '.')}`;
}

const DAY_MS = 86_400_000;
/** Longer ranges read the wildcard: a long list of names costs more to send and resolve than the shards it would skip. */
export const MAX_ROUTED_DAYS = 62;

/**
 * The indices a search of [from, to] reads: the daily indices of the range, padded by a day on
 * each side, or the whole prefix when a bound is open, not an instant, or the range is long.
 * The padding covers an event whose index was named from a timestamp written with an offset
 * (2026-11-01T23:30:00-05:00 is in the 2026.11.01 index but is 2026-11-02 in UTC). Naming the
 * days saves OpenSearch opening, and building the global ordinals of, every other day.
 */
export function indicesForRange(prefix: string, from?: string, to?: string): string {
  const all = `${prefix}*`;
  if (from === undefined || to === undefined) return all;
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!Number.isFinite(start) || !Number.isFinite(end) || !/^\d{4}-\d{2}-\d{2}/.test(from) || !/^\d{4}-\d{2}-\d{2}/.test(to)) return all;
  if (end < start) return dailyIndexName(prefix, new Date(start).toISOString());
  const first = Math.floor(start / DAY_MS) - 1;
  const last = Math.floor(end / DAY_MS) + 1;
  if (last - first + 1 > MAX_ROUTED_DAYS) return all;
  const names: string[] = [];
  for (let day = first; day <= last; day++) names.push(dailyIndexName(prefix, new Date(day * DAY_MS).toISOString()));
  return names.join(',');
}
