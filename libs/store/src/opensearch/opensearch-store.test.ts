import { createServer, type Server } from 'node:http';
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
