import { ipKey } from '@siem/query';
import { badRequest } from '../aggregations/shared';
import { parseTimeBound } from '../embedded/time-key';
import { eventIndexTemplate } from '../opensearch/event-template';
import { DEFAULT_SAMPLE_VALUES, MAX_SAMPLE_VALUES, type CatalogFieldType, type FieldsRequest } from './types';

/**
 * What both stores agree on when they build the field catalog: the catalog type of a mapping
 * type, the types the event template declares, the type OpenSearch's dynamic mapping gives an
 * undeclared field, which types list values and in which order, and the whole hours a range
 * covers.
 */

export const HOUR_MS = 3_600_000;
/** Longer keywords are not indexed (the template's ignore_above), so neither store counts them. */
export const IGNORE_ABOVE = 2048;

const NUMBER_TYPES = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long']);

/** The catalog type of an OpenSearch mapping type; undefined for what is not a field of the events (objects, metadata). */
export function catalogTypeOfMapping(type: string): CatalogFieldType | undefined {
  if (NUMBER_TYPES.has(type)) return 'number';
  switch (type) {
    case 'text':
    case 'match_only_text':
      return 'text';
    case 'keyword':
    case 'constant_keyword':
    case 'wildcard':
      return 'keyword';
    case 'date':
    case 'date_nanos':
      return 'date';
    case 'ip':
    case 'boolean':
    case 'geo_point':
    case 'flat_object':
      return type;
    default:
      return undefined;
  }
}

interface Mapping {
  readonly type?: string;
  readonly index?: boolean;
  readonly properties?: Record<string, Mapping>;
}

/** The fields the event template declares, with their catalog type; 'unindexed' for those kept but not searchable. */
function declaredFields(properties: Record<string, Mapping>, prefix = '', into = new Map<string, CatalogFieldType | 'unindexed'>()): Map<string, CatalogFieldType | 'unindexed'> {
  for (const [name, mapping] of Object.entries(properties)) {
    const field = `${prefix}${name}`;
    if (mapping.properties) declaredFields(mapping.properties, `${field}.`, into);
    else if (mapping.index === false) into.set(field, 'unindexed');
    else {
      const type = mapping.type === undefined ? undefined : catalogTypeOfMapping(mapping.type);
      if (type) into.set(field, type);
    }
  }
  return into;
}

export const DECLARED_FIELD_TYPES: ReadonlyMap<string, CatalogFieldType | 'unindexed'> = declaredFields(
  (eventIndexTemplate('', 0) as { template: { mappings: { properties: Record<string, Mapping> } } }).template.mappings.properties,
);

/** Fields whose value is an object yet one field of the mapping: its keys are not fields of their own. */
export function isObjectLeaf(type: CatalogFieldType | 'unindexed' | undefined): boolean {
  return type === 'geo_point' || type === 'flat_object';
}

// OpenSearch's dynamic date detection (dynamic_date_formats: strict_date_optional_time, yyyy/MM/dd HH:mm:ss, yyyy/MM/dd):
// a year alone, or a time with a numeric zone after a slashed date, stay keywords.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const SLASHED_DATE = /^\d{4}\/\d{2}\/\d{2}(?: \d{2}:\d{2}:\d{2})?$/;

/** The type OpenSearch's dynamic mapping gives a field first met with this value (strings are keywords unless they read as a date). */
export function dynamicType(value: string | number | boolean): CatalogFieldType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return ISO_DATE.test(value) || SLASHED_DATE.test(value) ? 'date' : 'keyword';
}

/** Types whose values the catalog lists. */
export function listsValues(type: CatalogFieldType): boolean {
  return type === 'keyword' || type === 'number' || type === 'ip' || type === 'boolean';
}

/** A stored value as the field's type shows it (OpenSearch's terms keys); undefined when the type cannot hold it. */
export function typedValue(type: CatalogFieldType, value: string | number | boolean): string | number | boolean | undefined {
  switch (type) {
    case 'keyword':
      return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
    case 'number': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      return Number.isFinite(number) ? number : undefined;
    }
    case 'boolean':
      return value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
    case 'ip':
      return typeof value === 'string' && ipKey(value) !== undefined ? value : undefined;
    default:
      return undefined;
  }
}

function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** OpenSearch's terms order: most events first, then by value (bytes for keywords, numeric, address, false before true). */
export function compareValues(type: CatalogFieldType): (a: { value: string | number | boolean; events: number }, b: { value: string | number | boolean; events: number }) => number {
  const byValue = (x: string | number | boolean, y: string | number | boolean): number => {
    if (type === 'ip') return utf8Order(ipKey(String(x)) ?? '', ipKey(String(y)) ?? '');
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
    return utf8Order(String(x), String(y));
  };
  return (a, b) => b.events - a.events || byValue(a.value, b.value);
}

/** The request's range widened to whole hours, in ms (open bounds stay infinite), and the values per field. */
export function catalogRange(request: FieldsRequest): { fromHour: number; toHourEnd: number; sampleValues: number } {
  const bound = (text: string | undefined, name: string, unset: number): number => {
    if (text === undefined || text === '') return unset;
    const ms = parseTimeBound(text);
    if (ms === undefined) throw badRequest(`The fields' ${name} time "${text}" is neither ISO 8601 nor epoch milliseconds.`);
    return ms;
  };
  const from = bound(request.from, 'from', Number.NEGATIVE_INFINITY);
  const to = bound(request.to, 'to', Number.POSITIVE_INFINITY);
  const sampleValues = request.sampleValues ?? DEFAULT_SAMPLE_VALUES;
  if (!Number.isInteger(sampleValues) || sampleValues < 0 || sampleValues > MAX_SAMPLE_VALUES) {
    throw badRequest(`sampleValues must be a whole number from 0 to ${MAX_SAMPLE_VALUES}, not ${sampleValues}.`);
  }
  return {
    fromHour: Number.isFinite(from) ? Math.floor(from / HOUR_MS) * HOUR_MS : from,
    toHourEnd: Number.isFinite(to) ? Math.floor(to / HOUR_MS) * HOUR_MS + HOUR_MS - 1 : to,
    sampleValues,
  };
}
