import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpenSearchAuditStore, auditStreamName, type AuditRecord } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { scratchNames, testKeys, type TestKeys } from '@siem/testing';
import { buildApi } from '../build-api';
import type { EventReader } from '../event-reader';

// The audit trail of a cluster deployment: the API writes it to a real OpenSearch data stream and reads it back through GET /api/v1/audit.
const indexPrefix = `${scratchNames().indexPrefix}events-`;
const stream = auditStreamName(indexPrefix);
const reader: EventReader = {
  search: async () => JSON.stringify({ total: 0, hits: [] }),
  count: async () => 0,
  page: async () => JSON.stringify({ total: 0, totalRelation: 'eq', hits: [] }),
  exportPage: async () => ({ text: '', rows: 0 }),
  getEvent: async () => null,
  aggregate: async () => ({ aggregations: {} }) as never,
  fields: async () => JSON.stringify({ sampled: 0, fields: [] }),
  ping: async () => undefined,
};
let audit: OpenSearchAuditStore;
let keys: TestKeys;
let app: ReturnType<typeof buildApi>;

beforeAll(async () => {
  audit = new OpenSearchAuditStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0, templatePriority: 200 });
  await audit.ensureReady();
  keys = await testKeys();
  app = buildApi({ reader, logger: createLogger('audit-int', 'silent'), metrics: new MetricsRegistry(), keys: keys.keys, security: { audit, auditFlushMs: 50 } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await audit?.close();
  await keys?.close();
  await fetch(`${inject('opensearchUrl')}/_data_stream/${stream}`, { method: 'DELETE' });
  await fetch(`${inject('opensearchUrl')}/_index_template/${stream}`, { method: 'DELETE' });
});

describe('audit trail on OpenSearch', () => {
  it('records API calls of each tenant and serves each tenant only its own', async () => {
    const acme = await keys.headersFor('analyst', 'acme');
    const globex = await keys.headersFor('analyst', 'globex');
    expect((await app.inject({ method: 'POST', url: '/api/v1/search', headers: acme, payload: { q: 'user.name:alice' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/search', headers: globex, payload: { q: 'user.name:bob' } })).statusCode).toBe(200);
    const searches = async (headers: Record<string, string>) => {
      for (let i = 0; ; i++) {
        const found = (await app.inject({ url: '/api/v1/audit?route=/api/v1/search', headers })).json().records as AuditRecord[];
        if (found.length > 0 || i >= 100) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const records = await searches(acme);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ tenant: 'acme', method: 'POST', route: '/api/v1/search', status: 200, body: { q: 'user.name:alice' }, principal: { role: 'analyst' } });
    const globexRecords = await searches(globex);
    expect(globexRecords.map((r) => r.body)).toEqual([expect.objectContaining({ q: 'user.name:bob' })]);
  });
});
