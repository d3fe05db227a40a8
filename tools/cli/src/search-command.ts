export interface SearchOptions {
  readonly apiUrl: string;
  readonly query: string;
  readonly size: number;
  readonly from?: string;
  readonly to?: string;
  readonly json: boolean;
}

interface SearchHit {
  id: string;
  event: Record<string, any>;
}

/** Queries the API and renders the hits as a table (or the API's JSON with --json). */
export async function runSearch(options: SearchOptions): Promise<string> {
  const url = new URL('/api/v1/search', options.apiUrl);
  url.searchParams.set('q', options.query);
  url.searchParams.set('size', String(options.size));
  if (options.from) url.searchParams.set('from', options.from);
  if (options.to) url.searchParams.set('to', options.to);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`Could not reach the API at ${options.apiUrl}: ${(error as Error).message}. Is \`siem start\` running?`);
  }
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
