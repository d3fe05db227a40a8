import type { QueryAst } from '@siem/query';
import type { SearchHit } from '../types';

/** Buckets: by value of a field, or by time. Each may hold metrics (one level of nesting). */
export interface TermsAggregation {
  readonly type: 'terms';
  readonly field: string;
  /** Buckets returned (default 10). */
  readonly size?: number;
  /** Also count the events without a value of the field. */
  readonly missing?: boolean;
  readonly order?: 'count_desc' | 'count_asc' | 'key_asc' | 'key_desc';
  readonly aggs?: Readonly<Record<string, MetricAggregation>>;
}

export interface DateHistogramAggregation {
  readonly type: 'date_histogram';
  /** A date field; @timestamp by default. */
  readonly field?: string;
  /** A fixed interval: a whole number and a unit among ms, s, m, h, d (`15m`, `1h`, `1d`). */
  readonly interval: string;
  /** An IANA zone or a ±hh:mm offset that buckets of a day or more start at the local midnight of; UTC by default. */
  readonly timeZone?: string;
  readonly aggs?: Readonly<Record<string, MetricAggregation>>;
}

export interface StatsAggregation {
  readonly type: 'stats';
  readonly field: string;
}

export interface PercentilesAggregation {
  readonly type: 'percentiles';
  readonly field: string;
  /** Default 1, 5, 25, 50, 75, 95, 99. */
  readonly percents?: readonly number[];
}

export interface CardinalityAggregation {
  readonly type: 'cardinality';
  readonly field: string;
}

export interface TopHitsAggregation {
  readonly type: 'top_hits';
  /** The newest this many events (default 3). */
  readonly size?: number;
}

export type MetricAggregation = StatsAggregation | PercentilesAggregation | CardinalityAggregation | TopHitsAggregation;
export type BucketAggregation = TermsAggregation | DateHistogramAggregation;
export type Aggregation = BucketAggregation | MetricAggregation;

export interface AggregateRequest {
  readonly query: QueryAst;
  readonly from?: string;
  readonly to?: string;
  readonly aggs: Readonly<Record<string, Aggregation>>;
}

export interface Bucket {
  /** The field's value (string or number), or for a date histogram the bucket's start as an ISO 8601 UTC instant. */
  readonly key: string | number;
  readonly count: number;
  readonly aggs?: Record<string, MetricResult>;
}

export interface TermsResult {
  readonly buckets: Bucket[];
  /** Events whose values fell in buckets beyond `size`. */
  readonly other: number;
  /** Events without the field, when asked for. */
  readonly missing?: number;
  /**
   * OpenSearch only, when its counts may be approximate: how much any count may be off by
   * (too low), because a daily index held more distinct values than it was asked for.
   * Absent when the counts are exact, as they always are in the embedded store.
   */
  readonly errorUpperBound?: number;
}

export interface DateHistogramResult {
  /** Every bucket from the first event's to the last's, empty ones included. */
  readonly buckets: Bucket[];
}

export interface StatsResult {
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly avg: number | null;
  readonly sum: number;
}

export interface PercentilesResult {
  /** By percent, as written in the request ("50", "99.9"); null without values. */
  readonly values: Record<string, number | null>;
}

export interface CardinalityResult {
  readonly value: number;
}

export interface TopHitsResult {
  readonly hits: SearchHit[];
}

export type MetricResult = StatsResult | PercentilesResult | CardinalityResult | TopHitsResult;
export type AggregationResult = TermsResult | DateHistogramResult | MetricResult;

export interface AggregateResult {
  /** Events matching the query in the time range, exactly. */
  readonly total: number;
  readonly aggs: Record<string, AggregationResult>;
}
