import { describe, expect, it } from 'vitest';
import { isLoopbackUrl, processorConcurrency } from './processor-concurrency';

describe('processor concurrency when not chosen', () => {
  it('runs one worker per core, each with one bulk request and two chunks, when OpenSearch is elsewhere or the store is embedded', () => {
    expect(processorConcurrency({ cores: 8, store: 'opensearch', opensearchUrl: 'https://search.internal:9200' })).toEqual({ workers: 8, bulkRequestsPerWorker: 1, chunksInFlight: 2 });
    expect(processorConcurrency({ cores: 2, store: 'embedded', opensearchUrl: 'http://127.0.0.1:19200' })).toEqual({ workers: 2, bulkRequestsPerWorker: 1, chunksInFlight: 2 });
  });

  it('leaves OpenSearch on the same host one core, keeps one bulk request open per core, and one chunk more per worker', () => {
    expect(processorConcurrency({ cores: 2, store: 'opensearch', opensearchUrl: 'http://127.0.0.1:19200' })).toEqual({ workers: 1, bulkRequestsPerWorker: 2, chunksInFlight: 3 });
    expect(processorConcurrency({ cores: 8, store: 'opensearch', opensearchUrl: 'http://localhost:9200' })).toEqual({ workers: 7, bulkRequestsPerWorker: 1, chunksInFlight: 2 });
    expect(processorConcurrency({ cores: 1, store: 'opensearch', opensearchUrl: 'http://[::1]:9200' })).toEqual({ workers: 1, bulkRequestsPerWorker: 1, chunksInFlight: 2 });
  });

  it('keeps what the operator set, and derives only the other values from it', () => {
    expect(processorConcurrency({ cores: 2, store: 'opensearch', opensearchUrl: 'http://127.0.0.1:19200', chunksInFlight: 1 })).toEqual({ workers: 1, bulkRequestsPerWorker: 2, chunksInFlight: 1 });
    expect(processorConcurrency({ cores: 2, store: 'opensearch', opensearchUrl: 'http://127.0.0.1:19200', workers: 2 })).toEqual({ workers: 2, bulkRequestsPerWorker: 1, chunksInFlight: 2 });
    expect(processorConcurrency({ cores: 4, store: 'opensearch', opensearchUrl: 'http://10.1.2.3:9200', workers: 1 })).toEqual({ workers: 1, bulkRequestsPerWorker: 4, chunksInFlight: 5 });
    expect(processorConcurrency({ cores: 2, store: 'opensearch', opensearchUrl: 'http://127.0.0.1:19200', bulkRequestsPerWorker: 3, chunksInFlight: 4 })).toEqual({ workers: 1, bulkRequestsPerWorker: 3, chunksInFlight: 4 });
  });

  it('tells loopback URLs from others, and an unparsable one as not loopback', () => {
    expect(['http://localhost:9200', 'https://node.localhost', 'http://127.0.0.1', 'http://127.8.9.10:1', 'http://[::1]:9200'].map(isLoopbackUrl)).toEqual([true, true, true, true, true]);
    expect(['http://10.0.0.1:9200', 'https://search.example.com', 'http://localhost.example.com', 'http://128.0.0.1', 'not a url'].map(isLoopbackUrl)).toEqual([false, false, false, false, false]);
  });
});
