import type { AggregateRequest, AggregateResult, FieldsRequest, SearchRequest } from '@siem/store';
import type { ReadPool } from './read-pool/read-pool';
import type { ExportLines } from './routes/analyst/export-rows';

export interface ReadRequest {
  /** The query string as the user typed it; the reader parses it. */
  readonly q: string;
  /** The caller's tenant: the store answers only its events. */
  readonly tenant: string;
  readonly from?: string;
  readonly to?: string;
}

/** What the routes need of the store. The API's own runs each call in a read worker (read-pool.ts). */
export interface EventReader {
  /** The search result (total and hits) as JSON text. */
  search(request: ReadRequest & { readonly size: number }): Promise<string>;
  count(request: ReadRequest): Promise<number>;
  /** A page of hits (sorted, after a cursor, with chosen fields) as JSON text: total, totalRelation, hits, next. */
  page(request: ReadRequest & Omit<SearchRequest, 'query' | 'from' | 'to'> & { readonly fields?: readonly string[] }): Promise<string>;
  /** The next page of an export as NDJSON or CSV lines (CSV: the `fields` columns, no header), and the cursor after it. */
  exportPage(request: ReadRequest & Omit<SearchRequest, 'query' | 'from' | 'to'> & { readonly format: 'ndjson' | 'csv'; readonly fields?: readonly string[] }): Promise<ExportLines>;
  /** The event as JSON text, null when no event of the tenant has the id; `timestamp` (its @timestamp) finds it before a refresh. */
  getEvent(id: string, tenant: string, timestamp?: string): Promise<string | null>;
  aggregate(request: ReadRequest & { readonly aggs: AggregateRequest['aggs'] }): Promise<AggregateResult>;
  /** The store's field catalog of the tenant's events in the range (FieldsResult), as JSON text: events, sampled (the same), fields. */
  fields(request: FieldsRequest): Promise<string>;
  /** Resolves once the store has answered a request. */
  ping(): Promise<void>;
}

export function poolReader(pool: ReadPool): EventReader {
  return {
    search: (request) => pool.run<string>({ op: 'search', ...request }),
    count: (request) => pool.run<number>({ op: 'count', ...request }),
    page: (request) => pool.run<string>({ op: 'page', ...request }),
    exportPage: (request) => pool.run<ExportLines>({ op: 'export', ...request }),
    getEvent: (id, tenant, timestamp) => pool.run<string | null>({ op: 'get', id, tenant, timestamp }),
    aggregate: (request) => pool.run<AggregateResult>({ op: 'aggregate', ...request }),
    fields: (request) => pool.run<string>({ op: 'fields', ...request }),
    ping: async () => {
      await pool.run({ op: 'ping' });
    },
  };
}
