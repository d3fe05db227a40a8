import { fieldType } from '@siem/query';

/**
 * The fields of a sample of events, each with its type and a few of its values: what an
 * analyst's field list shows. Types are the query language's (the table the OpenSearch
 * template is checked against), so a field is typed as queries compare it; a field that
 * table does not list is typed from its values as OpenSearch's dynamic mapping would.
 */
export interface FieldEntry {
  readonly name: string;
  readonly type: string;
  /** Events of the sample that have it. */
  readonly count: number;
  /** Up to SAMPLE_VALUES distinct values, in the order met (newest events first). */
  readonly values: unknown[];
}

const SAMPLE_VALUES = 5;
const MAX_SAMPLE_TEXT = 200;

export function fieldCatalog(events: readonly Record<string, unknown>[]): FieldEntry[] {
  const fields = new Map<string, { count: number; values: Map<string, unknown>; kinds: Set<string> }>();
  for (const event of events) {
    const seen = new Set<string>();
    walk(event, '', (name, value) => {
      let entry = fields.get(name);
      if (!entry) fields.set(name, (entry = { count: 0, values: new Map(), kinds: new Set() }));
      if (!seen.has(name)) {
        seen.add(name);
        entry.count++;
      }
      entry.kinds.add(typeof value);
      const sample = typeof value === 'string' && value.length > MAX_SAMPLE_TEXT ? `${value.slice(0, MAX_SAMPLE_TEXT)}…` : value;
      if (entry.values.size < SAMPLE_VALUES) entry.values.set(JSON.stringify(sample), sample);
    });
  }
  return [...fields.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, entry]) => ({ name, type: typeOf(name, entry.kinds), count: entry.count, values: [...entry.values.values()] }));
}

function typeOf(name: string, kinds: Set<string>): string {
  const declared = fieldType(name);
  if (declared !== 'keyword') return declared;
  if (kinds.size === 1 && kinds.has('number')) return 'number';
  if (kinds.size === 1 && kinds.has('boolean')) return 'boolean';
  return 'keyword';
}

/** Calls `visit` for each scalar (each element of a list) under its dotted field name. */
function walk(value: unknown, name: string, visit: (name: string, value: string | number | boolean) => void): void {
  if (Array.isArray(value)) for (const element of value) walk(element, name, visit);
  else if (value !== null && typeof value === 'object') for (const [key, child] of Object.entries(value)) walk(child, name ? `${name}.${key}` : key, visit);
  else if (name && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) visit(name, value);
}
