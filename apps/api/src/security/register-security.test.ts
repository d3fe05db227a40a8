import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedAuditStore, StoreError, StoreErrorCodes, type AuditRecord, type AuditStore } from '@siem/store';
import { REDACTED } from './redact';
import { as, securityTestApp } from './test-app';

const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-security-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (done(value) || i >= 200) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('audit trail', () => {
  it('records each call that reads or changes data once, with who, tenant, route pattern, redacted parameters, status, address and duration', async () => {
    const audit = new EmbeddedAuditStore({ dataDir: path.join(dataDir, 'records') });
    const { app } = securityTestApp({ audit, auditFlushMs: 10 });
    await app.inject({ url: '/healthz' });
    await app.inject({ url: '/metrics', headers: as('k-admin', 'admin') });
    await app.inject({ url: '/api/v1/alerts/a-1?verbose=true&token=abc', headers: as('k-alice', 'viewer', 'acme'), remoteAddress: '198.51.100.7' });
    await app.inject({ method: 'POST', url: '/api/v1/rules', headers: as('k-bob', 'detection', 'acme'), payload: { title: 'x', actions: [{ type: 'webhook', secret: 'hmac-key' }] } });
    await app.inject({ method: 'POST', url: '/api/v1/rules', headers: as('k-eve', 'viewer', 'acme') });
    await app.inject({ url: '/api/v1/alerts/a-2', headers: { authorization: `ApiKey siem_0123456789abcdef_${'x'.repeat(43)}` }, remoteAddress: '203.0.113.9' });

    const page = await eventually(() => audit.search({ tenant: 'acme', size: 10 }), (p) => p.records.length >= 3);
    const byPrincipal = Object.fromEntries(page.records.map((r) => [r.principal?.id, r])) as Record<string, AuditRecord>;
    expect(page.records).toHaveLength(3);
    expect(byPrincipal['k-alice']).toMatchObject({
      tenant: 'acme',
      principal: { kind: 'key', id: 'k-alice', name: 'k-alice-name', role: 'viewer' },
      method: 'GET',
      route: '/api/v1/alerts/:id',
      params: { id: 'a-1' },
      query: { verbose: 'true', token: REDACTED },
      status: 200,
      sourceAddress: '198.51.100.7',
    });
    expect(byPrincipal['k-alice']!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.now() - Date.parse(byPrincipal['k-alice']!['@timestamp'])).toBeLessThan(60_000);
    expect(byPrincipal['k-bob']).toMatchObject({ route: '/api/v1/rules', status: 201, body: { title: 'x', actions: [{ type: 'webhook', secret: REDACTED }] } });
    expect(byPrincipal['k-eve']).toMatchObject({ status: 403 });
    // A failed authentication has no principal: it is the operator's (default tenant), and the key it tried is nowhere in the record.
    const failed = await eventually(() => audit.search({ tenant: 'default', size: 10 }), (p) => p.records.length >= 1);
    expect(failed.records).toHaveLength(1);
    expect(failed.records[0]).toMatchObject({ route: '/api/v1/alerts/:id', status: 401, sourceAddress: '203.0.113.9' });
    expect(failed.records[0]!.principal).toBeUndefined();
    expect(JSON.stringify([...page.records, ...failed.records])).not.toMatch(/siem_0123|hmac-key|abc"/);
    await app.close();
  });

  it('serves GET /api/v1/audit to audit:read only, filtered to the caller tenant, and no route that changes or deletes a record', async () => {
    const audit = new EmbeddedAuditStore({ dataDir: path.join(dataDir, 'route') });
    const { app } = securityTestApp({ audit, auditFlushMs: 10 });
    const routes: { method: string; url: string }[] = [];
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    await app.ready();
    await app.inject({ url: '/api/v1/alerts/a-9', headers: as('k-g', 'viewer', 'globex') });
    await app.inject({ url: '/api/v1/alerts/a-1', headers: as('k-a', 'viewer', 'acme') });
    await eventually(() => audit.search({ tenant: 'acme', size: 10 }), (p) => p.records.length >= 1);

    expect((await app.inject({ url: '/api/v1/audit', headers: as('k-a', 'viewer', 'acme') })).statusCode).toBe(403);
    const response = await app.inject({ url: '/api/v1/audit?route=/api/v1/alerts/:id&status=2xx&size=50', headers: as('k-an', 'analyst', 'acme') });
    expect(response.statusCode).toBe(200);
    expect(response.json().records.map((r: AuditRecord) => [r.tenant, r.params])).toEqual([['acme', { id: 'a-1' }]]);
    expect((await app.inject({ url: '/api/v1/audit?cursor=bogus', headers: as('k-an', 'analyst', 'acme') })).json().error.code).toBe('SIEM_API_BAD_REQUEST');
    expect((await app.inject({ url: '/api/v1/audit?status=600', headers: as('k-an', 'analyst', 'acme') })).statusCode).toBe(400);

    const auditRoutes = routes.filter((route) => route.url.includes('audit'));
    expect(auditRoutes.map((route) => route.method).sort()).toEqual(['GET', 'HEAD']);
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST'] as const) {
      expect((await app.inject({ method, url: '/api/v1/audit', headers: as('k-ad', 'admin', 'acme') })).statusCode).toBe(404);
    }
    await app.close();
  });

  it('refuses changes with 503 while the audit queue is full, keeps serving reads, counts dropped records, and writes everything once the store is back', async () => {
    let down = true;
    const inner = new EmbeddedAuditStore({ dataDir: path.join(dataDir, 'outage') });
    const flaky: AuditStore = {
      ensureReady: () => inner.ensureReady(),
      append: (records) => (down ? Promise.reject(new StoreError(StoreErrorCodes.unavailable, 'down', { retryable: true })) : inner.append(records)),
      search: (query) => inner.search(query),
      close: () => inner.close(),
    };
    const { app, metrics } = securityTestApp({ audit: flaky, auditQueueRecords: 100, auditFlushMs: 60_000 });
    for (let i = 0; i < 100; i++) expect((await app.inject({ url: `/api/v1/alerts/a-${i}`, headers: as('k-a', 'viewer', 'acme') })).statusCode).toBe(200);

    const refused = await app.inject({ method: 'POST', url: '/api/v1/rules', headers: as('k-d', 'detection', 'acme'), payload: {} });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('SIEM_API_AUDIT_UNAVAILABLE');
    expect((await app.inject({ method: 'POST', url: '/api/v1/search', headers: as('k-a', 'viewer', 'acme'), payload: {} })).statusCode).toBe(200);
    expect(metrics.render()).toMatch(/siem_api_audit_records_total\{outcome="dropped"\} 2\n/);
    expect(metrics.render()).toMatch(/siem_api_audit_queue_records 100\n/);

    down = false;
    await app.close();
    expect((await inner.search({ tenant: 'acme', size: 1000 })).records).toHaveLength(100);
  });
});

