import type { ExportHit } from '@siem/store';
import type { SearchBody } from './schema';
import { ApiErrorCodes } from '../../errors';
import type { EventReader, ReadRequest } from '../../event-reader';
import { pickFields } from '../../read-pool/read-handler';

/**
 * The rows of an export, produced one page at a time as the client reads them: each page
 * is one read job (within the API's time budget) after the previous page's cursor, which
 * reads the store and writes the page's lines off the event loop, so memory stays one page
 * whatever the export's length, and a client that stops reading stops the reads.
 */
export type ExportRequest = ReadRequest & {
  readonly sort: SearchBody['sort'];
  readonly format: 'ndjson' | 'csv';
  readonly fields?: readonly string[];
  readonly limit: number;
};

/** Columns of a CSV export that names none. */
export const DEFAULT_CSV_FIELDS = ['@timestamp', 'host.name', 'source.ip', 'user.name', 'event.action', 'event.outcome', 'message'] as const;

/** The lines of one page of an export, as the read worker writes them. */
export interface ExportLines {
  readonly text: string;
  readonly rows: number;
  readonly next?: string;
}

/**
 * Events per read job. Pages of 500 spent more time per row on the jobs and cursors than on
 * the rows (51,000 rows/s embedded); the page halves when its text is over the result cap.
 */
export const EXPORT_PAGE_SIZE = 5_000;

export async function* exportRows(reader: EventReader, request: ExportRequest, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<string> {
  const { limit, fields, ...read } = request;
  const columns = request.format === 'csv' ? (fields ?? DEFAULT_CSV_FIELDS) : undefined;
  // Field names are plain (the schema's pattern): the header needs no quoting. It leaves with the first page, so a failing first read is answered as an error.
  let header = columns ? `${columns.join(',')}\r\n` : '';
  let searchAfter: string | undefined;
  let left = limit;
  let size = pageSize;
  while (left > 0) {
    let page: ExportLines;
    try {
      page = await reader.exportPage({ ...read, size: Math.min(size, left), searchAfter, fields: columns ?? fields });
    } catch (error) {
      // Large events: the same page in smaller pieces, down to one event.
      if ((error as { code?: string }).code === ApiErrorCodes.resultTooLarge && size > 1) {
        size = Math.ceil(size / 2);
        continue;
      }
      throw error;
    }
    if (page.rows > 0 || header) yield header + page.text;
    header = '';
    left -= page.rows;
    if (!page.next) return;
    searchAfter = page.next;
  }
}

/**
 * A page's hits as export lines. NDJSON without chosen fields writes each stored document as
 * it is, with the id put first (a document's own "id" key, later in the object, wins when
 * read back, as it did when the line was the spread `{id, ...event}`): no parse and no
 * stringify per row.
 */
export function exportLines(hits: readonly ExportHit[], format: 'ndjson' | 'csv', fields?: readonly string[]): string {
  let text = '';
  if (format === 'ndjson' && fields === undefined) {
    for (const hit of hits) text += `{"id":${JSON.stringify(hit.id)}${hit.json === '{}' ? '' : ','}${hit.json.slice(1)}\n`;
    return text;
  }
  for (const hit of hits) {
    const event = JSON.parse(hit.json) as Record<string, unknown>;
    text += format === 'csv' ? `${fields!.map((field) => csvCell(valueAt(event, field))).join(',')}\r\n` : `${JSON.stringify({ id: hit.id, ...pickFields(event, fields!) })}\n`;
  }
  return text;
}

/** The value at a dotted path into the event's objects (what pickFields keeps of one field), read in one walk. */
function valueAt(event: Record<string, unknown>, field: string): unknown {
  let value: unknown = event;
  for (const key of field.split('.')) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

const FORMULA_START = new Set([...'=+-@\t\r'].map((character) => character.charCodeAt(0)));
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. Lists and
 * objects are JSON. A text starting with = + - @ or a tab gets a leading apostrophe, so
 * a spreadsheet shows it instead of running it as a formula (OWASP CSV injection).
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && FORMULA_START.has(text.charCodeAt(0))) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The rows as a stream, once the first page has been read: a request that fails at once (a bad query) still gets its error answer. */
export async function exportStream(rows: AsyncGenerator<string>): Promise<AsyncGenerator<string>> {
  const first = await rows.next();
  return (async function* () {
    if (!first.done) yield first.value;
    yield* rows;
  })();
}
