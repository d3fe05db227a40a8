import { MAX_KEYWORD_LENGTH, analyzeText, encodeKeyword, keywordToken } from '@siem/query';

/**
 * The ECS fields that searches filter on most. Besides the JSON document, each event
 * puts a keyword token per value of these fields in the FTS table, next to its analysed
 * message, so a filter on them (alone or with free text) is an index lookup that FTS5
 * serves newest first. Any other field is still searchable through its JSON path, by
 * a scan of the days in the time range.
 */
export const TERM_FIELDS = [
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
  // Every read is filtered to the caller's tenant (see tenant-scope.ts): an index lookup, not a scan.
  'organization.id',
] as const;

export const TERM_FIELD_SET: ReadonlySet<string> = new Set(TERM_FIELDS);

/** Per term field: its path in the document and the start of its tokens. */
const TERM_PATHS = TERM_FIELDS.map((field) => ({ keys: field.split('.'), tokenPrefix: keywordToken(field, '') }));

function valueAt(document: Record<string, unknown>, keys: readonly string[]): unknown {
  let value: unknown = document;
  for (const key of keys) {
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

/** The keyword tokens of the TERM_FIELDS, joined by spaces: one per scalar value, or per element of a list. */
export function termsOf(document: Record<string, unknown>): string {
  const tokens: string[] = [];
  for (const { keys, tokenPrefix } of TERM_PATHS) {
    const value = valueAt(document, keys);
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const element of value) {
        const text = scalarText(element);
        if (text !== undefined && text.length <= MAX_KEYWORD_LENGTH) tokens.push(tokenPrefix + encodeKeyword(text));
      }
    } else {
      const text = scalarText(value);
      if (text !== undefined && text.length <= MAX_KEYWORD_LENGTH) tokens.push(tokenPrefix + encodeKeyword(text));
    }
  }
  return tokens.join(' ');
}

/** Sits between the values of a list so that a phrase cannot match across two of them; no query produces it. */
const VALUE_GAP = '\uE000';

/** The analysed `message` for the FTS table: its tokens joined by spaces. */
export function fullTextOf(document: Record<string, unknown>): string {
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
  return parts.join(' ');
}
