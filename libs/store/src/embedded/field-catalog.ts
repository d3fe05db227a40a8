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
 * not one per event. The writer's share of a bulk load is mostly that walk over each event's
 * fields, so the walk finds fields in a tree of the shapes met before (FieldShapes) instead
 * of building dotted names, and the writer skips the values of a field known to be full
 * (CatalogWriter).
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
  /** By value: a Map tells the string "1" from the number 1, so that each is its own key. */
  readonly values: Map<string | number, ValueCount>;
  /** The value met last: consecutive events often share one, which a comparison finds faster than a lookup. */
  last: ValueCount | undefined;
}

function isSampled(type: CatalogFieldType | undefined, value: Scalar | undefined): boolean {
  if (type !== undefined) return type === 'keyword' || type === 'number' || type === 'ip' || type === 'boolean';
  return value !== undefined && (typeof value !== 'string' || dynamicType(value) === 'keyword');
}

/** A field of the documents' shapes (a node of FieldShapes), with its dotted name and declared type worked out once. */
interface FieldNode {
  readonly path: string;
  readonly declared: CatalogFieldType | 'unindexed' | undefined;
  /** A declared geo point or flat object: one field, whose keys are not fields of their own. */
  readonly objectLeaf: boolean;
  readonly children: Map<string, FieldNode>;
  /** The bucket (its serial) that `count` belongs to: the walk finds a field's count without a lookup while a batch stays in one bucket. */
  bucket: number;
  count: FieldCount | undefined;
  /** The delta (its serial) that has already noted the field's type. */
  typed: number;
}

/** Fields a FieldShapes remembers; past this (documents whose keys are data), new fields are worked out at each visit and not kept. */
const MAX_SHAPE_FIELDS = 10_000;
/** Serials of deltas and buckets, unique in the process, so that a node's marks from an earlier batch never match. */
let serials = 0;

function fieldNode(path: string): FieldNode {
  const declared = path === '' ? undefined : DECLARED_FIELD_TYPES.get(path);
  return { path, declared, objectLeaf: isObjectLeaf(declared), children: new Map(), bucket: 0, count: undefined, typed: 0 };
}

/**
 * The field names met so far, as a tree of keys. Events of one parser share their shapes, so
 * after the first batches a walk only looks keys up in small maps: it builds no dotted name and
 * looks up no declared type. A writer keeps one for its day.
 */
export class FieldShapes {
  readonly root = fieldNode('');
  private size = 0;

  constructor(private readonly maxFields = MAX_SHAPE_FIELDS) {}

  child(parent: FieldNode, key: string): FieldNode {
    const known = parent.children.get(key);
    if (known) return known;
    const child = fieldNode(parent.path === '' ? key : `${parent.path}.${key}`);
    if (this.size < this.maxFields) {
      parent.children.set(key, child);
      this.size++;
    }
    return child;
  }
}

interface Bucket {
  readonly serial: number;
  readonly tenant: TenantKey;
  readonly hour: number;
  readonly fields: Map<string, FieldCount>;
}

/** A batch's catalog counts (with weight −1, those of an event it replaces), before they are written. */
export class CatalogDelta {
  /** `${tenant}|${hour}` → its fields' counts. */
  readonly buckets = new Map<string, Bucket>();
  /** The first value's type of each undeclared field the batch met. */
  readonly types = new Map<string, CatalogFieldType>();
  private readonly serial = ++serials;
  private sequence = 0;
  private bucket: Bucket | undefined;
  private weight: 1 | -1 = 1;

  constructor(private readonly shapes = new FieldShapes()) {}

  add(document: Record<string, unknown>, time: number, weight: 1 | -1): void {
    const hour = Math.floor(time / HOUR_MS) * HOUR_MS;
    const tenant = catalogTenant(document);
    let bucket = this.bucket;
    if (bucket === undefined || bucket.hour !== hour || bucket.tenant !== tenant) {
      const key = `${tenant}|${hour}`;
      bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = { serial: ++serials, tenant, hour, fields: new Map() }));
      this.bucket = bucket;
    }
    this.sequence++;
    this.weight = weight;
    this.walk(document, this.shapes.root);
  }

  /** Visits each scalar under its field (each element of a list under the list's); a declared geo point or flat object is one field without values. */
  private walk(value: unknown, node: FieldNode): void {
    if (typeof value !== 'object') this.visitScalar(value, node);
    else if (value !== null) this.walkObject(value, node);
  }

  private walkObject(value: object, node: FieldNode): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.walk(value[i], node);
    } else if (node.objectLeaf) {
      if (Object.keys(value).length > 0) this.visit(node, undefined);
    } else {
      const children = node.children;
      for (const key in value) {
        const child = children.get(key) ?? this.shapes.child(node, key);
        const field = (value as Record<string, unknown>)[key];
        // Most fields are scalars: tested here rather than in a call of their own.
        if (typeof field !== 'object') this.visitScalar(field, child);
        else if (field !== null) this.walkObject(field, child);
      }
    }
  }

  private visitScalar(value: unknown, node: FieldNode): void {
    // A geo point may be written as "lat,lon" or [lon, lat]: one field, no values.
    if (node.path !== '' && (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) this.visit(node, node.objectLeaf ? undefined : value);
  }

  private visit(node: FieldNode, value: Scalar | undefined): void {
    const declared = node.declared;
    if (declared === 'unindexed') return;
    // A keyword too long to index is not there for OpenSearch's exists query either.
    if (typeof value === 'string' && value.length > IGNORE_ABOVE && declared !== 'text' && (declared !== undefined || dynamicType(value) === 'keyword')) return;
    const weight = this.weight;
    if (node.typed !== this.serial && declared === undefined && value !== undefined && weight === 1) {
      if (!this.types.has(node.path)) this.types.set(node.path, dynamicType(value));
      node.typed = this.serial;
    }
    const bucket = this.bucket!;
    let count = node.bucket === bucket.serial ? node.count : undefined;
    if (count === undefined) {
      count = bucket.fields.get(node.path);
      if (!count) bucket.fields.set(node.path, (count = { events: 0, lastEvent: 0, sampled: isSampled(declared, value), values: new Map(), last: undefined }));
      node.bucket = bucket.serial;
      node.count = count;
    }
    const event = this.sequence;
    if (count.lastEvent !== event) {
      count.lastEvent = event;
      count.events += weight;
    }
    if (value === undefined || !count.sampled) return;
    const stored = typeof value === 'boolean' ? (value ? 'true' : 'false') : value;
    let known = count.last;
    if (known === undefined || known.value !== stored) {
      const values = count.values;
      known = values.get(stored);
      if (known === undefined) {
        if (values.size < CATALOG_VALUES) values.set(stored, (count.last = { value: stored, events: weight, lastEvent: event }));
        return;
      }
      count.last = known;
    }
    if (known.lastEvent !== event) {
      known.lastEvent = event;
      known.events += weight;
    }
  }
}

