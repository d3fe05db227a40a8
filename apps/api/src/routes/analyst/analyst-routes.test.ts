import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@siem/config';
import { EmbeddedStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { injectAs, testKeys } from '@siem/testing';
import { buildApi } from '../../build-api';
import { poolReader } from '../../event-reader';
import { createHandler } from '../../read-pool/read-handler';
import { JobError, type ReadPool } from '../../read-pool/read-pool';

// The real read handler on an embedded store, run in-process: a job's error reaches the
// routes as the pool hands it over from a worker (a JobError carrying code and status).
const keys = await testKeys();
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-analyst-routes-'));
const logger = createLogger('api-test', 'silent');
let app: ReturnType<typeof buildApi>;

const events = [
  { id: 'e1', timestamp: '2026-11-23T10:05:00.000Z', document: { message: 'Failed password for root', user: { name: 'root' }, source: { ip: '10.0.0.1', port: 5001 }, event: { outcome: 'failure' } } },
  { id: 'e2', timestamp: '2026-11-23T10:20:00.000Z', document: { message: 'Failed password for alice', user: { name: 'alice' }, source: { ip: '10.0.0.2', port: 5002 }, event: { outcome: 'failure' } } },
  { id: 'e3', timestamp: '2026-11-23T11:40:00.000Z', document: { message: 'Accepted password for alice', user: { name: 'alice' }, source: { ip: '10.0.0.2', port: 5003 }, event: { outcome: 'success' } } },
  { id: 'e4', timestamp: '2026-11-23T12:10:00.000Z', document: { message: 'Failed password for root', user: { name: 'root' }, source: { ip: '10.0.0.1', port: 5004 }, event: { outcome: 'failure' } } },
].map((event) => ({ ...event, document: { '@timestamp': event.timestamp, organization: { id: 'default' }, ...event.document } }));

beforeAll(async () => {
  const writer = new EmbeddedStore({ dataDir });
  await writer.bulkIndex(events);
  await writer.close();
  const handle = await createHandler({ config: loadConfig({ SIEM_DATA_DIR: dataDir }) });
  const pool = {
    run: async (job: never) => {
      try {
        return await handle(job);
      } catch (error) {
        const failure = error as Error & { code: string; retryable?: boolean; details?: Record<string, unknown>; statusCode?: number };
        throw new JobError(failure.code, failure.message, failure.retryable === true, failure.details, failure.statusCode);
      }
    },
  } as unknown as ReadPool;
  app = buildApi({ reader: poolReader(pool), logger, metrics: new MetricsRegistry(), keys: keys.keys });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) => injectAs(app, keys.admin).inject({ method: 'POST', url, payload: payload as Record<string, unknown> });

describe('POST /api/v1/search', () => {
  it('pages with the next cursor until a page is not full, newest first', async () => {
    const first = await post('/api/v1/search', { q: 'password', size: 3 });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ total: 4, totalRelation: 'eq', hits: [{ id: 'e4' }, { id: 'e3' }, { id: 'e2' }], next: expect.any(String) });
    const second = (await post('/api/v1/search', { q: 'password', size: 3, searchAfter: first.json().next })).json();
    expect(second.hits.map((hit: { id: string }) => hit.id)).toEqual(['e1']);
    expect(second.next).toBeUndefined();
  });

  it('sorts oldest first, returns only the fields asked for, within the time range', async () => {
    const response = await post('/api/v1/search', { q: 'failed', sort: 'asc', fields: ['user.name', 'source.ip', 'no.such'], from: '2026-11-23T10:10:00Z' });
    expect(response.json().hits.map((hit: { event: unknown }) => hit.event)).toEqual([
      { user: { name: 'alice' }, source: { ip: '10.0.0.2' } },
      { user: { name: 'root' }, source: { ip: '10.0.0.1' } },
    ]);
  });

  it.each([
    ['a cursor it did not give out', { searchAfter: 'bogus' }, 'SIEM_API_BAD_REQUEST'],
    ['a query that does not parse', { q: 'user.name:(alice AND' }, 'SIEM_QUERY_SYNTAX'],
    ['an unknown property', { query: 'x' }, 'SIEM_API_BAD_REQUEST'],
    ['a size over 1000', { size: 1001 }, 'SIEM_API_BAD_REQUEST'],
    ['a field that is not a name', { fields: ['a b'] }, 'SIEM_API_BAD_REQUEST'],
    ['from after to', { from: '2026-11-24T00:00:00Z', to: '2026-11-23T00:00:00Z' }, 'SIEM_API_BAD_RANGE'],
  ])('answers 400 for %s', async (_case, body, code) => {
    const response = await post('/api/v1/search', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
  });
});

describe('GET /api/v1/events/{id}', () => {
  it('answers the event, or 404 with a code', async () => {
    const found = await injectAs(app, keys.admin).inject({ url: '/api/v1/events/e3' });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({ id: 'e3', index: 'siem-events-2026.11.23', event: events[2]!.document });
    const missing = await injectAs(app, keys.admin).inject({ url: '/api/v1/events/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('SIEM_API_EVENT_NOT_FOUND');
  });
});

describe('POST /api/v1/aggregate', () => {
  it('answers top source addresses of failed logins with a distinct-user count each', async () => {
    const response = await post('/api/v1/aggregate', {
      q: 'event.outcome:failure',
      aggs: { sources: { type: 'terms', field: 'source.ip', size: 5, aggs: { users: { type: 'cardinality', field: 'user.name' } } } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      total: 3,
      aggs: { sources: { buckets: [{ key: '10.0.0.1', count: 2, aggs: { users: { value: 1 } } }, { key: '10.0.0.2', count: 1, aggs: { users: { value: 1 } } }], other: 0 } },
    });
  });

  it('chooses an automatic interval from the time range and says which', async () => {
    const response = await post('/api/v1/aggregate', {
      from: '2026-11-23T10:00:00Z',
      to: '2026-11-23T13:00:00Z',
      aggs: { perInterval: { type: 'date_histogram', interval: 'auto' }, ports: { type: 'percentiles', field: 'source.port', percents: [50] } },
    });
    expect(response.json().interval).toEqual({ perInterval: '5m' });
    expect(response.json().aggs.perInterval.buckets).toHaveLength(26);
    expect(response.json().aggs.ports).toEqual({ values: { '50': 5002.5 } });
  });

  it.each([
    ['auto without from', { aggs: { h: { type: 'date_histogram', interval: 'auto' } } }],
    ['too many buckets', { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z', aggs: { h: { type: 'date_histogram', interval: '1s' } } }],
    ['an unknown time zone', { aggs: { h: { type: 'date_histogram', interval: '1h', timeZone: 'Nowhere/Else' } } }],
    ['buckets in buckets', { aggs: { t: { type: 'terms', field: 'user.name', aggs: { h: { type: 'date_histogram', interval: '1h' } } } } }],
    ['an unknown type', { aggs: { t: { type: 'geo', field: 'x' } } }],
    ['no aggregation', { aggs: {} }],
  ])('answers 400 for %s', async (_case, body) => {
    const response = await post('/api/v1/aggregate', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('SIEM_API_BAD_REQUEST');
  });
});

describe('POST /api/v1/export', () => {
  it('streams NDJSON of every matching event, oldest first when asked', async () => {
    const response = await post('/api/v1/export', { q: 'password', sort: 'asc' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = response.body.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.id)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(lines[0]).toEqual({ id: 'e1', ...events[0]!.document });
  });

  it('streams CSV with the default columns', async () => {
    const response = await post('/api/v1/export', { q: 'alice', format: 'csv' });
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.body.split('\r\n')).toEqual([
      '@timestamp,host.name,source.ip,user.name,event.action,event.outcome,message',
      '2026-11-23T11:40:00.000Z,,10.0.0.2,alice,,success,Accepted password for alice',
      '2026-11-23T10:20:00.000Z,,10.0.0.2,alice,,failure,Failed password for alice',
      '',
    ]);
  });

  it('answers 400 before streaming for a query that does not parse', async () => {
    const response = await post('/api/v1/export', { q: '"open' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('SIEM_QUERY_SYNTAX');
  });
});

describe('POST /api/v1/export as CSV', () => {
  it('answers 400, not a header, for a query that does not parse', async () => {
    const response = await post('/api/v1/export', { q: 'a:(b', format: 'csv' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('SIEM_QUERY_SYNTAX');
  });

  it('writes the header alone when nothing matches', async () => {
    const response = await post('/api/v1/export', { q: 'nothing-matches-this', format: 'csv', fields: ['user.name'] });
    expect(response.body).toBe('user.name\r\n');
  });
});

describe('GET /api/v1/fields', () => {
  it("lists the fields of the caller's events in the whole hours of the range, with types, counts, hours and most common values", async () => {
    const response = await injectAs(app, keys.admin).inject({ url: '/api/v1/fields?from=2026-11-23T11:30:00Z&to=2026-11-23T12:15:00Z' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect([body.events, body.sampled]).toEqual([2, 2]);
    expect(body.fields).toContainEqual({ name: 'source.ip', type: 'ip', count: 2, firstSeen: '2026-11-23T11:00:00.000Z', lastSeen: '2026-11-23T12:00:00.000Z', values: ['10.0.0.1', '10.0.0.2'] });
    expect(body.fields).toContainEqual({ name: 'source.port', type: 'number', count: 2, firstSeen: '2026-11-23T11:00:00.000Z', lastSeen: '2026-11-23T12:00:00.000Z', values: [5003, 5004] });
    expect(body.fields).toContainEqual(expect.objectContaining({ name: 'message', type: 'text', count: 2, values: [] }));
  });

  it('lists as many values per field as asked, and still takes the sample parameter of earlier versions', async () => {
    const body = (await injectAs(app, keys.admin).inject({ url: '/api/v1/fields?values=1&sample=100' })).json();
    expect(body.events).toBe(4);
    expect(body.fields.find((field: { name: string }) => field.name === 'event.outcome')).toMatchObject({ count: 4, values: ['failure'] });
  });

  it('refuses more values than it keeps, naming the parameter', async () => {
    const response = await injectAs(app, keys.admin).inject({ url: '/api/v1/fields?values=11' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('values');
  });
});
