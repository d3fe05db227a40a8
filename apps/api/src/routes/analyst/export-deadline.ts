import { ApiErrorCodes } from '../../errors';

export interface ExportDeadline {
  readonly maxMs: number;
  readonly format: 'ndjson' | 'csv';
  /** Called once when the deadline cuts the export, to log it. */
  readonly onExceeded: (rowsChunks: number) => void;
  readonly now?: () => number;
}

/**
 * Ends an export that has streamed for longer than `maxMs`: the reads stop (the rows'
 * generator is returned) and the client gets a last line naming the reason, so a cut export
 * is never mistaken for a complete one. The time is checked between pages; a page itself is
 * bounded by the API's read budget.
 */
export async function* withDeadline(rows: AsyncGenerator<string>, deadline: ExportDeadline): AsyncGenerator<string> {
  const now = deadline.now ?? Date.now;
  const start = now();
  let chunks = 0;
  try {
    for (;;) {
      if (now() - start > deadline.maxMs) {
        deadline.onExceeded(chunks);
        yield trailer(deadline);
        return;
      }
      const next = await rows.next();
      if (next.done) return;
      chunks++;
      yield next.value;
    }
  } finally {
    await rows.return(undefined);
  }
}

function trailer({ maxMs, format }: ExportDeadline): string {
  const message = `The export stopped after ${Math.round(maxMs / 1000)} s (SIEM_API_EXPORT_MAX_SECONDS); the lines before this one are complete. Export a narrower time range, or continue after the last @timestamp received.`;
  if (format === 'csv') return `# error ${ApiErrorCodes.exportTooLong}: ${message}\r\n`;
  return `${JSON.stringify({ error: { code: ApiErrorCodes.exportTooLong, message } })}\n`;
}
