import { describe, expect, it } from 'vitest';
import type { RawRecord } from '@siem/schema';
import { testKeys } from '@siem/testing';
import { splitKeyTenant } from './api-keys';
import { buildHttpInput, type HttpInputOptions } from './http-server';
import { certificateTenant } from './syslog-tls';
import { inputTenants, parseTenantPairs, stampInputTenant } from './tenants';
import { recordingContext } from './test-context';

const ACME_KEY = 'acme-key-0123456789';
const PLAIN_KEY = 'plain-key-0123456789';
const options = (extra: Partial<HttpInputOptions> = {}): HttpInputOptions => ({ host: '127.0.0.1', port: 0, maxBodyBytes: 64 * 1024, requestTimeoutMs: 60_000, apiKeys: [], authFailuresPerMinute: 20, ...extra });
const record = (input: string, tenant?: string): RawRecord => ({ payload: Buffer.from('x'), receivedAt: '2026-12-04T10:00:00.000Z', input, ...(tenant && { tenant }) });

describe('tenant settings', () => {
  it('reads name=tenant pairs and refuses a bad tenant, a missing name or a name given twice with SIEM_COLLECTOR_TENANTS_INVALID', () => {
    expect([...parseTenantPairs(['syslog_udp=acme', 'CN=x=globex'], 'V', 'input')]).toEqual([
      ['syslog_udp', 'acme'],
      ['CN=x', 'globex'],
    ]);
    for (const entries of [['syslog_udp=bad tenant'], ['=acme'], ['syslog_udp'], ['a=x', 'a=y'], ['a=*'], ['a=-lead']]) {
      expect(() => parseTenantPairs(entries, 'SIEM_INPUT_TENANTS', 'input'), JSON.stringify(entries)).toThrow(expect.objectContaining({ code: 'SIEM_COLLECTOR_TENANTS_INVALID' }));
    }
  });

  it('gives each input its tenant, * the rest, default without *; nothing configured stamps nothing', () => {
    const tenantOf = inputTenants(['syslog_udp=acme', 'mqtt=plant'])!;
    expect(['syslog_udp', 'mqtt', 'file'].map(tenantOf)).toEqual(['acme', 'plant', 'default']);
    expect(inputTenants(['*=ops', 'file=acme'])!('syslog_tcp')).toBe('ops');
    expect(inputTenants([])).toBeUndefined();
  });

  it('stamps the input tenant only on records no key or certificate gave one', () => {
    const stamped = stampInputTenant([record('syslog_udp'), record('http_ndjson', 'globex')], () => 'acme');
    expect(stamped.map((r) => r.tenant)).toEqual(['acme', 'globex']);
  });

  it('splits key=tenant at the last = when a tenant follows, and keeps a base64 key ending in = whole', () => {
    expect(splitKeyTenant(`${ACME_KEY}=acme`)).toEqual({ key: ACME_KEY, tenant: 'acme' });
    expect(splitKeyTenant('c29tZS1rZXktdGV4dA==')).toEqual({ key: 'c29tZS1rZXktdGV4dA==' });
    expect(splitKeyTenant(PLAIN_KEY)).toEqual({ key: PLAIN_KEY });
  });
});

