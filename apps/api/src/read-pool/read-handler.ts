import type { SiemConfig } from '@siem/config';
import { parseQuery } from '@siem/query';
import { StoreError, StoreErrorCodes, createStore, eventInTenant, tenantQuery, type AggregateRequest, type AggregateResult, type SearchRequest } from '@siem/store';
import { ApiError, ApiErrorCodes } from '../errors';
import { exportLines, type ExportLines } from '../routes/analyst/export-rows';

/**
 * What a read worker does (see read-pool.ts): parse the query string and read the store,
 * both off the API's event loop. Each worker has its own store: its own SQLite connections
 * to the day files, or its own OpenSearch client.
 */
export interface ReadHandlerData {
  readonly config: SiemConfig;
}

/** Every read names the caller's tenant, and the handler confines it to that tenant in the store (`scopedQuery`, `eventInTenant`). */
export type ReadJob = (TenantRead & { readonly tenant: string }) | { readonly op: 'ping' };

type TenantRead =
  | { readonly op: 'search'; readonly q: string; readonly from?: string; readonly to?: string; readonly size: number }
  | { readonly op: 'count'; readonly q: string; readonly from?: string; readonly to?: string }
  | ({ readonly op: 'page'; readonly q: string } & Omit<SearchRequest, 'query'> & { readonly fields?: readonly string[] })
  | ({ readonly op: 'export'; readonly q: string; readonly format: 'ndjson' | 'csv' } & Omit<SearchRequest, 'query'> & { readonly fields?: readonly string[] })
  | { readonly op: 'get'; readonly id: string; readonly timestamp?: string }
  | { readonly op: 'fields'; readonly from?: string; readonly to?: string; readonly sampleValues?: number }
  | { readonly op: 'aggregate'; readonly q: string; readonly from?: string; readonly to?: string; readonly aggs: AggregateRequest['aggs'] };

/** `search` answers the result as JSON text, measured against the cap and sent to the client as is; `count` a number. */
export async function createHandler({ config }: ReadHandlerData): Promise<(job: ReadJob) => Promise<string | number | true | null | AggregateResult | ExportLines>> {
  const store = createStore(config);
  const maxBytes = config.api.maxResultBytes;
  const checkedTenant = (tenant: string): string => {
    // Fails closed: a job that lost its tenant on the way reads nothing.
    if (typeof tenant !== 'string' || tenant === '') throw new ApiError(ApiErrorCodes.internal, 'A read reached the store without a tenant.', 500, { retryable: false });
    return tenant;
  };
  const scopedQuery = (q: string, tenant: string) => tenantQuery(parseQuery(q), checkedTenant(tenant));
  const capped = (json: string, what: string): string => {
    const bytes = Buffer.byteLength(json);
    if (bytes > maxBytes) {
      throw new ApiError(ApiErrorCodes.resultTooLarge, `The ${what} come to ${bytes} bytes, over the ${maxBytes} a search may return (SIEM_API_MAX_RESULT_BYTES); ask for fewer.`, 503, {
        retryable: false,
      });
    }
    return json;
  };
  return async (job) => {
    switch (job.op) {
      case 'search':
        return capped(JSON.stringify(await store.search({ query: scopedQuery(job.q, job.tenant), from: job.from, to: job.to, size: job.size })), `${job.size} hits`);
      case 'page': {
        const { q, fields, from, to, size, sort, searchAfter } = job;
        const result = await asClientError(store.search({ query: scopedQuery(q, job.tenant), from, to, size, sort, searchAfter }));
        const hits = fields ? result.hits.map((hit) => ({ ...hit, event: pickFields(hit.event, fields) })) : result.hits;
        return capped(JSON.stringify({ ...result, totalRelation: result.totalRelation ?? 'eq', hits }), `${job.size} hits`);
      }
      case 'export': {
        const { q, fields, from, to, size, sort, searchAfter, format } = job;
        const page = await asClientError(store.exportPage({ query: scopedQuery(q, job.tenant), from, to, size, sort, searchAfter }));
        const text = capped(exportLines(page.hits, format, fields), `${size} exported events`);
        return { text, rows: page.hits.length, ...(page.next ? { next: page.next } : {}) };
      }
      case 'get': {
        const hit = await store.getEvent(job.id, job.timestamp);
        return hit && eventInTenant(hit.event, job.tenant) ? capped(JSON.stringify(hit), 'event') : null;
      }
      case 'fields': {
        // The store confines the catalog to the tenant itself: its counts are kept per tenant.
        const catalog = await asClientError(store.fields({ tenant: checkedTenant(job.tenant), from: job.from, to: job.to, sampleValues: job.sampleValues }));
        return capped(JSON.stringify({ events: catalog.events, sampled: catalog.events, fields: catalog.fields }), 'fields');
      }
      case 'aggregate':
        return asClientError(store.aggregate({ query: scopedQuery(job.q, job.tenant), from: job.from, to: job.to, aggs: job.aggs }));
      case 'count':
        return store.count({ query: scopedQuery(job.q, job.tenant), from: job.from, to: job.to });
      case 'ping': {
        // A search of nothing at this instant: it reaches the store without reading events.
        const now = new Date().toISOString();
        await store.search({ query: parseQuery(''), from: now, to: now, size: 0 });
        return true;
      }
    }
  };
}

/** A store's refusal of the request itself (a bad cursor, interval or field) is the client's to fix: 400. */
async function asClientError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof StoreError && error.code === StoreErrorCodes.badRequest) throw new ApiError(ApiErrorCodes.badRequest, error.message, 400, { retryable: false });
    throw error;
  }
}

/** The event with only the fields asked for (dotted paths into its objects), keeping their nesting. */
export function pickFields(event: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    const keys = field.split('.');
    let value: unknown = event;
    for (const key of keys) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    if (value === undefined) continue;
    let target = picked;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys[keys.length - 1]!] = value;
  }
  return picked;
}
