import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { injectAs, testKeys } from '@siem/testing';
import { buildApi } from './build-api';
import { poolReader, type EventReader } from './event-reader';
import { ReadPool } from './read-pool/read-pool';

// Real read workers running a test handler that answers like the store, or misbehaves on
// request (`q=spin` never ends, `q=hoard` allocates without bound): read-pool.test-handler.ts.
const logger = createLogger('api-test', 'silent');
const pool = new ReadPool({
  handlerModule: new URL('./read-pool/read-pool.test-handler.ts', import.meta.url),
  handlerData: { label: 'siem-events-2026.11.23' },
  workers: 2,
  budgetMs: 3000,
  memoryMb: 64,
  logger,
});
const metrics = new MetricsRegistry();
const keys = await testKeys();
const app = buildApi({ reader: poolReader(pool), logger, metrics, keys: keys.keys });
const admin = injectAs(app, keys.admin);
beforeAll(async () => {
  await pool.ready();
  await app.ready();
}, 60_000);
afterAll(async () => {
  await app.close();
  await pool.close();
  await keys.close();
});

function expectErrorShape(body: unknown, code: string): void {
  expect(body).toMatchObject({ error: { code, message: expect.stringMatching(/.{10}/) } });
  expect(Object.keys((body as { error: object }).error).every((key) => ['code', 'message', 'details'].includes(key))).toBe(true);
  expect(JSON.stringify(body)).not.toMatch(/\bat \S+:\d+|stack/);
}

describe('GET /api/v1/search', () => {
  it('passes the query string, range and size to a read worker and answers its result', async () => {
    const response = await admin.inject({ url: '/api/v1/search?q=host.name:web-1%20failed&from=2026-11-01T00:00:00Z&size=5' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      total: 1,
      hits: [{ id: 'a', index: 'siem-events-2026.11.23', event: { job: { op: 'search', q: 'host.name:web-1 failed', from: '2026-11-01T00:00:00Z', size: 5, tenant: 'default' } } }],
    });
  });

  it('defaults to 50 hits of everything', async () => {
    const response = await admin.inject({ url: '/api/v1/search' });
    expect(response.json().hits[0].event.job).toEqual({ op: 'search', q: '', size: 50, tenant: 'default' });
  });

  it.each([
    ['size=0', 'size=0', 'SIEM_API_BAD_REQUEST'],
    ['size=abc', 'size=abc', 'SIEM_API_BAD_REQUEST'],
    ['size=100000', 'size=100000', 'SIEM_API_BAD_REQUEST'],
    ['from=yesterday', 'from=yesterday', 'SIEM_API_BAD_REQUEST'],
    ['unknown=1', 'unknown=1', 'SIEM_API_BAD_REQUEST'],
    ['a query over 4096 characters', `q=${'a'.repeat(4097)}`, 'SIEM_API_BAD_REQUEST'],
    ['from after to', 'from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'SIEM_API_BAD_RANGE'],
  ])('answers 400 with a code for %s', async (_case, query, code) => {
    const response = await admin.inject({ url: `/api/v1/search?${query}` });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), code);
  });

  it("answers 400 with the query error's position in details", async () => {
    const response = await admin.inject({ url: '/api/v1/search?q=bad' });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'SIEM_QUERY_SYNTAX');
    expect(response.json().error.details).toEqual({ position: 3 });
  });

  it('answers 503 with the store error code but not its internals when the store is down', async () => {
    const response = await admin.inject({ url: '/api/v1/search?q=store-down' });
    expect(response.statusCode).toBe(503);
    expectErrorShape(response.json(), 'SIEM_STORE_SEARCH_FAILED');
    expect(response.body).not.toContain('/secret/path');
  });

  it('answers 503 when the result is over the size cap', async () => {
    const response = await admin.inject({ url: '/api/v1/search?q=too-big' });
    expect(response.statusCode).toBe(503);
    expectErrorShape(response.json(), 'SIEM_API_RESULT_TOO_LARGE');
  });

  it('counts matching events on /count', async () => {
    const response = await admin.inject({ url: '/api/v1/count?q=failed' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ count: 42 });
  });

  it('answers 404 with a hint for an unknown route', async () => {
    const response = await admin.inject({ url: '/api/v2/nothing' });
    expect(response.statusCode).toBe(404);
    expectErrorShape(response.json(), 'SIEM_API_NOT_FOUND');
  });
});

