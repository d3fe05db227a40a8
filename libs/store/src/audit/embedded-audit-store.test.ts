import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAuditConformance } from './audit-conformance';
import { EmbeddedAuditStore } from './embedded-audit-store';

const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-audit-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describeAuditConformance('EmbeddedAuditStore', async () => new EmbeddedAuditStore({ dataDir }));

describe('EmbeddedAuditStore – append-only table', () => {
  it('refuses a direct UPDATE or DELETE on the audit table and skips an INSERT OR REPLACE, keeping the record', async () => {
    const store = new EmbeddedAuditStore({ dataDir });
    await store.append([
      { id: 'direct-1', '@timestamp': '2026-12-04T09:00:00.000Z', tenant: 'tamper', method: 'GET', route: '/api/v1/alerts', status: 200, sourceAddress: '127.0.0.1', durationMs: 1 },
    ]);
    const db = new Database(store.file);
    try {
      expect(() => db.prepare("UPDATE audit SET status = 200, doc = '{}' WHERE id = 'direct-1'").run()).toThrow(/append-only/);
      expect(() => db.prepare("DELETE FROM audit WHERE id = 'direct-1'").run()).toThrow(/append-only/);
      db.prepare("INSERT OR REPLACE INTO audit (id, time_ms, tenant, method, route, status, doc) VALUES ('direct-1', 0, 'tamper', 'GET', '/', 500, '{}')").run();
    } finally {
      db.close();
    }
    expect((await store.search({ tenant: 'tamper', size: 10 })).records).toMatchObject([{ id: 'direct-1', status: 200, route: '/api/v1/alerts' }]);
    await store.close();
  });
});
