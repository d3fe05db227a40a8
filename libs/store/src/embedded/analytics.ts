import { aggregator, type AggregationRow } from '../aggregations/accumulate';
import type { Aggregation, AggregationResult } from '../aggregations/types';
import type { SearchHit } from '../types';
import type { Partition, PartitionQuery } from './partition';
import { timeOfKey } from './time-key';

/** The days an aggregation reads, with the key range of each, and the hit's index name of a day. */
export interface DayRange {
  readonly day: string;
  readonly partition: Partition;
  readonly range: readonly [number, number];
  readonly index: string;
}

type Scalar = string | number | boolean;

/** Every field an aggregation tree reads. */
function fieldsOf(aggs: Readonly<Record<string, Aggregation>>, into = new Set<string>()): Set<string> {
  for (const agg of Object.values(aggs)) {
    if ('field' in agg && agg.field !== undefined && agg.field !== '@timestamp') into.add(agg.field);
    if ((agg.type === 'terms' || agg.type === 'date_histogram') && agg.aggs) fieldsOf(agg.aggs, into);
  }
  return into;
}

function readsHits(aggs: Readonly<Record<string, Aggregation>>): boolean {
  return Object.values(aggs).some((agg) => agg.type === 'top_hits' || ((agg.type === 'terms' || agg.type === 'date_histogram') && agg.aggs !== undefined && readsHits(agg.aggs)));
}

function jsonPath(field: string): string {
  return `$${field
    .split('.')
    .map((key) => `."${key}"`)
    .join('')}`;
}

function scalars(value: unknown, into: Scalar[]): Scalar[] {
  if (Array.isArray(value)) for (const element of value) scalars(element, into);
  else if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) into.push(value);
  return into;
}

/** One column's value as OpenSearch would index it, from json_extract and json_type. */
function valuesOf(value: unknown, type: unknown): Scalar[] {
  switch (type) {
    case 'true':
      return [true];
    case 'false':
      return [false];
    case 'integer':
    case 'real':
    case 'text':
      return [value as Scalar];
    case 'array':
      return scalars(JSON.parse(value as string), []);
    default:
      return [];
  }
}

/** Runs the aggregations over every matching event of the days, reading only the fields they need. */
export function aggregateDays(
  days: Iterable<DayRange>,
  compiled: PartitionQuery,
  aggs: Readonly<Record<string, Aggregation>>,
  result: Pick<ReturnType<typeof aggregator>, 'add' | 'result'> = aggregator(aggs),
): { total: number; aggs: Record<string, AggregationResult> } {
  const fields = [...fieldsOf(aggs)];
  const columnOf = new Map(fields.map((field, i) => [field, i]));
  const withHits = readsHits(aggs);
  const columns = fields.map((_, i) => `, json_extract(e.doc, ?) AS v${i}, json_type(e.doc, ?) AS t${i}`).join('') + (withHits ? ', e.id AS id, e.doc AS doc' : '');
  const params = fields.flatMap((field) => [jsonPath(field), jsonPath(field)]);
  let total = 0;
  for (const { partition, range, index } of days) {
    for (const row of partition.select(compiled, range, columns, params)) {
      total++;
      const values = new Map<string, readonly Scalar[]>();
      const aggregationRow: AggregationRow = {
        time: timeOfKey(partition.start, row.key),
        values(field) {
          let found = values.get(field);
          if (!found) {
            const i = columnOf.get(field)!;
            values.set(field, (found = valuesOf(row[`v${i}`], row[`t${i}`])));
          }
          return found;
        },
        hit: (): SearchHit => ({ id: row.id as string, index, event: JSON.parse(row.doc as string) }),
      };
      result.add(aggregationRow);
    }
  }
  return { total, aggs: result.result() };
}