describe('HTTP ingest tenant', () => {
  const forged = '{"organization":{"id":"victim"},"message":"forged"}';

  it('sends what a key=tenant key posts (NDJSON and _bulk) into its tenant, whatever organization.id the events carry', async () => {
    const context = recordingContext();
    const app = buildHttpInput(options({ apiKeys: [`${ACME_KEY}=acme`, PLAIN_KEY] }), context);
    const ndjson = await app.inject({ method: 'POST', url: '/ingest', payload: forged, headers: { 'x-api-key': ACME_KEY } });
    const bulk = await app.inject({ method: 'POST', url: '/_bulk', payload: `{"index":{"_index":"logs"}}\n${forged}\n`, headers: { authorization: `ApiKey ${ACME_KEY}`, 'content-type': 'application/x-ndjson' } });
    const plain = await app.inject({ method: 'POST', url: '/ingest', payload: forged, headers: { 'x-api-key': PLAIN_KEY } });
    expect([ndjson.statusCode, bulk.statusCode, plain.statusCode]).toEqual([200, 200, 200]);
    expect(context.records.map((r) => [r.input, r.tenant])).toEqual([
      ['http_ndjson', 'acme'],
      ['http_bulk', 'acme'],
      ['http_ndjson', undefined],
    ]);
    // The payload travels untouched: the processor replaces organization.id after parsing.
    expect(context.records[0]!.payload.toString()).toBe(forged);
  });

  it('accepts a key-store key of role ingest with its tenant, and refuses other roles when keys are required', async () => {
    const verifyKey = async (key: string) => (key === 'store-ingest-key' ? { role: 'ingest', tenant: 'globex' } : key === 'store-viewer-key' ? { role: 'viewer', tenant: 'globex' } : undefined);
    const context = recordingContext();
    const app = buildHttpInput(options({ apiKeys: [PLAIN_KEY], verifyKey }), context);
    const ingest = await app.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}', headers: { 'x-api-key': 'store-ingest-key' } });
    const viewer = await app.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}', headers: { 'x-api-key': 'store-viewer-key' } });
    expect([ingest.statusCode, viewer.statusCode]).toEqual([200, 401]);
    expect(context.records.map((r) => r.tenant)).toEqual(['globex']);
  });

  it('without configured keys stays open, and still applies the tenant of a presented key-store ingest key', async () => {
    const verifyKey = async (key: string) => (key === 'store-ingest-key' ? { role: 'ingest', tenant: 'globex' } : undefined);
    const context = recordingContext();
    const app = buildHttpInput(options({ verifyKey }), context);
    await app.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}', headers: { 'x-api-key': 'store-ingest-key' } });
    await app.inject({ method: 'POST', url: '/ingest', payload: '{"a":2}' });
    expect(context.records.map((r) => r.tenant)).toEqual(['globex', undefined]);
  });
});

describe('HTTP ingest with the API key store', () => {
  it('sends what a key created through the API with role ingest posts into its tenant, and refuses an admin key', async () => {
    const keys = await testKeys();
    try {
      const ingest = (await keys.keys.create({ name: 'acme shipper', role: 'ingest', tenant: 'acme' })).key;
      const admin = (await keys.keys.create({ name: 'acme admin', role: 'admin', tenant: 'acme' })).key;
      const context = recordingContext();
      const app = buildHttpInput(options({ apiKeys: [PLAIN_KEY], verifyKey: (key) => keys.keys.verify(key) }), context);
      const accepted = await app.inject({ method: 'POST', url: '/_bulk', payload: '{"index":{"_index":"logs"}}\n{"organization":{"id":"globex"}}\n', headers: { authorization: `ApiKey ${ingest}`, 'content-type': 'application/x-ndjson' } });
      const refused = await app.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}', headers: { authorization: `ApiKey ${admin}` } });
      expect([accepted.statusCode, refused.statusCode]).toEqual([200, 401]);
      expect(context.records.map((r) => r.tenant)).toEqual(['acme']);
    } finally {
      await keys.close();
    }
  });
});

describe('syslog TLS certificate tenant', () => {
  const socket = (authorized: boolean, CN: string | string[] | undefined) => ({ authorized, getPeerCertificate: () => ({ subject: { CN } }) }) as never;

  it('maps a verified certificate subject CN to its tenant; unverified, unlisted or CN-less certificates get none', () => {
    const tenants = new Map([['fw-01.acme.example', 'acme']]);
    expect(certificateTenant(socket(true, 'fw-01.acme.example'), tenants)).toBe('acme');
    expect(certificateTenant(socket(true, ['fw-01.acme.example', 'other']), tenants)).toBe('acme');
    expect(certificateTenant(socket(false, 'fw-01.acme.example'), tenants)).toBeUndefined();
    expect(certificateTenant(socket(true, 'fw-02.acme.example'), tenants)).toBeUndefined();
    expect(certificateTenant(socket(true, undefined), tenants)).toBeUndefined();
  });
});
