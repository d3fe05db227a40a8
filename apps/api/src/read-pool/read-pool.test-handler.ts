import Database from 'better-sqlite3';

/**
 * A read handler for the tests of the pool and of the routes, run in real worker threads:
 * it answers like read-handler.ts, and misbehaves on request as a hostile query or a broken
 * store would (a query that never ends, one that allocates without bound, a SQLite statement
 * that runs for seconds, a worker that dies).
 */
interface Job {
  readonly op: 'search' | 'count' | 'ping';
  readonly q?: string;
}

const spins = { turns: 0 };

export async function createHandler(data: { readonly label: string; readonly start?: 'throw' | 'exit' }) {
  if (data.start === 'throw') throw new Error('The store cannot be set up.');
  if (data.start === 'exit') process.exit(2);
  return async (job: Job) => {
    switch (job.q) {
      case 'spin':
        for (;;) spins.turns++;
      case 'hoard': {
        const hoard: number[][] = [];
        for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
      }
      case 'sqlite-scan':
        // Five million rows of a recursive CTE: seconds inside one native call, which terminating the worker cannot interrupt.
        return new Database(':memory:').prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) SELECT count(*) FROM c').pluck().get();
      case 'exit':
        process.exit(3);
      case 'bad':
        throw Object.assign(new Error('The quote opened at position 3 is never closed.'), { code: 'SIEM_QUERY_SYNTAX', position: 3, retryable: false });
      case 'store-down':
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9200 at /secret/path'), { code: 'SIEM_STORE_SEARCH_FAILED', retryable: true });
      case 'too-big':
        throw Object.assign(new Error('The hits come to 2000000 bytes; ask for fewer hits.'), { code: 'SIEM_API_RESULT_TOO_LARGE', retryable: false, statusCode: 503 });
    }
    if (job.op === 'count') return 42;
    if (job.op === 'ping') return true;
    return JSON.stringify({ total: 1, hits: [{ id: 'a', index: data.label, event: { job } }] });
  };
}
