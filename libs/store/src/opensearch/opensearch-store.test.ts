import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@siem/query';
import { OpenSearchStore } from './opensearch-store';

// An HTTP server that takes requests and never answers: an overloaded cluster, as seen from the store.
let silent: Server;
let url: string;
const requests: string[] = [];
beforeAll(async () => {
  silent = createServer((request) => requests.push(`${request.method} ${request.url}`));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
});

describe('OpenSearchStore searches with searchTimeoutMs', () => {
  it.each(['search', 'count'] as const)('%s gives up at the timeout with a retryable store error, without a retry', async (operation) => {
    const store = new OpenSearchStore({ url, indexPrefix: 'siem-events-', replicas: 0, searchTimeoutMs: 300 });
    const before = requests.length;
    const began = performance.now();
    const request = { query: parseQuery('failed'), size: 10 };
    const result = operation === 'search' ? store.search(request) : store.count(request);
    await expect(result).rejects.toMatchObject({ code: 'SIEM_STORE_SEARCH_FAILED', retryable: true });
    expect(performance.now() - began).toBeGreaterThanOrEqual(250);
    expect(performance.now() - began).toBeLessThan(5000);
    expect(requests.length - before).toBe(1);
    await store.close();
  });
});

describe('OpenSearchStore bulk indexing when OpenSearch refuses some items with 429', () => {
  it('sends again only the refused items, until each is indexed', async () => {
    // A _bulk endpoint that answers 429 to every third item the first time it sees it, as a cluster whose write queue is full does.
    const seen = new Set<string>();
    const bodies: string[][] = [];
    const bulk = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        const actions = text
          .split('\n')
          .filter((line) => line.startsWith('{"index"'))
          .map((line) => (JSON.parse(line) as { index: { _id: string } }).index._id);
        bodies.push(actions);
        const items = actions.map((id, position) => {
          const first = !seen.has(id);
          seen.add(id);
          return first && position % 3 === 0 ? { index: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of bulk' } } } : { index: { status: 201 } };
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ items }));
      });
    });
    await new Promise<void>((resolve) => bulk.listen(0, '127.0.0.1', resolve));
    try {
      const store = new OpenSearchStore({ url: `http://127.0.0.1:${(bulk.address() as AddressInfo).port}`, indexPrefix: 'siem-events-', replicas: 0 });
      const events = Array.from({ length: 9 }, (_, i) => ({ id: `event-${i}`, timestamp: '2026-12-05T07:00:00.000Z', document: { message: `line ${i}` } }));
      const result = await store.bulkIndex(events);
      expect(result).toEqual({ indexed: 9, rejected: [] });
      // The first request carries all nine; the second only the three refused (positions 0, 3 and 6), which are indexed then.
      expect(bodies).toEqual([events.map((event) => event.id), ['event-0', 'event-3', 'event-6']]);
      await store.close();
    } finally {
      bulk.closeAllConnections();
      await new Promise((resolve) => bulk.close(resolve));
    }
  });
});
