/**
 * What an audit record keeps of a request's parameters, query and body: the values an
 * investigator needs (a search's query, an alert's id), never a secret. Fields whose name says
 * secret are replaced, and so are values that look like our API keys or a JWT wherever they
 * appear; the copy is bounded so that a large body cannot make a large record.
 */
const SECRET_NAME = /pass(word|phrase)?|secret|token|api[-_]?key|^key$|authori[sz]ation|credential|private|cookie|signature|hmac|^jwks?$/i;
const SECRET_VALUE = /siem_[0-9a-f]{16}_|eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./;
export const REDACTED = '[redacted]';

const MAX_DEPTH = 6;
const MAX_STRING = 1024;
const MAX_ITEMS = 100;
/** Past this many characters of JSON, a record keeps only the size of what was sent. */
const MAX_JSON = 8192;

export function redact(value: unknown): unknown {
  const copy = redactValue(value, 0);
  const json = JSON.stringify(copy);
  if (json !== undefined && json.length > MAX_JSON) return { truncated: true, jsonChars: json.length };
  return copy;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    if (SECRET_VALUE.test(value)) return REDACTED;
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[${value.length} chars]` : value;
  }
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? String(value) : value;
  if (Buffer.isBuffer(value)) return { bytes: value.length };
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => redactValue(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `…[${value.length} items]`] : items;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = SECRET_NAME.test(key) ? REDACTED : redactValue(item, depth + 1);
  return copy;
}
