import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys, EmbeddedKeyStore, JwtVerifier } from '@siem/auth';
import { EmbeddedAuditStore, EmbeddedDetectionStore, EmbeddedSavedSearchStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys, waitFor } from '@siem/testing';
import type { FastifyInstance } from 'fastify';
import { buildApi } from './build-api';
import type { EventReader } from './event-reader';

const logger = createLogger('api-test', 'silent');
const reader: EventReader = {
  search: async () => '{"total":0,"hits":[]}',
  count: async () => 0,
  page: async () => '{"total":0,"totalRelation":"eq","hits":[]}',
  exportPage: async () => ({ text: '', rows: 0 }),
  getEvent: async () => null,
  aggregate: async () => ({ total: 0, aggs: {} }) as never,
  fields: async () => '{"sampled":0,"fields":[]}',
  ping: async () => undefined,
};
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-auth-test-'));
const keys = await testKeys();
const detection = new EmbeddedDetectionStore({ dataDir: scratch });
const savedSearches = new EmbeddedSavedSearchStore({ dataDir: scratch });
const audit = new EmbeddedAuditStore({ dataDir: scratch });
// Every optional dependency present, so every route group registers.
const app = buildApi({ reader, logger, metrics: new MetricsRegistry(), detection, savedSearches, keys: keys.keys, security: { audit } });
const declared: { method: string; url: string; permission: string | undefined }[] = [];
// Added before the plugins load, so it sees every route they register.
app.addHook('onRoute', (route) => {
  for (const method of [route.method].flat()) declared.push({ method, url: route.url, permission: route.config?.permission });
});

beforeAll(async () => {
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await detection.close();
  await savedSearches.close();
  await audit.close();
  await keys.close();
  rmSync(scratch, { recursive: true, force: true });
});

const search = (headers: Record<string, string> = {}) => app.inject({ url: '/api/v1/search?q=x', headers });

function expectRefusal(response: { statusCode: number; json(): unknown }, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.json()).toMatchObject({ error: { code, message: expect.stringMatching(/.{20}/) } });
}

describe('every route declares a permission', () => {
  it('walks every route of a fully wired API: none without a permission, public only health, readiness and the API docs', () => {
    expect(declared.length).toBeGreaterThan(30);
    expect(declared.filter((route) => route.permission === undefined)).toEqual([]);
    for (const url of ['/api/v1/search', '/api/v1/keys', '/api/v1/rules', '/api/v1/alerts', '/api/v1/saved-searches', '/api/v1/audit', '/metrics']) {
      expect(declared.map((route) => route.url)).toContain(url);
    }
    const publicUrls = new Set(declared.filter((route) => route.permission === 'public').map((route) => route.url));
    expect([...publicUrls].filter((url) => !['/healthz', '/health', '/readyz'].includes(url) && !url.startsWith('/api/docs'))).toEqual([]);
  });

  it('refuses to register a route that declares none', async () => {
    const other = buildApi({ reader, logger, metrics: new MetricsRegistry(), keys: keys.keys });
    expect(() => other.get('/api/v1/forgotten', async () => 'open')).toThrow(/GET \/api\/v1\/forgotten declares no permission/);
    await other.close();
  });
});

