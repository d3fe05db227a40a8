/**
 * Time arithmetic of the day partitions. A partition is named after the event's day the
 * way the OpenSearch store names its daily index; since a timestamp with an offset is
 * named after its local date, a partition holds instants from the day before to the day
 * after its own: its window is [day - 1 day, day + 2 days).
 *
 * Each row's key (its SQLite rowid) encodes its time within that window:
 * (ms since window start) × 2^25 + a sequence number. Keys sort by time, stay below
 * 2^53 (exact as JS numbers) and leave room for 33 million events in one millisecond;
 * a time range is therefore a rowid range, which every index and the FTS table serve.
 */

export const DAY_MS = 86_400_000;
const WINDOW_MS = 3 * DAY_MS;
export const SEQUENCE_SPAN = 2 ** 25;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})/;
const ZONELESS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const EPOCH_MILLIS = /^-?\d+$/;

/** Milliseconds since the epoch, reading a zoneless ISO time as UTC like OpenSearch; undefined when unparseable. */
export function parseTimestamp(value: string): number | undefined {
  const ms = Date.parse(ZONELESS_TIME.test(value) ? `${value}Z` : value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** A search bound: an ISO 8601 time or epoch milliseconds, like the date fields' default format. */
export function parseTimeBound(value: string): number | undefined {
  return EPOCH_MILLIS.test(value) ? Number(value) : parseTimestamp(value);
}

/** `YYYY.MM.DD` of the UTC day holding `ms`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '.');
}

export function dayStart(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

export function windowStart(day: string): number {
  return dayStart(day) - DAY_MS;
}

/**
 * The partition of an event: the date its ISO timestamp is written in, as the OpenSearch
 * store's daily index; the UTC day when the timestamp has another form.
 */
export function partitionDay(timestamp: string, ms: number): string {
  const match = ISO_DAY.exec(timestamp);
  if (match) {
    const day = `${match[1]}.${match[2]}.${match[3]}`;
    const offset = ms - windowStart(day);
    if (offset >= 0 && offset < WINDOW_MS) return day;
  }
  return utcDay(ms);
}

/** The first key of the millisecond `ms` in the partition whose window starts at `start`. */
export function firstKeyOf(start: number, ms: number): number {
  return (ms - start) * SEQUENCE_SPAN;
}

export function timeOfKey(start: number, key: number): number {
  return start + Math.floor(key / SEQUENCE_SPAN);
}

/** The key range of [fromMs, toMs] (inclusive, like gte/lte) inside a partition; undefined when they do not meet. */
export function keyRange(start: number, fromMs: number, toMs: number): readonly [number, number] | undefined {
  const low = Math.max(fromMs, start);
  const high = Math.min(toMs, start + WINDOW_MS - 1);
  if (low > high) return undefined;
  return [firstKeyOf(start, low), firstKeyOf(start, high) + SEQUENCE_SPAN - 1];
}
