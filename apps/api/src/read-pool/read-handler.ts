import type { SiemConfig } from '@siem/config';
import { parseQuery } from '@siem/query';
import { createStore } from '@siem/store';
import { ApiError, ApiErrorCodes } from '../errors';

/**
 * What a read worker does (see read-pool.ts): parse the query string and read the store,
 * both off the API's event loop. Each worker has its own store: its own SQLite connections
 * to the day files, or its own OpenSearch client.
 */
export interface ReadHandlerData {
  readonly config: SiemConfig;
}

export type ReadJob =
  | { readonly op: 'search'; readonly q: string; readonly from?: string; readonly to?: string; readonly size: number }
  | { readonly op: 'count'; readonly q: string; readonly from?: string; readonly to?: string }
  | { readonly op: 'ping' };

/** `search` answers the result as JSON text, measured against the cap and sent to the client as is; `count` a number. */
export async function createHandler({ config }: ReadHandlerData): Promise<(job: ReadJob) => Promise<string | number | true>> {
  const store = createStore(config);
  const maxBytes = config.api.maxResultBytes;
  return async (job) => {
    switch (job.op) {
      case 'search': {
        const json = JSON.stringify(await store.search({ query: parseQuery(job.q), from: job.from, to: job.to, size: job.size }));
        const bytes = Buffer.byteLength(json);
        if (bytes > maxBytes) {
          throw new ApiError(ApiErrorCodes.resultTooLarge, `The ${job.size} hits come to ${bytes} bytes, over the ${maxBytes} a search may return (SIEM_API_MAX_RESULT_BYTES); ask for fewer hits.`, 503, {
            retryable: false,
          });
        }
        return json;
      }
      case 'count':
        return store.count({ query: parseQuery(job.q), from: job.from, to: job.to });
      case 'ping': {
        // A search of nothing at this instant: it reaches the store without reading events.
        const now = new Date().toISOString();
        await store.search({ query: parseQuery(''), from: now, to: now, size: 0 });
        return true;
      }
    }
  };
}