describe('credentials', () => {
  it('answers health, readiness and the API docs without a credential', async () => {
    for (const url of ['/healthz', '/readyz', '/api/docs/json']) expect((await app.inject({ url })).statusCode).toBe(200);
  });

  it('refuses a request without a credential with 401 SIEM_AUTH_REQUIRED, unknown routes included', async () => {
    const response = await search();
    expectRefusal(response, 401, 'SIEM_AUTH_REQUIRED');
    expect(response.headers['www-authenticate']).toBe('ApiKey, Bearer');
    expectRefusal(await app.inject({ url: '/api/v1/nothing' }), 401, 'SIEM_AUTH_REQUIRED');
    expect((await app.inject({ url: '/api/v1/nothing', headers: keys.admin })).statusCode).toBe(404);
  });

  it('accepts a key as Authorization: ApiKey, as Bearer and as X-API-Key', async () => {
    const key = keys.admin.authorization!.slice('ApiKey '.length);
    expect((await search({ authorization: `ApiKey ${key}` })).statusCode).toBe(200);
    expect((await search({ authorization: `Bearer ${key}` })).statusCode).toBe(200);
    expect((await search({ 'x-api-key': key })).statusCode).toBe(200);
  });

  it('answers an unknown key id and a wrong secret alike with 401 SIEM_AUTH_INVALID', async () => {
    const key = keys.admin.authorization!.slice('ApiKey '.length);
    const [, id, secret] = key.split(/^siem_([0-9a-f]{16})_/);
    const unknownId = await search({ authorization: `ApiKey siem_${'0'.repeat(16)}_${secret}` });
    const wrongSecret = await search({ authorization: `ApiKey siem_${id}_${secret!.slice(1)}A` });
    expectRefusal(unknownId, 401, 'SIEM_AUTH_INVALID');
    expectRefusal(wrongSecret, 401, 'SIEM_AUTH_INVALID');
    expect(unknownId.json()).toEqual(wrongSecret.json());
    expectRefusal(await search({ authorization: 'Basic dXNlcjpwYXNz' }), 401, 'SIEM_AUTH_INVALID');
    expectRefusal(await search({ authorization: 'ApiKey' }), 401, 'SIEM_AUTH_INVALID');
    // A bearer token is not a key, and no JWKS is configured here.
    expectRefusal(await search({ authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' }), 401, 'SIEM_AUTH_INVALID');
  });

  it('refuses a role without the route\'s permission with 403 SIEM_AUTH_FORBIDDEN', async () => {
    const ingest = await keys.headersFor('ingest');
    const viewer = await keys.headersFor('viewer');
    expectRefusal(await search(ingest), 403, 'SIEM_AUTH_FORBIDDEN');
    expect((await search(viewer)).statusCode).toBe(200);
    const forbidden = await app.inject({ method: 'POST', url: '/api/v1/keys', headers: viewer, payload: { name: 'x', role: 'admin' } });
    expectRefusal(forbidden, 403, 'SIEM_AUTH_FORBIDDEN');
    expect(forbidden.json().error.details).toEqual({ permission: 'keys:manage', role: 'viewer' });
    expectRefusal(await app.inject({ method: 'DELETE', url: '/api/v1/rules/r1', headers: viewer }), 403, 'SIEM_AUTH_FORBIDDEN');
  });

  it('serves /metrics to an admin only, or to anyone with SIEM_API_METRICS_PUBLIC', async () => {
    expectRefusal(await app.inject({ url: '/metrics' }), 401, 'SIEM_AUTH_REQUIRED');
    expectRefusal(await app.inject({ url: '/metrics', headers: await keys.headersFor('analyst') }), 403, 'SIEM_AUTH_FORBIDDEN');
    expect((await app.inject({ url: '/metrics', headers: keys.admin })).statusCode).toBe(200);
    const open = buildApi({ reader, logger, metrics: new MetricsRegistry(), keys: keys.keys, metricsPublic: true });
    expect((await open.inject({ url: '/metrics' })).statusCode).toBe(200);
    await open.close();
  });
});

describe('/api/v1/keys', () => {
  it('creates a key shown once, lists keys without secrets, and refuses a revoked key', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/keys', headers: keys.admin, payload: { name: 'soc analyst', role: 'analyst' } });
    expect(created.statusCode).toBe(201);
    const { key, record } = created.json();
    expect(record).toMatchObject({ name: 'soc analyst', role: 'analyst', tenant: 'default', revoked: false });
    expect((await search({ authorization: `ApiKey ${key}` })).statusCode).toBe(200);

    const listed = await app.inject({ url: '/api/v1/keys', headers: keys.admin });
    expect(listed.json().keys.map((k: { id: string }) => k.id)).toContain(record.id);
    expect(listed.body).not.toContain(key.slice('siem_'.length + 17));
    expect(listed.body).not.toMatch(/"(hash|salt)"/);

    expect((await app.inject({ method: 'DELETE', url: `/api/v1/keys/${record.id}`, headers: keys.admin })).statusCode).toBe(204);
    expectRefusal(await search({ authorization: `ApiKey ${key}` }), 401, 'SIEM_AUTH_INVALID');
    expectRefusal(await app.inject({ method: 'DELETE', url: '/api/v1/keys/ffffffffffffffff', headers: keys.admin }), 404, 'SIEM_AUTH_KEY_NOT_FOUND');
  });

  it('refuses an expired key, and a key created already expired', async () => {
    const past = await app.inject({ method: 'POST', url: '/api/v1/keys', headers: keys.admin, payload: { name: 'old', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' } });
    expectRefusal(past, 400, 'SIEM_AUTH_BAD_KEY_REQUEST');
    const soon = new Date(Date.now() + 300).toISOString();
    const { key } = (await app.inject({ method: 'POST', url: '/api/v1/keys', headers: keys.admin, payload: { name: 'brief', role: 'viewer', expiresAt: soon } })).json();
    await waitFor('the key to expire', async () => (await search({ authorization: `ApiKey ${key}` })).statusCode === 401, 5000);
    expect((await search({ authorization: `ApiKey ${key}` })).json().error.code).toBe('SIEM_AUTH_INVALID');
  });

  it('refuses a key request with an unknown role or field', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/v1/keys', headers: keys.admin, payload: { name: 'x', role: 'root' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/v1/keys', headers: keys.admin, payload: { name: 'x', role: 'viewer', secret: 'mine' } })).statusCode).toBe(400);
  });

  it('lets an admin of tenant default create keys in any tenant, and any other admin only in its own', async () => {
    const acmeAdminKey = (await app.inject({ method: 'POST', url: '/api/v1/keys', headers: keys.admin, payload: { name: 'acme admin', role: 'admin', tenant: 'acme' } })).json();
    expect(acmeAdminKey.record.tenant).toBe('acme');
    const acme = { authorization: `ApiKey ${acmeAdminKey.key}` };
    const own = await app.inject({ method: 'POST', url: '/api/v1/keys', headers: acme, payload: { name: 'acme reader', role: 'viewer' } });
    expect(own.statusCode).toBe(201);
    expect(own.json().record.tenant).toBe('acme');
    expectRefusal(await app.inject({ method: 'POST', url: '/api/v1/keys', headers: acme, payload: { name: 'x', role: 'admin', tenant: 'default' } }), 403, 'SIEM_AUTH_FORBIDDEN');

    const acmeList = (await app.inject({ url: '/api/v1/keys', headers: acme })).json().keys as { tenant: string }[];
    expect(new Set(acmeList.map((k) => k.tenant))).toEqual(new Set(['acme']));
    const allTenants = (await app.inject({ url: '/api/v1/keys', headers: keys.admin })).json().keys as { tenant: string }[];
    expect(new Set(allTenants.map((k) => k.tenant))).toEqual(new Set(['default', 'acme']));

    const defaultKeyId = allTenants.find((k) => k.tenant === 'default')! as unknown as { id: string };
    expectRefusal(await app.inject({ method: 'DELETE', url: `/api/v1/keys/${defaultKeyId.id}`, headers: acme }), 404, 'SIEM_AUTH_KEY_NOT_FOUND');
  });
});