/** Saturated tenant, hour and field keys a writer remembers; past this the memory is cleared and refilled as keys are met again. */
const MAX_SATURATED_KEYS = 20_000;

/**
 * Adds batches' catalogs to a day's tables: one upsert per tenant, hour and field, and per value
 * kept. A tenant, hour and field that holds CATALOG_VALUES values never takes another (no row is
 * ever deleted; a replaced event only lowers counts), so once it is seen full its values are
 * read once and remembered: the values of a busy field's later batches are then updated when
 * kept and skipped otherwise, without a statement each. This holds whichever process filled it.
 */
export class CatalogWriter {
  private readonly typeOf: Database.Statement;
  private readonly fieldCount: Database.Statement;
  private readonly valueUpdate: Database.Statement;
  private readonly valueInsert: Database.Statement;
  private readonly keptValues: Database.Statement;
  /** Fields whose type the day holds. */
  private readonly typed = new Set<string>();
  /** `${tenant}|${hour}|${field}` → the CATALOG_VALUES values it keeps for good. */
  private readonly saturated = new Map<string, ReadonlySet<string | number>>();

  constructor(db: Database.Database) {
    this.typeOf = db.prepare('INSERT INTO catalog_types (field, type) VALUES (?, ?) ON CONFLICT (field) DO NOTHING');
    this.fieldCount = db.prepare('INSERT INTO catalog_fields (tenant, hour, field, events) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, hour, field) DO UPDATE SET events = events + excluded.events');
    this.valueUpdate = db.prepare('UPDATE catalog_values SET events = events + ? WHERE tenant = ? AND hour = ? AND field = ? AND value = ?');
    // A value not kept yet is added only while its field has fewer than CATALOG_VALUES in the hour.
    this.valueInsert = db.prepare(
      `INSERT INTO catalog_values (tenant, hour, field, value, events) SELECT @tenant, @hour, @field, @value, @events
       WHERE @events > 0 AND (SELECT count(*) FROM catalog_values WHERE tenant = @tenant AND hour = @hour AND field = @field) < ${CATALOG_VALUES}`,
    );
    this.keptValues = db.prepare('SELECT value FROM catalog_values WHERE tenant = ? AND hour = ? AND field = ?').pluck();
  }

  /** Writes the delta; call it inside the day's write transaction, and `rolledBack` if that transaction is undone. */
  write(delta: CatalogDelta): void {
    for (const [field, type] of delta.types) {
      if (this.typed.has(field)) continue;
      this.typeOf.run(field, type);
      this.typed.add(field);
    }
    for (const { tenant, hour, fields } of delta.buckets.values()) {
      for (const [field, count] of fields) {
        if (count.events !== 0) this.fieldCount.run(tenant, hour, field, count.events);
        if (count.values.size > 0) this.writeValues(tenant, hour, field, count);
      }
    }
  }

  /** What the writer remembers may describe the undone transaction's rows: forget it. */
  rolledBack(): void {
    this.typed.clear();
    this.saturated.clear();
  }

  private writeValues(tenant: TenantKey, hour: number, field: string, count: FieldCount): void {
    const key = `${tenant}|${hour}|${field}`;
    const kept = this.saturated.get(key);
    let full = false;
    for (const { value, events } of count.values.values()) {
      if (events === 0 || (kept !== undefined && !kept.has(value))) continue;
      if (this.valueUpdate.run(events, tenant, hour, field, value).changes === 1 || kept !== undefined || events < 0) continue;
      if (this.valueInsert.run({ tenant, hour, field, value, events }).changes === 0) full = true;
    }
    if (full) {
      if (this.saturated.size >= MAX_SATURATED_KEYS) this.saturated.clear();
      this.saturated.set(key, new Set(this.keptValues.all(tenant, hour, field) as (string | number)[]));
    }
  }
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