describe('health and readiness', () => {
  it('answers /healthz, /health and /readyz', async () => {
    expect((await admin.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await admin.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await admin.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('answers /readyz 503 when the store does not answer', async () => {
    const downReader: EventReader = {
      search: () => Promise.reject(new Error('unused')),
      count: () => Promise.reject(new Error('unused')),
      page: () => Promise.reject(new Error('unused')),
      exportPage: () => Promise.reject(new Error('unused')),
      getEvent: () => Promise.reject(new Error('unused')),
      aggregate: () => Promise.reject(new Error('unused')),
      fields: () => Promise.reject(new Error('unused')),
      ping: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'SIEM_STORE_SEARCH_FAILED' })),
    };
    const down = buildApi({ reader: downReader, logger, metrics: new MetricsRegistry(), keys: keys.keys });
    const response = await injectAs(down, keys.admin).inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expectErrorShape(response.json(), 'SIEM_API_NOT_READY');
    expect((await injectAs(down, keys.admin).inject({ url: '/healthz' })).statusCode).toBe(200);
    await down.close();
  });
});

describe('budgets', () => {
  it('answers 504 to a search that never ends, and /healthz meanwhile', async () => {
    const began = performance.now();
    const spinning = admin.inject({ url: '/api/v1/search?q=spin' });
    let healthAnswered = 0;
    for (let i = 0; i < 5; i++) {
      const health = await admin.inject({ url: '/healthz' });
      expect(health.statusCode).toBe(200);
      healthAnswered = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const response = await spinning;
    expect(response.statusCode).toBe(504);
    expectErrorShape(response.json(), 'SIEM_API_TIMEOUT');
    // Five health checks were answered while the search still had budget left.
    expect(healthAnswered - began).toBeLessThan(2900);
    expect(performance.now() - began).toBeGreaterThanOrEqual(2900);
  }, 30_000);

  it('answers 503 to a search that needs more memory than a read worker has', async () => {
    // A budget long enough for the heap to fill first: V8 collects hard before it gives up.
    const roomy = new ReadPool({ handlerModule: pool.options.handlerModule, handlerData: {}, workers: 1, budgetMs: 30_000, memoryMb: 64, logger });
    const roomyMetrics = new MetricsRegistry();
    const api = buildApi({ reader: poolReader(roomy), logger, metrics: roomyMetrics, keys: keys.keys });
    try {
      const response = await injectAs(api, keys.admin).inject({ url: '/api/v1/search?q=hoard' });
      expect(response.statusCode).toBe(503);
      expectErrorShape(response.json(), 'SIEM_API_MEMORY_EXCEEDED');
      expect((await injectAs(api, keys.admin).inject({ url: '/healthz' })).statusCode).toBe(200);
      expect(roomyMetrics.render()).toMatch(/^siem_api_budget_rejections_total\{reason="memory"\} 1$/m);
    } finally {
      await api.close();
      await roomy.close();
    }
  }, 60_000);

  it('counts requests by route and status, durations, budget rejections and event-loop lag on /metrics', async () => {
    const response = await admin.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toMatch(/^siem_api_requests_total\{method="GET",route="\/api\/v1\/search",status="504"\} 1$/m);
    expect(text).toMatch(/^siem_api_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
    expect(text).toMatch(/^siem_api_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).toMatch(/^siem_api_request_duration_seconds_count\{route="\/api\/v1\/search"\} \d+$/m);
    expect(text).toMatch(/^siem_api_budget_rejections_total\{reason="time"\} 1$/m);
    expect(text).toMatch(/^siem_api_budget_rejections_total\{reason="result_size"\} 1$/m);
    expect(text).toMatch(/^siem_api_event_loop_lag_seconds\{stat="p99"\} [\d.e-]+$/m);
  });
});
