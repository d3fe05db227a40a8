import { apiAuthHeaders } from './api-credential';

export interface SearchOptions {
  readonly apiUrl: string;
  readonly query: string;
  readonly size: number;
  readonly from?: string;
  readonly to?: string;
  readonly json: boolean;
  /** Show the top values of this field (a terms aggregation) instead of the hits. */
  readonly agg?: string;
  /** Stream every matching event to `output` in this format instead of a page of hits. */
  readonly export?: 'ndjson' | 'csv';
  readonly output?: NodeJS.WritableStream;
  /** Receives the export's progress line, rewritten in place. */
  readonly progress?: NodeJS.WritableStream;
  readonly now?: Date;
}

interface SearchHit {
  id: string;
  event: Record<string, any>;
}

const RELATIVE = /^(?:now)?-?(\d+)([smhdw])$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--from 24h`, `-15m` or `now-7d` as an ISO time before `now`; `now` as now; anything else is passed on as written (ISO 8601). */
export function resolveTime(value: string | undefined, now: Date = new Date()): string | undefined {
  if (value === undefined) return undefined;
  if (value === 'now') return now.toISOString();
  const relative = RELATIVE.exec(value);
  return relative ? new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!]!).toISOString() : value;
}

async function call(apiUrl: string, url: URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, headers: { ...apiAuthHeaders(), ...(init?.headers as Record<string, string> | undefined) } });
  } catch (error) {
    throw new Error(`Could not reach the API at ${apiUrl}: ${(error as Error).message}. Is \`siem start\` running?`);
  }
}

async function refusal(response: Response, what: string): Promise<Error> {
  const body = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  return new Error(`${body.error?.code ?? response.status}: ${body.error?.message ?? `the API refused the ${what}`}`);
}

/** Queries the API and renders the hits as a table (or the API's JSON with --json); --agg shows top values, --export streams every event. */
export async function runSearch(options: SearchOptions): Promise<string> {
  const from = resolveTime(options.from, options.now);
  const to = resolveTime(options.to, options.now);
  if (options.export) return runExport({ ...options, from, to, format: options.export });
  if (options.agg) return runTopValues({ ...options, from, to, field: options.agg });
  const url = new URL('/api/v1/search', options.apiUrl);
  url.searchParams.set('q', options.query);
  url.searchParams.set('size', String(options.size));
  if (from) url.searchParams.set('from', from);
  if (to) url.searchParams.set('to', to);
  const response = await call(options.apiUrl, url);
  const body = (await response.json()) as { total?: number; hits?: SearchHit[]; error?: { code: string; message: string } };
  if (!response.ok) throw new Error(`${body.error?.code ?? response.status}: ${body.error?.message ?? 'the API refused the search'}`);
  if (options.json) return `${JSON.stringify(body, null, 2)}\n`;
  return renderTable(body.total ?? 0, body.hits ?? []);
}

export function renderTable(total: number, hits: readonly SearchHit[]): string {
  const rows = hits.map((hit) => [
    String(hit.event['@timestamp'] ?? ''),
    String(hit.event.host?.name ?? hit.event.log?.source?.address ?? ''),
    String(hit.event.event?.dataset ?? ''),
    String(hit.event.message ?? '').replace(/\s+/g, ' ').slice(0, 120),
  ]);
  const header = ['@timestamp', 'host.name', 'event.dataset', 'message'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line), `${hits.length} of ${total} events`, ''].join('\n');
}

async function runTopValues(options: SearchOptions & { field: string }): Promise<string> {
  const response = await call(options.apiUrl, new URL('/api/v1/aggregate', options.apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ q: options.query, from: options.from, to: options.to, aggs: { top: { type: 'terms', field: options.field, size: options.size, missing: true } } }),
  });
  if (!response.ok) throw await refusal(response, 'aggregation');
  const body = (await response.json()) as { total: number; aggs: { top: { buckets: { key: string | number; count: number }[]; other: number; missing: number } } };
  if (options.json) return `${JSON.stringify(body, null, 2)}\n`;
  return renderTopValues(options.field, body.total, body.aggs.top);
}

/** Top values as a table: value, events, share of the matching events. */
export function renderTopValues(field: string, total: number, top: { buckets: { key: string | number; count: number }[]; other: number; missing: number }): string {
  const share = (count: number) => (total === 0 ? '' : `${((100 * count) / total).toFixed(1)}%`);
  const rows = top.buckets.map((bucket) => [String(bucket.key), String(bucket.count), share(bucket.count)]);
  if (top.other > 0) rows.push(['(other values)', String(top.other), share(top.other)]);
  if (top.missing > 0) rows.push([`(no ${field})`, String(top.missing), share(top.missing)]);
  const header = [field, 'events', 'share'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line), `${total} events`, ''].join('\n');
}

async function runExport(options: SearchOptions & { format: 'ndjson' | 'csv' }): Promise<string> {
  const output = options.output ?? process.stdout;
  const response = await call(options.apiUrl, new URL('/api/v1/export', options.apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ q: options.query, from: options.from, to: options.to, format: options.format }),
  });
  if (!response.ok || !response.body) throw await refusal(response, 'export');
  let lines = options.format === 'csv' ? -1 : 0;
  let bytes = 0;
  let shown = 0;
  const report = (done: boolean) => options.progress?.write(`\r${done ? 'Exported' : 'Exporting'} ${Math.max(0, lines)} events, ${(bytes / 1_048_576).toFixed(1)} MiB${done ? '\n' : ''}`);
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    for (const byte of chunk) if (byte === 10) lines++;
    // Waits while the output is full, so a slow pipe slows the download instead of filling memory.
    if (!output.write(chunk)) await new Promise((resolve) => output.once('drain', resolve));
    if (Date.now() - shown > 250) {
      shown = Date.now();
      report(false);
    }
  }
  report(true);
  return '';
}
