import type { ReadPool } from './read-pool/read-pool';

export interface ReadRequest {
  /** The query string as the user typed it; the reader parses it. */
  readonly q: string;
  readonly from?: string;
  readonly to?: string;
}

/** What the routes need of the store. The API's own runs each call in a read worker (read-pool.ts). */
export interface EventReader {
  /** The search result (total and hits) as JSON text. */
  search(request: ReadRequest & { readonly size: number }): Promise<string>;
  count(request: ReadRequest): Promise<number>;
  /** Resolves once the store has answered a request. */
  ping(): Promise<void>;
}

export function poolReader(pool: ReadPool): EventReader {
  return {
    search: (request) => pool.run<string>({ op: 'search', ...request }),
    count: (request) => pool.run<number>({ op: 'count', ...request }),
    ping: async () => {
      await pool.run({ op: 'ping' });
    },
  };
}
