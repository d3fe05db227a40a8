import type { QueryAst } from '@siem/query';
import type { AggregationRow } from '../aggregations/accumulate';
import { bucketStart, intervalMs, zoneOffset } from '../aggregations/shared';
import type { Aggregation } from '../aggregations/types';

/**
 * Per-hour rollups of each day partition, maintained in the insert's transaction: events per
 * hour and tenant, and per hour, tenant and value the events of the few fields analysts
 * group by most. An aggregation that only counts (terms on these fields, histograms of hours
 * or longer) over whole hours reads the rollup instead of every event: at a million events a
 * day, 24 hours of source.ip are some 400,000 rollup rows instead of a million JSON documents.
 * The hours at the edges of the range, and every other aggregation, read the events.
 *
 * A value is counted as the scan counts it (aggregations/accumulate.ts): each distinct scalar
 * of the field once per event, list elements included, booleans as "true"/"false", keywords
 * over 2,048 characters not at all; "present" counts the events with at least one value, so
 * missing = events − present.
 */
export const ROLLUP_FIELDS = ['source.ip', 'destination.ip', 'host.name', 'event.outcome'] as const;
const ROLLUP_FIELD_SET: ReadonlySet<string> = new Set(ROLLUP_FIELDS);
export const HOUR_MS = 3_600_000;
const IGNORE_ABOVE = 2048;
const TENANT_FIELD = 'organization.id';

/** The tenant column: `s:<id>` for a string organization.id, `-` for none, `!` for any other value (a list, a number), which only a scan can match. */
export type TenantKey = string;
export const NO_TENANT: TenantKey = '-';
export const IRREGULAR_TENANT: TenantKey = '!';

export const ROLLUP_SCHEMA = `
CREATE TABLE IF NOT EXISTS rollup_hours (
  hour INTEGER NOT NULL, tenant TEXT NOT NULL, events INTEGER NOT NULL,
  PRIMARY KEY (hour, tenant)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollup_present (
  field TEXT NOT NULL, tenant TEXT NOT NULL, hour INTEGER NOT NULL, events INTEGER NOT NULL,
  PRIMARY KEY (field, tenant, hour)
) WITHOUT ROWID;
-- value has no declared type, so a string stays a string and a number a number (a declared type would convert "10" to 10).
CREATE TABLE IF NOT EXISTS rollup_terms (
  field TEXT NOT NULL, tenant TEXT NOT NULL, hour INTEGER NOT NULL, value NOT NULL, events INTEGER NOT NULL,
  PRIMARY KEY (field, tenant, hour, value)
) WITHOUT ROWID;
`;

type Scalar = string | number | boolean;

function valueAt(document: Record<string, unknown>, field: string): unknown {
  let value: unknown = document;
  for (const key of field.split('.')) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function scalars(value: unknown, into: Scalar[]): Scalar[] {
  if (Array.isArray(value)) for (const element of value) scalars(element, into);
  else if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) into.push(value);
  // Stored as JSON: a Date (or anything with toJSON) is counted as what the stored document holds.
  else if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') scalars((value as { toJSON(): unknown }).toJSON(), into);
  return into;
}

/** The field's distinct bucket keys in one event, as the scan's terms count them. */
function keysOf(document: Record<string, unknown>, field: string): (string | number)[] {
  const keys = new Map<string, string | number>();
  for (const value of scalars(valueAt(document, field), [])) {
    const key = typeof value === 'boolean' ? (value ? 'true' : 'false') : value;
    if (typeof key === 'string' && key.length > IGNORE_ABOVE) continue;
    keys.set(`${typeof key}:${key}`, key);
  }
  return [...keys.values()];
}

/** The rollup key of a tenant's events. */
export function tenantKey(tenant: string): TenantKey {
  return `s:${tenant}`;
}

function tenantOf(document: Record<string, unknown>): TenantKey {
  const id = valueAt(document, TENANT_FIELD);
  if (id === undefined || id === null) return NO_TENANT;
  return typeof id === 'string' ? tenantKey(id) : IRREGULAR_TENANT;
}

/** Counts to add to (or, with weight −1, take from) the rollups, summed over a batch before they are written. */
export class RollupDelta {
  readonly hours = new Map<string, { hour: number; tenant: TenantKey; events: number }>();
  readonly present = new Map<string, { field: string; tenant: TenantKey; hour: number; events: number }>();
  readonly terms = new Map<string, { field: string; tenant: TenantKey; hour: number; value: string | number; events: number }>();

  add(document: Record<string, unknown>, time: number, weight: 1 | -1): void {
    const hour = Math.floor(time / HOUR_MS) * HOUR_MS;
    const tenant = tenantOf(document);
    const hourKey = `${hour}|${tenant}`;
    const hourRow = this.hours.get(hourKey);
    if (hourRow) hourRow.events += weight;
    else this.hours.set(hourKey, { hour, tenant, events: weight });
    for (const field of ROLLUP_FIELDS) {
      const keys = keysOf(document, field);
      if (keys.length === 0) continue;
      const presentKey = `${field}|${hourKey}`;
      const presentRow = this.present.get(presentKey);
      if (presentRow) presentRow.events += weight;
      else this.present.set(presentKey, { field, tenant, hour, events: weight });
      for (const value of keys) {
        const termKey = `${presentKey}|${typeof value}:${value}`;
        const termRow = this.terms.get(termKey);
        if (termRow) termRow.events += weight;
        else this.terms.set(termKey, { field, tenant, hour, value, events: weight });
      }
    }
  }
}

/** What a rollup read needs of the request: the tenant it is confined to (undefined: every event). */
export interface RollupScope {
  readonly tenant?: TenantKey;
}

/**
 * The scope when the query only selects a tenant (or nothing), so the rollups can answer it;
 * undefined for any other query. `organization.id:x` is the tenant filter every API read has.
 */
export function rollupScope(query: QueryAst): RollupScope | undefined {
  const root = query.root;
  if (root.kind === 'all') return {};
  if (root.kind === 'term' && root.field === TENANT_FIELD && typeof root.value === 'string') return { tenant: tenantKey(root.value) };
  return undefined;
}

/** Whether every aggregation can be read from hourly rollups: terms on a rolled-up field or a histogram of @timestamp, with no metrics inside. */
export function rollupAnswers(aggs: Readonly<Record<string, Aggregation>>): boolean {
  return Object.values(aggs).every((agg) => {
    if (agg.type === 'terms') return ROLLUP_FIELD_SET.has(agg.field) && agg.aggs === undefined;
    if (agg.type === 'date_histogram') return (agg.field === undefined || agg.field === '@timestamp') && agg.aggs === undefined && intervalMs(agg.interval) % HOUR_MS === 0;
    return false;
  });
}

/** Whether a histogram puts a whole hour in one bucket (a zone with a half-hour offset does not). */
export function hourFitsBucket(agg: Aggregation, hour: number): boolean {
  if (agg.type !== 'date_histogram') return true;
  const interval = intervalMs(agg.interval);
  const offsetAt = zoneOffset(agg.timeZone);
  return bucketStart(hour, interval, offsetAt) === bucketStart(hour + HOUR_MS - 1, interval, offsetAt);
}

/** A rollup count as a row the accumulators take: `weight` events at `time` with these values of the field. */
export function weightedRow(time: number, field: string | undefined, values: readonly (string | number)[], weight: number): AggregationRow {
  return {
    time,
    weight,
    values: (asked) => (asked === field ? values : []),
    hit: () => {
      throw new Error('A rollup row has no event; rollupAnswers excludes top hits.');
    },
  };
}
