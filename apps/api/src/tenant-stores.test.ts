import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDetectionStore, EmbeddedSavedSearchStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys } from '@siem/testing';
import { buildApi } from './build-api';
import type { EventReader } from './event-reader';
import { tenantDetection } from './tenant-stores';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-tenant-stores-'));
const keys = await testKeys();
const detection = new EmbeddedDetectionStore({ dataDir: scratch });
const savedSearches = new EmbeddedSavedSearchStore({ dataDir: scratch });
const app = buildApi({ reader: {} as EventReader, logger: createLogger('test', 'silent'), metrics: new MetricsRegistry(), detection, savedSearches, keys: keys.keys });
const headers: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  await app.ready();
  headers.admin = keys.admin;
  headers.acmeAdmin = await keys.headersFor('admin', 'acme');
  headers.acmeDetection = await keys.headersFor('detection', 'acme');
  headers.globexViewer = await keys.headersFor('viewer', 'globex');
});
afterAll(async () => {
  await app.close();
  await detection.close();
  await savedSearches.close();
  await keys.close();
  rmSync(scratch, { recursive: true, force: true });
});

const rule = (id: string, title: string) =>
  JSON.stringify({ id, title, level: 'high', logsource: { product: 'linux', service: 'sshd' }, detection: { keywords: ['*Corrupted MAC on input*'], condition: 'keywords' } });
const post = (url: string, body: string, as: Record<string, string>) => app.inject({ method: 'POST', url, payload: body, headers: { ...as, 'content-type': 'application/json' } });

describe('rules per tenant through the API', () => {
  it('stores a rule in its creator\'s tenant; ?scope=global from an admin of default makes it every tenant\'s, readable by all, changed by no other tenant', async () => {
    const globalId = randomUUID();
    const acmeId = randomUUID();
    expect((await post('/api/v1/rules?scope=global', rule(globalId, 'shared rule'), headers.admin!)).statusCode).toBe(201);
    expect((await post('/api/v1/rules?scope=global', rule(acmeId, 'acme rule'), headers.acmeAdmin!)).statusCode).toBe(201);
    expect((await detection.getRule(globalId))?.rule.tenant).toBe('*');
    // An admin of another tenant asking for a global rule gets one of its own tenant.
    expect((await detection.getRule(acmeId))?.rule.tenant).toBe('acme');

    const listed = async (as: Record<string, string>) => (await app.inject({ url: '/api/v1/rules', headers: as })).json().rules.map((found: { id: string }) => found.id).sort();
    expect(await listed(headers.globexViewer!)).toEqual([globalId]);
    expect(await listed(headers.acmeDetection!)).toEqual([acmeId, globalId].sort());
    const shown = (await app.inject({ url: `/api/v1/rules/${globalId}`, headers: headers.globexViewer! })).json();
    expect(shown).not.toHaveProperty('tenant');

    expect((await app.inject({ method: 'DELETE', url: `/api/v1/rules/${globalId}`, headers: headers.acmeDetection! })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PUT', url: `/api/v1/rules/${globalId}`, payload: rule(globalId, 'taken over'), headers: { ...headers.acmeDetection!, 'content-type': 'application/json' } })).statusCode).toBe(409);
    expect((await post(`/api/v1/rules/${globalId}/disable`, '{}', headers.admin!)).statusCode).toBe(200);
    expect((await detection.getRule(globalId))?.rule).toMatchObject({ tenant: '*', enabled: false });

    // Another tenant cannot create a rule under an id that is taken, nor see whose it is.
    const clash = await post('/api/v1/rules', rule(acmeId, 'globex copy'), headers.admin!);
    expect([clash.statusCode, clash.json().error.code]).toEqual([409, 'SIEM_API_RULE_EXISTS']);
  });

  it('refuses a tenant store used outside a request instead of reading every tenant', async () => {
    await expect(tenantDetection(detection).listRules()).rejects.toThrow(/outside a request/);
  });
});
