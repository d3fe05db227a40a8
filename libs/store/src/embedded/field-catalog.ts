import type Database from 'better-sqlite3';
import { DECLARED_FIELD_TYPES, HOUR_MS, IGNORE_ABOVE, compareValues, dynamicType, isObjectLeaf, listsValues, typedValue } from '../fields/catalog-rules';
import type { CatalogFieldType, FieldInfo } from '../fields/types';
import { IRREGULAR_TENANT, NO_TENANT, type TenantKey } from './rollup';

/**
 * The embedded store's field catalog, kept by the writer in each day's database (schema 4),
 * in the insert's transaction: per tenant, hour and field the events having it, and per
 * tenant, hour and field up to CATALOG_VALUES values with their events; per day each
 * undeclared field's type, set by the first value written as OpenSearch's dynamic mapping
 * sets it per daily index. A batch is summed in memory first (CatalogDelta), so the
 * database sees one upsert per tenant, hour and field the batch touched and per value kept,
 * not one per event.
 *
 * Values are exact (and so the most common ones) while a field has at most CATALOG_VALUES
 * distinct values per tenant and hour; past that the first ones met are kept, which is all
 * a sample needs and bounds the table at fields × CATALOG_VALUES rows per tenant and hour.
 */
export const CATALOG_VALUES = 16;

