import { StoreError, StoreErrorCodes } from '../errors';
import type { Aggregation, Bucket, TermsAggregation } from './types';

/**
 * What both stores compute the same way, so that their answers are identical: interval
 * and time-zone arithmetic, bucket order, and exact percentiles from sorted values.
 */

export const DEFAULT_TERMS_SIZE = 10;
export const DEFAULT_TOP_HITS_SIZE = 3;
export const DEFAULT_PERCENTS: readonly number[] = [1, 5, 25, 50, 75, 95, 99];
/** Distinct values a percentiles aggregation reads exactly; past it the stores refuse rather than estimate. */
export const MAX_PERCENTILE_VALUES = 10_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const INTERVAL = /^([1-9]\d{0,8})(ms|s|m|h|d)$/;
const FIELD_NAME = /^[A-Za-z0-9_@-]+(\.[A-Za-z0-9_@-]+)*$/;
const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

export function badRequest(message: string): StoreError {
  return new StoreError(StoreErrorCodes.badRequest, message, { retryable: false });
}

/** Milliseconds of a fixed interval such as `15m`. */
export function intervalMs(interval: string): number {
  const match = INTERVAL.exec(interval);
  if (!match) throw badRequest(`The interval "${interval}" is not a whole number followed by ms, s, m, h or d (e.g. 15m, 1h, 1d).`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** A function giving the zone's offset from UTC in ms at an instant; throws for a zone that is neither IANA nor ±hh:mm. */
export function zoneOffset(timeZone: string | undefined): (ms: number) => number {
  if (timeZone === undefined || timeZone === 'UTC' || timeZone === 'Z') return () => 0;
  const fixed = OFFSET.exec(timeZone);
  if (fixed) {
    const offset = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000;
    return () => offset;
  }
  let format = offsetFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    } catch {
      throw badRequest(`The time zone "${timeZone}" is neither an IANA zone (Europe/Paris) nor an offset (+02:00).`);
    }
    offsetFormats.set(timeZone, format);
  }
  const zone = format;
  return (ms) => {
    const name = zone.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000 : 0;
  };
}

/** The start of the bucket holding `ms`, rounded in local time as OpenSearch rounds a fixed interval with a time zone. */
export function bucketStart(ms: number, interval: number, offsetAt: (ms: number) => number): number {
  const local = ms + offsetAt(ms);
  const start = Math.floor(local / interval) * interval;
  return start - offsetAt(start - offsetAt(ms));
}

/** Terms buckets in the requested order; ties go by key ascending, as OpenSearch breaks them. */
export function orderBuckets(buckets: Bucket[], order: TermsAggregation['order'] = 'count_desc'): Bucket[] {
  const byKey = (a: Bucket, b: Bucket) => compareKeys(a.key, b.key);
  const sorter: Record<NonNullable<TermsAggregation['order']>, (a: Bucket, b: Bucket) => number> = {
    count_desc: (a, b) => b.count - a.count || byKey(a, b),
    count_asc: (a, b) => a.count - b.count || byKey(a, b),
    key_asc: byKey,
    key_desc: (a, b) => byKey(b, a),
  };
  return buckets.sort(sorter[order]);
}

export function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  // A number and its text (10 and "10", one key in OpenSearch) are two keys here: the number first, so the order never depends on which came first.
  return x < y ? -1 : x > y ? 1 : typeof a === typeof b ? 0 : typeof a === 'number' ? -1 : 1;
}

/**
 * The p-th percentile of values given as sorted distinct values and their counts, by
 * linear interpolation between the closest ranks (rank p/100 × (n − 1), numpy's default).
 */
export function percentileOf(values: readonly number[], counts: readonly number[], total: number, percent: number): number | null {
  if (total === 0) return null;
  const rank = (percent / 100) * (total - 1);
  const lower = valueAtRank(values, counts, Math.floor(rank));
  const upper = valueAtRank(values, counts, Math.ceil(rank));
  return lower + (upper - lower) * (rank - Math.floor(rank));
}

function valueAtRank(values: readonly number[], counts: readonly number[], rank: number): number {
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    seen += counts[i]!;
    if (rank < seen) return values[i]!;
  }
  return values[values.length - 1]!;
}

/** Checks what only the shape of a request can get wrong, before any store reads it. */
export function checkAggregations(aggs: Readonly<Record<string, Aggregation>>, nested = false): void {
  for (const [name, agg] of Object.entries(aggs)) {
    if ('field' in agg && agg.field !== undefined && !FIELD_NAME.test(agg.field)) {
      throw badRequest(`The field "${agg.field}" of "${name}" is not a field name (letters, digits, '_', '@', '-', dots between keys).`);
    }
    if (agg.type === 'date_histogram') {
      intervalMs(agg.interval);
      zoneOffset(agg.timeZone);
    }
    if (agg.type === 'percentiles') {
      for (const percent of agg.percents ?? []) if (!(percent >= 0 && percent <= 100)) throw badRequest(`The percentile ${percent} of "${name}" is not between 0 and 100.`);
    }
    if (agg.type === 'terms' || agg.type === 'date_histogram') {
      if (nested) throw badRequest(`"${name}" nests buckets in buckets; one level of nesting is supported (buckets holding metrics).`);
      if (agg.aggs) checkAggregations(agg.aggs, true);
    }
  }
}