describe('limits', () => {
  it('refuses an address after its failed authentications, with 429 and Retry-After, before checking keys, while other callers go on', async () => {
    const { app, metrics } = securityTestApp({ authFailuresPerMinute: 20 });
    const statuses = new Map<number, number>();
    let retryAfter: string | undefined;
    for (let i = 0; i < 10_000; i++) {
      const response = await app.inject({ url: '/api/v1/alerts/a-1', headers: { 'x-test-principal': `wrong-${i}` }, remoteAddress: '203.0.113.66' });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode === 429) retryAfter ??= response.headers['retry-after'] as string;
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 20, 429: 9_980 });
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    const blocked = await app.inject({ url: '/api/v1/alerts/a-1', headers: as('k-ok', 'viewer'), remoteAddress: '203.0.113.66' });
    expect(blocked.json().error.code).toBe('SIEM_API_RATE_LIMITED');
    expect((await app.inject({ url: '/api/v1/alerts/a-1', headers: as('k-ok', 'viewer'), remoteAddress: '198.51.100.1' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz', remoteAddress: '203.0.113.66' })).statusCode).toBe(200);
    expect(metrics.render()).toContain('siem_api_auth_failures_blocked_total 9981\n');
    await app.close();
    }, 120_000);

  it('limits each key to its own requests per minute', async () => {
    const { app } = securityTestApp({ rateLimitPerMinute: 5 });
    for (let i = 0; i < 5; i++) expect((await app.inject({ url: '/api/v1/alerts/a-1', headers: as('k-busy', 'viewer') })).statusCode).toBe(200);
    const limited = await app.inject({ url: '/api/v1/alerts/a-1', headers: as('k-busy', 'viewer') });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'SIEM_API_RATE_LIMITED', details: { limitPerMinute: 5 } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await app.inject({ url: '/api/v1/alerts/a-1', headers: as('k-other', 'viewer') })).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });

  it('refuses a body over the limit with 413', async () => {
    const { app } = securityTestApp({ maxBodyBytes: 1024 });
    const response = await app.inject({ method: 'POST', url: '/api/v1/search', headers: as('k', 'viewer'), payload: { q: 'x'.repeat(2000) } });
    expect(response.statusCode).toBe(413);
    await app.close();
  });
});

describe('security headers', () => {
  it('are on every answer: data, refusals, unknown routes and probes', async () => {
    const { app } = securityTestApp();
    for (const response of [
      await app.inject({ url: '/api/v1/alerts/a-1', headers: as('k', 'viewer') }),
      await app.inject({ url: '/api/v1/alerts/a-1' }),
      await app.inject({ url: '/nowhere', headers: as('k', 'viewer') }),
      await app.inject({ url: '/healthz' }),
    ]) {
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
    await app.close();
  });
});
