import { analyzeText } from '@siem/query';

/**
 * The ECS fields that searches filter on most, each copied into an indexed column of its
 * own. Every other field is still searchable through its JSON path, by a scan of the
 * partition. All of them are single keywords in ECS; a document that carries one as a
 * list or an object marks the field in the partition, whose searches then read the JSON.
 */
export const INDEXED_FIELDS = [
  'host.name',
  'source.ip',
  'destination.ip',
  'user.name',
  'process.name',
  'event.dataset',
  'event.category',
  'event.action',
  'event.outcome',
  'log.level',
  'log.syslog.appname',
  'log.source.address',
] as const;

export function columnOf(field: string): string {
  return `f_${field.replaceAll(/[.@-]/g, '_')}`;
}

export const INDEXED_COLUMNS: ReadonlyMap<string, string> = new Map(INDEXED_FIELDS.map((field) => [field, columnOf(field)]));

function valueAt(document: Record<string, unknown>, field: string): unknown {
  let value: unknown = document;
  for (const key of field.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

/** A field's column value: its one scalar as text, null without a value, `multi` when a column cannot hold it. */
export function columnValue(document: Record<string, unknown>, field: string): { value: string | null; multi: boolean } {
  const raw = valueAt(document, field);
  if (raw === undefined || raw === null) return { value: null, multi: false };
  const values = Array.isArray(raw) ? raw.filter((element) => element !== null) : [raw];
  if (values.length === 0) return { value: null, multi: false };
  const text = values.length === 1 ? scalarText(values[0]) : undefined;
  return text === undefined ? { value: null, multi: true } : { value: text, multi: false };
}

/** Sits between the values of a list so that a phrase cannot match across two of them; no query produces it. */
const VALUE_GAP = '\uE000';

/** The analysed `message` for the FTS table (tokens joined by spaces), or undefined when it has no token. */
export function fullTextOf(document: Record<string, unknown>): string | undefined {
  const message = document.message;
  const values = Array.isArray(message) ? message : [message];
  const parts: string[] = [];
  for (const value of values) {
    const text = scalarText(value);
    if (text === undefined) continue;
    const tokens = analyzeText(text);
    if (tokens.length === 0) continue;
    if (parts.length > 0) parts.push(VALUE_GAP);
    parts.push(tokens.join(' '));
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}