describe('two API processes sharing one key store', () => {
  let first: FastifyInstance;
  let second: FastifyInstance;
  const dataDir = path.join(scratch, 'shared');
  const stores = [new EmbeddedKeyStore({ dataDir }), new EmbeddedKeyStore({ dataDir })];
  beforeAll(async () => {
    first = buildApi({ reader, logger, metrics: new MetricsRegistry(), keys: new ApiKeys(stores[0]!) });
    second = buildApi({ reader, logger, metrics: new MetricsRegistry(), keys: new ApiKeys(stores[1]!) });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    for (const store of stores) await store.close();
  });

  it('a key revoked through one is refused by the other within a second', async () => {
    const admin = { authorization: `ApiKey ${(await new ApiKeys(stores[0]!).create({ name: 'admin', role: 'admin', tenant: 'default' })).key}` };
    const { key, record } = (await first.inject({ method: 'POST', url: '/api/v1/keys', headers: admin, payload: { name: 'shared', role: 'viewer' } })).json();
    const asKey = { authorization: `ApiKey ${key}` };
    expect((await second.inject({ url: '/api/v1/search?q=x', headers: asKey })).statusCode).toBe(200);
    const revokedAt = Date.now();
    expect((await first.inject({ method: 'DELETE', url: `/api/v1/keys/${record.id}`, headers: admin })).statusCode).toBe(204);
    expect((await first.inject({ url: '/api/v1/search?q=x', headers: asKey })).statusCode).toBe(401);
    await waitFor('the other API to refuse the revoked key', async () => (await second.inject({ url: '/api/v1/search?q=x', headers: asKey })).statusCode === 401, 5000);
    expect(Date.now() - revokedAt).toBeLessThan(1500);
  });
});

