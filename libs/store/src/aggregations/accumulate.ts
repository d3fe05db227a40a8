import type { SearchHit } from '../types';
import { DEFAULT_PERCENTS, DEFAULT_TERMS_SIZE, DEFAULT_TOP_HITS_SIZE, MAX_PERCENTILE_VALUES, badRequest, bucketStart, intervalMs, orderBuckets, percentileOf, zoneOffset } from './shared';
import type { Aggregation, AggregationResult, Bucket, DateHistogramAggregation, MetricAggregation, MetricResult, TermsAggregation } from './types';

/**
 * Aggregations computed over matching events one by one, for a store without an
 * aggregation engine (the embedded one). It reads a field's values the way OpenSearch
 * indexes them: each element of a list, booleans as "true"/"false", keywords up to the
 * template's ignore_above.
 */
export interface AggregationRow {
  /** @timestamp in ms. */
  readonly time: number;
  /** Events this row stands for: 1 for an event, a count for a row of the embedded store's hourly rollups (terms and histograms only). */
  readonly weight?: number;
  /** The field's scalar values (lists flattened); empty when the event has none. */
  values(field: string): readonly (string | number | boolean)[];
  hit(): SearchHit;
}

const IGNORE_ABOVE = 2048;
/** OpenSearch's search.max_buckets: a histogram with more is refused on both stores. */
const MAX_FILLED_BUCKETS = 65_535;

interface Accumulator {
  add(row: AggregationRow): void;
  result(): AggregationResult;
}

export function aggregator(aggs: Readonly<Record<string, Aggregation>>): { add(row: AggregationRow): void; result(): Record<string, AggregationResult> } {
  const accumulators = Object.entries(aggs).map(([name, agg]) => [name, accumulatorOf(agg)] as const);
  return {
    add: (row) => {
      for (const [, accumulator] of accumulators) accumulator.add(row);
    },
    result: () => Object.fromEntries(accumulators.map(([name, accumulator]) => [name, accumulator.result()])),
  };
}

function accumulatorOf(agg: Aggregation): Accumulator {
  switch (agg.type) {
    case 'terms':
      return terms(agg);
    case 'date_histogram':
      return dateHistogram(agg);
    default:
      return metric(agg);
  }
}

/** A keyword's value as a bucket key: booleans as text, over-long strings not indexed. */
function termKey(value: string | number | boolean): string | number | undefined {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string' && value.length > IGNORE_ABOVE) return undefined;
  return value;
}

function distinctKeys(row: AggregationRow, field: string): Map<string, string | number> {
  const keys = new Map<string, string | number>();
  for (const value of row.values(field)) {
    const key = termKey(value);
    if (key !== undefined) keys.set(`${typeof key}:${key}`, key);
  }
  return keys;
}

interface OpenBucket {
  readonly key: string | number;
  count: number;
  readonly children?: ReturnType<typeof aggregator>;
}

function openBucket(key: string | number, aggs: TermsAggregation['aggs']): OpenBucket {
  return { key, count: 0, children: aggs ? aggregator(aggs) : undefined };
}

function closeBucket(bucket: OpenBucket): Bucket {
  return bucket.children ? { key: bucket.key, count: bucket.count, aggs: bucket.children.result() as Record<string, MetricResult> } : { key: bucket.key, count: bucket.count };
}

function terms(agg: TermsAggregation): Accumulator {
  const buckets = new Map<string, OpenBucket>();
  let missing = 0;
  return {
    add(row) {
      const keys = distinctKeys(row, agg.field);
      const weight = row.weight ?? 1;
      if (keys.size === 0) missing += weight;
      for (const [id, key] of keys) {
        let bucket = buckets.get(id);
        if (!bucket) buckets.set(id, (bucket = openBucket(key, agg.aggs)));
        bucket.count += weight;
        bucket.children?.add(row);
      }
    },
    result() {
      const ordered = orderBuckets([...buckets.values()].map((bucket) => ({ key: bucket.key, count: bucket.count, open: bucket })), agg.order) as (Bucket & { open: OpenBucket })[];
      const size = agg.size ?? DEFAULT_TERMS_SIZE;
      const kept = ordered.slice(0, size).map((bucket) => closeBucket(bucket.open));
      const other = ordered.slice(size).reduce((sum, bucket) => sum + bucket.count, 0);
      return agg.missing ? { buckets: kept, other, missing } : { buckets: kept, other };
    },
  };
}

