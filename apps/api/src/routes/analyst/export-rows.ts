import type { SearchBody } from './schema';
import { ApiErrorCodes } from '../../errors';
import type { EventReader } from '../../event-reader';
import { pickFields } from '../../read-pool/read-handler';

/**
 * The rows of an export, produced one page at a time as the client reads them: each page
 * is one read job (within the API's time budget) after the previous page's cursor, so
 * memory stays one page whatever the export's length, and a client that stops reading
 * stops the reads.
 */
export interface ExportRequest {
  readonly q: string;
  readonly from?: string;
  readonly to?: string;
  readonly sort: SearchBody['sort'];
  readonly format: 'ndjson' | 'csv';
  readonly fields?: readonly string[];
  readonly limit: number;
}

/** Columns of a CSV export that names none. */
export const DEFAULT_CSV_FIELDS = ['@timestamp', 'host.name', 'source.ip', 'user.name', 'event.action', 'event.outcome', 'message'] as const;

interface Page {
  hits: { id: string; event: Record<string, unknown> }[];
  next?: string;
}

export async function* exportRows(reader: EventReader, request: ExportRequest, pageSize = 500): AsyncGenerator<string> {
  const columns = request.format === 'csv' ? (request.fields ?? DEFAULT_CSV_FIELDS) : undefined;
  // Field names are plain (the schema's pattern): the header needs no quoting. It leaves with the first page, so a failing first read is answered as an error.
  let header = columns ? `${columns.join(',')}\r\n` : '';
  let searchAfter: string | undefined;
  let left = request.limit;
  let size = pageSize;
  while (left > 0) {
    let page: Page;
    try {
      page = JSON.parse(await reader.page({ q: request.q, from: request.from, to: request.to, sort: request.sort, size: Math.min(size, left), searchAfter, fields: request.fields }));
    } catch (error) {
      // Large events: the same page in smaller pieces, down to one event.
      if ((error as { code?: string }).code === ApiErrorCodes.resultTooLarge && size > 1) {
        size = Math.ceil(size / 2);
        continue;
      }
      throw error;
    }
    const lines = page.hits.map((hit) => (columns ? `${columns.map((field) => csvCell(valueAt(hit.event, field))).join(',')}\r\n` : `${JSON.stringify({ id: hit.id, ...hit.event })}\n`));
    if (lines.length > 0 || header) yield header + lines.join('');
    header = '';
    left -= page.hits.length;
    if (!page.next) return;
    searchAfter = page.next;
  }
}

function valueAt(event: Record<string, unknown>, field: string): unknown {
  const picked = pickFields(event, [field]);
  let value: unknown = picked;
  for (const key of field.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. Lists and
 * objects are JSON. A text starting with = + - @ or a tab gets a leading apostrophe, so
 * a spreadsheet shows it instead of running it as a formula (OWASP CSV injection).
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The rows as a stream, once the first page has been read: a request that fails at once (a bad query) still gets its error answer. */
export async function exportStream(rows: AsyncGenerator<string>): Promise<AsyncGenerator<string>> {
  const first = await rows.next();
  return (async function* () {
    if (!first.done) yield first.value;
    yield* rows;
  })();
}
