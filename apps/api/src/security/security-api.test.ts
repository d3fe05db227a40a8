import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedAuditStore, type AuditRecord } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys, type TestKeys } from '@siem/testing';
import { buildApi } from '../build-api';
import type { EventReader } from '../event-reader';

// The security plugins inside the real API, behind the real auth hook and API keys.
const page = JSON.stringify({ total: 0, totalRelation: 'eq', hits: [] });
const reader: EventReader = {
  search: async () => JSON.stringify({ total: 0, hits: [] }),
  count: async () => 0,
  page: async () => page,
  // An export that never ends: one line per page, always a next page.
  exportPage: async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { text: '{"id":"e"}\n', rows: 1, next: 'more' };
  },
  getEvent: async () => null,
  aggregate: async () => ({ aggregations: {} }) as never,
  fields: async () => JSON.stringify({ sampled: 0, fields: [] }),
  ping: async () => undefined,
};
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-security-api-'));
const audit = new EmbeddedAuditStore({ dataDir });
const metrics = new MetricsRegistry();
let keys: TestKeys;
let app: ReturnType<typeof buildApi>;

beforeAll(async () => {
  keys = await testKeys();
  app = buildApi({
    reader,
    logger: createLogger('security-api-test', 'silent'),
    metrics,
    keys: keys.keys,
    security: { audit, auditFlushMs: 10, maxBodyBytes: 64 * 1024, exportMaxSeconds: 0.1, authFailuresPerMinute: 20 },
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await audit.close();
  await keys.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('API security', () => {
  it('refuses 10,000 wrong keys from one address (401, then 429 with Retry-After) while a valid key from elsewhere gets 200', async () => {
    const statuses: Record<number, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const wrong = `siem_${i.toString(16).padStart(16, '0')}_${'x'.repeat(43)}`;
      const response = await app.inject({ method: 'POST', url: '/api/v1/search', headers: { authorization: `ApiKey ${wrong}` }, payload: {}, remoteAddress: '203.0.113.50' });
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      if (response.statusCode === 429) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses).toEqual({ 401: 20, 429: 9_980 });
    const valid = await app.inject({ method: 'POST', url: '/api/v1/search', headers: keys.admin, payload: {}, remoteAddress: '198.51.100.20' });
    expect(valid.statusCode).toBe(200);
  }, 120_000);

  it('audits a forbidden call under the caller who made it, and lets an analyst read it through GET /api/v1/audit', async () => {
    const viewer = await keys.headersFor('viewer');
    expect((await app.inject({ method: 'POST', url: '/api/v1/saved-searches', headers: viewer, payload: { name: 'x', q: '' } })).statusCode).toBeGreaterThanOrEqual(403);
    expect((await app.inject({ url: '/api/v1/audit', headers: viewer })).statusCode).toBe(403);
    const analyst = await keys.headersFor('analyst');
    let records: AuditRecord[] = [];
    for (let i = 0; i < 200 && !records.some((r) => r.status === 403 && r.principal?.role === 'viewer' && r.route === '/api/v1/audit'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      records = (await app.inject({ url: '/api/v1/audit?status=403&size=100', headers: analyst })).json().records;
    }
    expect(records.find((r) => r.route === '/api/v1/audit')).toMatchObject({ method: 'GET', status: 403, tenant: 'default', principal: { kind: 'key', role: 'viewer' } });
    expect(JSON.stringify(records)).not.toContain('siem_');
  });

  it('answers 413 SIEM_API_BODY_TOO_LARGE for a body over SIEM_API_MAX_BODY_BYTES, and 400 for a query over 4096 characters', async () => {
    const large = await app.inject({ method: 'POST', url: '/api/v1/search', headers: keys.admin, payload: { q: 'x'.repeat(70 * 1024) } });
    expect(large.statusCode).toBe(413);
    expect(large.json().error.code).toBe('SIEM_API_BODY_TOO_LARGE');
    for (const url of ['/api/v1/search', '/api/v1/export', '/api/v1/aggregate']) {
      const long = await app.inject({ method: 'POST', url, headers: keys.admin, payload: { q: 'a'.repeat(4097), aggs: {} } });
      expect(long.statusCode).toBe(400);
      expect(long.json().error.code).toBe('SIEM_API_BAD_REQUEST');
    }
  });

  it('ends an export that runs past SIEM_API_EXPORT_MAX_SECONDS with a last error line', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/export', headers: keys.admin, payload: { q: '', format: 'ndjson' } });
    expect(response.statusCode).toBe(200);
    const lines = response.body.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(0, -1).every((line) => line === '{"id":"e"}')).toBe(true);
    expect(JSON.parse(lines.at(-1)!).error.code).toBe('SIEM_API_EXPORT_TOO_LONG');
  });

  it('sends the security headers on data and a CSP on the docs page that lets it load its own scripts', async () => {
    const data = await app.inject({ method: 'POST', url: '/api/v1/search', headers: keys.admin, payload: {} });
    expect(data.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    const docs = await app.inject({ url: '/api/docs/', headers: keys.admin });
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
    expect(docs.headers['x-frame-options']).toBe('DENY');
  });
});
