import { DEFAULT_PERCENTS, DEFAULT_TERMS_SIZE, DEFAULT_TOP_HITS_SIZE, MAX_PERCENTILE_VALUES, badRequest, percentileOf } from '../aggregations/shared';
import type { Aggregation, AggregationResult, Bucket, MetricResult, TermsAggregation } from '../aggregations/types';
import type { SearchHit } from '../types';

/**
 * Our aggregations as OpenSearch aggregations, and OpenSearch's answer back in our shape,
 * chosen so that the answer equals the embedded store's wherever OpenSearch is exact:
 * - terms ordered by count (descending) or key ask each daily index for OpenSearch's default
 *   shard_size (size × 1.5 + 10): exact while a day holds no more distinct values than that,
 *   beyond it OpenSearch's approximation, whose worst error per count the answer carries as
 *   `errorUpperBound` (docs/query-language.md, "Accuracy"). Asking each day for 10,000 values
 *   to stay exact cost 20% more on 200,000 events and grows with the days read. Ascending
 *   counts have no error bound in OpenSearch, so they still ask for EXACT_SHARD_SIZE values.
 *   Ties are ordered by key;
 * - percentiles are read from the sorted distinct values and their counts (a terms
 *   aggregation), not from t-digest, and computed by the same function as embedded;
 * - cardinality counts exactly below its precision threshold, set to the maximum (40,000).
 */
const EXACT_SHARD_SIZE = 10_000;
const MAX_PRECISION_THRESHOLD = 40_000;
const MISSING = '__missing__';

type Body = Record<string, unknown>;

const ORDER: Record<NonNullable<TermsAggregation['order']>, unknown> = {
  count_desc: [{ _count: 'desc' }, { _key: 'asc' }],
  count_asc: [{ _count: 'asc' }, { _key: 'asc' }],
  key_asc: { _key: 'asc' },
  key_desc: { _key: 'desc' },
};

export function toOpenSearchAggs(aggs: Readonly<Record<string, Aggregation>>): Body {
  const out: Body = {};
  for (const [name, agg] of Object.entries(aggs)) {
    switch (agg.type) {
      case 'terms': {
        const size = agg.size ?? DEFAULT_TERMS_SIZE;
        const order = agg.order ?? 'count_desc';
        out[name] = {
          terms: { field: agg.field, size, ...(order === 'count_asc' ? { shard_size: Math.max(size, EXACT_SHARD_SIZE) } : {}), order: ORDER[order] },
          ...(agg.aggs ? { aggs: toOpenSearchAggs(agg.aggs) } : {}),
        };
        if (agg.missing) out[MISSING + name] = { missing: { field: agg.field } };
        break;
      }
      case 'date_histogram':
        out[name] = {
          date_histogram: { field: agg.field ?? '@timestamp', fixed_interval: agg.interval, min_doc_count: 0, ...(agg.timeZone ? { time_zone: agg.timeZone } : {}) },
          ...(agg.aggs ? { aggs: toOpenSearchAggs(agg.aggs) } : {}),
        };
        break;
      case 'stats':
        out[name] = { stats: { field: agg.field } };
        break;
      case 'percentiles':
        out[name] = { terms: { field: agg.field, size: MAX_PERCENTILE_VALUES + 1, shard_size: MAX_PERCENTILE_VALUES + 1, order: { _key: 'asc' } } };
        break;
      case 'cardinality':
        out[name] = { cardinality: { field: agg.field, precision_threshold: MAX_PRECISION_THRESHOLD } };
        break;
      case 'top_hits':
        out[name] = { top_hits: { size: agg.size ?? DEFAULT_TOP_HITS_SIZE, sort: [{ '@timestamp': { order: 'desc' } }] } };
        break;
    }
  }
  return out;
}

interface RawBucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  [sub: string]: unknown;
}

interface RawHit {
  _id?: string;
  _index?: string;
  _source?: Record<string, unknown>;
}

export function fromOpenSearchAggs(aggs: Readonly<Record<string, Aggregation>>, raw: Record<string, unknown>): Record<string, AggregationResult> {
  const out: Record<string, AggregationResult> = {};
  for (const [name, agg] of Object.entries(aggs)) {
    const answer = raw[name] as Record<string, unknown>;
    switch (agg.type) {
      case 'terms': {
        const buckets = (answer.buckets as RawBucket[]).map((bucket): Bucket => withChildren({ key: bucket.key_as_string ?? bucket.key, count: bucket.doc_count }, agg.aggs, bucket));
        const other = answer.sum_other_doc_count as number;
        const error = answer.doc_count_error_upper_bound as number | undefined;
        out[name] = {
          buckets,
          other,
          ...(agg.missing ? { missing: (raw[MISSING + name] as { doc_count: number }).doc_count } : {}),
          ...(error ? { errorUpperBound: error } : {}),
        };
        break;
      }
      case 'date_histogram':
        out[name] = { buckets: (answer.buckets as RawBucket[]).map((bucket) => withChildren({ key: new Date(Number(bucket.key)).toISOString(), count: bucket.doc_count }, agg.aggs, bucket)) };
        break;
      case 'stats': {
        const stats = answer as { count: number; min: number | null; max: number | null; avg: number | null; sum: number };
        out[name] = { count: stats.count, min: stats.min, max: stats.max, avg: stats.avg, sum: stats.sum };
        break;
      }
      case 'percentiles': {
        const buckets = answer.buckets as RawBucket[];
        if (buckets.length > MAX_PERCENTILE_VALUES) {
          throw badRequest(`"${agg.field}" has more than ${MAX_PERCENTILE_VALUES} distinct values in range, beyond which percentiles are not exact; narrow the query or the time range.`);
        }
        const values = buckets.map((bucket) => Number(bucket.key));
        const counts = buckets.map((bucket) => bucket.doc_count);
        const total = counts.reduce((sum, count) => sum + count, 0);
        out[name] = { values: Object.fromEntries((agg.percents ?? DEFAULT_PERCENTS).map((percent) => [String(percent), percentileOf(values, counts, total, percent)])) };
        break;
      }
      case 'cardinality':
        out[name] = { value: answer.value as number };
        break;
      case 'top_hits':
        out[name] = {
          hits: ((answer.hits as { hits: RawHit[] }).hits ?? []).map((hit): SearchHit => ({ id: hit._id ?? '', index: hit._index ?? '', event: hit._source ?? {} })),
        };
        break;
    }
  }
  return out;
}

function withChildren(bucket: Bucket, aggs: Readonly<Record<string, Aggregation>> | undefined, raw: RawBucket): Bucket {
  return aggs ? { ...bucket, aggs: fromOpenSearchAggs(aggs, raw) as Record<string, MetricResult> } : bucket;
}