export const CATALOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog_types (
  field TEXT NOT NULL PRIMARY KEY, type TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS catalog_fields (
  tenant TEXT NOT NULL, hour INTEGER NOT NULL, field TEXT NOT NULL, events INTEGER NOT NULL,
  PRIMARY KEY (tenant, hour, field)
) WITHOUT ROWID;
-- value has no declared type, so a string stays a string and a number a number.
CREATE TABLE IF NOT EXISTS catalog_values (
  tenant TEXT NOT NULL, hour INTEGER NOT NULL, field TEXT NOT NULL, value NOT NULL, events INTEGER NOT NULL,
  PRIMARY KEY (tenant, hour, field, value)
) WITHOUT ROWID;
`;

type Scalar = string | number | boolean;

/** The tenant column, keyed as the rollups key it: `s:<id>`, `-` for none, `!` for a value only a scan can read. */
export function catalogTenant(document: Record<string, unknown>): TenantKey {
  const organization = document.organization;
  const id = organization !== null && typeof organization === 'object' && !Array.isArray(organization) ? (organization as Record<string, unknown>).id : undefined;
  if (id === undefined || id === null) return NO_TENANT;
  return typeof id === 'string' ? `s:${id}` : IRREGULAR_TENANT;
}

interface ValueCount {
  readonly value: string | number;
  events: number;
  lastEvent: number;
}

interface FieldCount {
  events: number;
  /** The event (CatalogDelta's sequence) that last counted it: an event counts a field, and a value, once. */
  lastEvent: number;
  /** Whether its values are kept: not a text's words nor times, which say little and are mostly distinct (undeclared: as its first value in the batch reads). */
  readonly sampled: boolean;
  /** Strings and numbers apart, so that a value is its own key. */
  readonly strings: Map<string, ValueCount>;
  readonly numbers: Map<number, ValueCount>;
}

function isSampled(type: CatalogFieldType | undefined, value: Scalar | undefined): boolean {
  if (type !== undefined) return type === 'keyword' || type === 'number' || type === 'ip' || type === 'boolean';
  return value !== undefined && (typeof value !== 'string' || dynamicType(value) === 'keyword');
}

/** A batch's catalog counts (with weight −1, those of an event it replaces), before they are written. */
export class CatalogDelta {
  /** `${tenant}|${hour}` → field → counts. */
  readonly buckets = new Map<string, { readonly tenant: TenantKey; readonly hour: number; readonly fields: Map<string, FieldCount> }>();
  /** The first value's type of each undeclared field the batch met. */
  readonly types = new Map<string, CatalogFieldType>();
  private sequence = 0;

  add(document: Record<string, unknown>, time: number, weight: 1 | -1): void {
    const hour = Math.floor(time / HOUR_MS) * HOUR_MS;
    const tenant = catalogTenant(document);
    const key = `${tenant}|${hour}`;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { tenant, hour, fields: new Map() }));
    const event = ++this.sequence;
    const fields = bucket.fields;
    const visit = (field: string, value: Scalar | undefined): void => {
      const declared = DECLARED_FIELD_TYPES.get(field);
      if (declared === 'unindexed') return;
      // A keyword too long to index is not there for OpenSearch's exists query either.
      if (typeof value === 'string' && value.length > IGNORE_ABOVE && declared !== 'text' && (declared !== undefined || dynamicType(value) === 'keyword')) return;
      if (declared === undefined && value !== undefined && weight === 1 && !this.types.has(field)) this.types.set(field, dynamicType(value));
      let count = fields.get(field);
      if (!count) fields.set(field, (count = { events: 0, lastEvent: 0, sampled: isSampled(declared, value), strings: new Map(), numbers: new Map() }));
      if (count.lastEvent !== event) {
        count.lastEvent = event;
        count.events += weight;
      }
      if (value === undefined || !count.sampled) return;
      const stored = typeof value === 'boolean' ? (value ? 'true' : 'false') : value;
      const values: Map<string | number, ValueCount> = typeof stored === 'number' ? count.numbers : count.strings;
      const known = values.get(stored);
      if (known) {
        if (known.lastEvent !== event) {
          known.lastEvent = event;
          known.events += weight;
        }
      } else if (count.strings.size + count.numbers.size < CATALOG_VALUES) values.set(stored, { value: stored, events: weight, lastEvent: event });
    };
    walk(document, '', visit);
  }
}

/** Visits each scalar under its dotted name (each element of a list under the list's); a declared geo point or flat object is one field without values. */
function walk(value: unknown, field: string, visit: (field: string, value: Scalar | undefined) => void): void {
  if (Array.isArray(value)) {
    for (const element of value) walk(element, field, visit);
  } else if (value !== null && typeof value === 'object') {
    if (field !== '' && isObjectLeaf(DECLARED_FIELD_TYPES.get(field))) {
      if (Object.keys(value).length > 0) visit(field, undefined);
      return;
    }
    for (const key in value as Record<string, unknown>) walk((value as Record<string, unknown>)[key], field === '' ? key : `${field}.${key}`, visit);
  } else if (field !== '' && (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) {
    // A geo point may be written as "lat,lon" or [lon, lat]: one field, no values.
    visit(field, isObjectLeaf(DECLARED_FIELD_TYPES.get(field)) ? undefined : value);
  }
}

/** Adds a batch's catalog to the day's tables: one upsert per tenant, hour and field, and per value kept. */
export function catalogWriter(db: Database.Database): (delta: CatalogDelta) => void {
  const typeOf = db.prepare('INSERT INTO catalog_types (field, type) VALUES (?, ?) ON CONFLICT (field) DO NOTHING');
  const fieldCount = db.prepare('INSERT INTO catalog_fields (tenant, hour, field, events) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, hour, field) DO UPDATE SET events = events + excluded.events');
  const valueUpdate = db.prepare('UPDATE catalog_values SET events = events + ? WHERE tenant = ? AND hour = ? AND field = ? AND value = ?');
  // A value not kept yet is added only while its field has fewer than CATALOG_VALUES in the hour.
  const valueInsert = db.prepare(
    `INSERT INTO catalog_values (tenant, hour, field, value, events) SELECT @tenant, @hour, @field, @value, @events
     WHERE @events > 0 AND (SELECT count(*) FROM catalog_values WHERE tenant = @tenant AND hour = @hour AND field = @field) < ${CATALOG_VALUES}`,
  );
  const typed = new Set<string>();
  return (delta) => {
    for (const [field, type] of delta.types) {
      if (typed.has(field)) continue;
      typeOf.run(field, type);
      typed.add(field);
    }
    for (const { tenant, hour, fields } of delta.buckets.values()) {
      for (const [field, count] of fields) {
        if (count.events !== 0) fieldCount.run(tenant, hour, field, count.events);
        for (const values of [count.strings, count.numbers] as const) {
          for (const { value, events } of values.values()) {
            if (events !== 0 && valueUpdate.run(events, tenant, hour, field, value).changes === 0) valueInsert.run({ tenant, hour, field, value, events });
          }
        }
      }
    }
  };
}

/** One day's catalog for a tenant over [fromHour, toHour]: the fields with their events and hours, their values, and the types the day gave undeclared fields. */
export interface DayCatalog {
  readonly fields: readonly { field: string; events: number; first: number; last: number }[];
  readonly values: readonly { field: string; value: string | number; events: number }[];
  readonly types: ReadonlyMap<string, string>;
}

/** Reads a day's catalog; hours are clamped so that open bounds bind as integers. */
export function catalogReader(db: Database.Database): (tenant: TenantKey, fromHour: number, toHour: number) => DayCatalog {
  const fields = db.prepare('SELECT field, sum(events) AS events, min(hour) AS first, max(hour) AS last FROM catalog_fields WHERE tenant = ? AND hour BETWEEN ? AND ? AND events > 0 GROUP BY field');
  const values = db.prepare('SELECT field, value, sum(events) AS events FROM catalog_values WHERE tenant = ? AND hour BETWEEN ? AND ? GROUP BY field, value HAVING sum(events) > 0');
  const types = db.prepare('SELECT field, type FROM catalog_types');
  const clamp = (hour: number) => Math.max(-8.64e15, Math.min(8.64e15, hour));
  return (tenant, fromHour, toHour) => {
    const range = [tenant, clamp(fromHour), clamp(toHour)];
    return {
      fields: fields.all(...range) as DayCatalog['fields'],
      values: values.all(...range) as DayCatalog['values'],
      types: new Map((types.all() as { field: string; type: string }[]).map((row) => [row.field, row.type])),
    };
  };
}

/**
 * The catalog of several days (newest first): events and hours summed, each field typed as
 * declared, else as the newest day that has it typed it, values of the same typed value summed
 * and ordered as OpenSearch's terms order them.
 */
export function mergeDayCatalogs(days: readonly DayCatalog[], sampleValues: number): FieldInfo[] {
  const fields = new Map<string, { events: number; first: number; last: number; type?: string }>();
  for (const day of days) {
    for (const row of day.fields) {
      const known = fields.get(row.field);
      if (known) {
        known.events += row.events;
        known.first = Math.min(known.first, row.first);
        known.last = Math.max(known.last, row.last);
        known.type ??= day.types.get(row.field);
      } else fields.set(row.field, { events: row.events, first: row.first, last: row.last, type: day.types.get(row.field) });
    }
  }
  const typeOf = (field: string): CatalogFieldType => {
    const declared = DECLARED_FIELD_TYPES.get(field);
    if (declared !== undefined && declared !== 'unindexed') return declared;
    return (fields.get(field)?.type as CatalogFieldType | undefined) ?? 'keyword';
  };
  const values = new Map<string, Map<string, { value: string | number | boolean; events: number }>>();
  for (const day of days) {
    for (const row of day.values) {
      const type = typeOf(row.field);
      const value = listsValues(type) ? typedValue(type, row.value) : undefined;
      if (value === undefined || !fields.has(row.field)) continue;
      let byValue = values.get(row.field);
      if (!byValue) values.set(row.field, (byValue = new Map()));
      const key = `${typeof value}:${value}`;
      const known = byValue.get(key);
      if (known) known.events += row.events;
      else byValue.set(key, { value, events: row.events });
    }
  }
  return [...fields.entries()]
    .filter(([, entry]) => entry.events > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, entry]) => {
      const type = typeOf(name);
      const sample = [...(values.get(name)?.values() ?? [])].filter((value) => value.events > 0).sort(compareValues(type)).slice(0, sampleValues);
      return { name, type, count: entry.events, firstSeen: new Date(entry.first).toISOString(), lastSeen: new Date(entry.last).toISOString(), values: sample.map((value) => value.value) };
    });
}