function dateHistogram(agg: DateHistogramAggregation): Accumulator {
  const interval = intervalMs(agg.interval);
  const offsetAt = zoneOffset(agg.timeZone);
  const field = agg.field ?? '@timestamp';
  const buckets = new Map<number, OpenBucket>();
  return {
    add(row) {
      const starts = new Set<number>();
      if (field === '@timestamp') starts.add(bucketStart(row.time, interval, offsetAt));
      else for (const value of row.values(field)) {
        const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
        if (Number.isFinite(ms)) starts.add(bucketStart(ms, interval, offsetAt));
      }
      for (const start of starts) {
        let bucket = buckets.get(start);
        if (!bucket) buckets.set(start, (bucket = openBucket(start, agg.aggs)));
        bucket.count += row.weight ?? 1;
        bucket.children?.add(row);
      }
    },
    result() {
      if (buckets.size === 0) return { buckets: [] };
      const starts = [...buckets.keys()].sort((a, b) => a - b);
      if ((starts[starts.length - 1]! - starts[0]!) / interval > MAX_FILLED_BUCKETS) {
        throw badRequest(`The events span more than ${MAX_FILLED_BUCKETS} buckets of ${agg.interval}; use a longer interval or a narrower time range.`);
      }
      const out: Bucket[] = [];
      // Empty buckets between the first and the last, as OpenSearch's min_doc_count 0 gives.
      for (let start = starts[0]!; start <= starts[starts.length - 1]!; start = bucketStart(start + interval, interval, offsetAt)) {
        const bucket = buckets.get(start) ?? openBucket(start, agg.aggs);
        out.push({ ...closeBucket(bucket), key: new Date(start).toISOString() });
      }
      return { buckets: out };
    },
  };
}

function numbers(row: AggregationRow, field: string): number[] {
  return row.values(field).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
}

function metric(agg: MetricAggregation): Accumulator {
  switch (agg.type) {
    case 'stats': {
      let count = 0;
      let sum = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      return {
        add(row) {
          for (const value of numbers(row, agg.field)) {
            count++;
            sum += value;
            if (value < min) min = value;
            if (value > max) max = value;
          }
        },
        result: () => (count === 0 ? { count, min: null, max: null, avg: null, sum: 0 } : { count, min, max, avg: sum / count, sum }),
      };
    }
    case 'percentiles': {
      const counts = new Map<number, number>();
      return {
        // Each distinct value once per event, as OpenSearch's terms count the values that percentiles are read from.
        add(row) {
          for (const value of new Set(numbers(row, agg.field))) {
            counts.set(value, (counts.get(value) ?? 0) + 1);
            if (counts.size > MAX_PERCENTILE_VALUES) {
              throw badRequest(`"${agg.field}" has more than ${MAX_PERCENTILE_VALUES} distinct values in range, beyond which percentiles are not exact; narrow the query or the time range.`);
            }
          }
        },
        result() {
          const values = [...counts.keys()].sort((a, b) => a - b);
          const valueCounts = values.map((value) => counts.get(value)!);
          const total = valueCounts.reduce((sum, count) => sum + count, 0);
          return { values: Object.fromEntries((agg.percents ?? DEFAULT_PERCENTS).map((percent) => [String(percent), percentileOf(values, valueCounts, total, percent)])) };
        },
      };
    }
    case 'cardinality': {
      const seen = new Set<string>();
      return {
        add(row) {
          for (const id of distinctKeys(row, agg.field).keys()) seen.add(id);
        },
        result: () => ({ value: seen.size }),
      };
    }
    case 'top_hits': {
      const size = agg.size ?? DEFAULT_TOP_HITS_SIZE;
      const newest: { time: number; hit: SearchHit }[] = [];
      return {
        add(row) {
          if (newest.length === size && newest[size - 1]!.time >= row.time) return;
          newest.push({ time: row.time, hit: row.hit() });
          newest.sort((a, b) => b.time - a.time);
          if (newest.length > size) newest.pop();
        },
        result: () => ({ hits: newest.map(({ hit }) => hit) }),
      };
    }
  }
}