describe('bearer tokens (JWT)', () => {
  const issuer = 'https://idp.example.test/';
  const audience = 'siem-api';
  let signingKey: CryptoKey;
  let jwtApi: FastifyInstance;
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    const jwksFile = path.join(scratch, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
    const jwt = new JwtVerifier({ jwks: jwksFile, issuer, audience, roleClaim: 'siem.role', tenantClaim: 'org' });
    jwtApi = buildApi({ reader, logger, metrics: new MetricsRegistry(), keys: keys.keys, jwt });
  });
  afterAll(async () => {
    await jwtApi.close();
  });

  const token = (claims: Record<string, unknown>, options: { issuer?: string; expires?: string | number; key?: CryptoKey } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('alice@example.test')
      .setIssuer(options.issuer ?? issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(options.expires ?? '5m')
      .sign(options.key ?? signingKey);
  const call = async (url: string, bearer: string, method: 'GET' | 'POST' = 'GET') =>
    jwtApi.inject({ method, url, headers: { authorization: `Bearer ${bearer}` }, ...(method === 'POST' ? { payload: { name: 'x', role: 'viewer' } } : {}) });

  it('accepts a token signed by a JWKS key, with its role and tenant from the configured claims', async () => {
    expect((await call('/api/v1/search?q=x', await token({ siem: { role: 'analyst' }, org: 'acme' }))).statusCode).toBe(200);
    expectRefusal(await call('/api/v1/keys', await token({ siem: { role: 'analyst' }, org: 'acme' }), 'POST'), 403, 'SIEM_AUTH_FORBIDDEN');
    const adminToken = await token({ siem: { role: 'admin' }, org: 'acme' });
    const created = await call('/api/v1/keys', adminToken, 'POST');
    expect(created.statusCode).toBe(201);
    expect(created.json().record.tenant).toBe('acme');
  });

  it('refuses a token with a wrong issuer, an unknown signer, no role, an unknown role, or past its expiry', async () => {
    const stranger = (await generateKeyPair('RS256')).privateKey;
    for (const bad of [
      await token({ siem: { role: 'admin' } }, { issuer: 'https://evil.example.test/' }),
      await token({ siem: { role: 'admin' } }, { key: stranger }),
      await token({ org: 'acme' }),
      await token({ siem: { role: 'root' } }),
      await token({ siem: { role: 'admin' } }, { expires: Math.floor(Date.now() / 1000) - 120 }),
    ]) {
      expectRefusal(await call('/api/v1/search?q=x', bad), 401, 'SIEM_AUTH_INVALID');
    }
  });
});
