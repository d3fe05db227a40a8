import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, SearchRequest } from '@siem/store';
import { createLogger } from '@siem/telemetry';
import { buildApi } from './build-api';

/** Records what the route asked of the store; the store itself is tested against OpenSearch. */
class RecordingStore implements EventStore {
  readonly requests: SearchRequest[] = [];
  async ensureReady() {}
  async applyRetention() {
    return [];
  }
  async bulkIndex() {
    return { indexed: 0, rejected: [] };
  }
  async search(request: SearchRequest) {
    this.requests.push(request);
    return { total: 1, hits: [{ id: 'a', index: 'siem-events-2026.11.23', event: { '@timestamp': '2026-11-23T00:00:00.000Z', message: 'hi' } }] };
  }
  async count(request: Omit<SearchRequest, 'size'>) {
    this.requests.push({ ...request, size: 0 });
    return 12345;
  }
  async close() {}
}

const store = new RecordingStore();
const app = buildApi({ store, logger: createLogger('api-test', 'silent') });
beforeAll(() => app.ready());
afterAll(() => app.close());

describe('GET /api/v1/search', () => {
  it('parses the query and passes range and size to the store', async () => {
    const response = await app.inject({ url: '/api/v1/search?q=host.name:web-1%20failed&from=2026-11-01T00:00:00Z&size=5' });
    expect(response.statusCode).toBe(200);
    expect(response.json().hits[0].event.message).toBe('hi');
    expect(store.requests.at(-1)).toEqual({
      query: { root: { kind: 'and', children: [{ kind: 'term', field: 'host.name', value: 'web-1', phrase: false }, { kind: 'term', field: undefined, value: 'failed', phrase: false }] } },
      from: '2026-11-01T00:00:00Z',
      to: undefined,
      size: 5,
    });
  });

  it('defaults to 50 hits of everything', async () => {
    const response = await app.inject({ url: '/api/v1/search' });
    expect(response.statusCode).toBe(200);
    expect(store.requests.at(-1)?.size).toBe(50);
  });

  it.each([
    ['size=0', 'SIEM_API_BAD_REQUEST'],
    ['size=abc', 'SIEM_API_BAD_REQUEST'],
    ['size=100000', 'SIEM_API_BAD_REQUEST'],
    ['from=yesterday', 'SIEM_API_BAD_REQUEST'],
    ['unknown=1', 'SIEM_API_BAD_REQUEST'],
    ['q=%22unclosed', 'SIEM_QUERY_SYNTAX'],
    ['q=%7Bscript%7D:1', 'SIEM_QUERY_BAD_FIELD'],
    ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'SIEM_API_BAD_RANGE'],
  ])('answers 400 with a code for %s', async (query, code) => {
    const before = store.requests.length;
    const response = await app.inject({ url: `/api/v1/search?${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(response.json().error.message.length).toBeGreaterThan(10);
    expect(store.requests.length).toBe(before);
  });

  it('counts matching events exactly on /count', async () => {
    const response = await app.inject({ url: '/api/v1/count?q=failed' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ count: 12345 });
    expect(store.requests.at(-1)?.query.root).toEqual({ kind: 'term', field: undefined, value: 'failed', phrase: false });
  });

  it('answers 400 to a bad query on /count', async () => {
    expect((await app.inject({ url: '/api/v1/count?q=%22open' })).statusCode).toBe(400);
  });

  it('answers 404 with a hint for an unknown route', async () => {
    const response = await app.inject({ url: '/api/v2/nothing' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('SIEM_API_NOT_FOUND');
  });
});
