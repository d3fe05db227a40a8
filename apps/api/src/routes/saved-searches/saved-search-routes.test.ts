import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedSavedSearchStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { injectAs, testKeys } from '@siem/testing';
import { buildApi } from '../../build-api';
import type { EventReader } from '../../event-reader';

const keys = await testKeys();
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-saved-search-routes-'));
const savedSearches = new EmbeddedSavedSearchStore({ dataDir });
const unused = () => Promise.reject(new Error('unused'));
const reader: EventReader = { search: unused, count: unused, page: unused, exportPage: unused, getEvent: unused, aggregate: unused, fields: unused, ping: unused };
const app = buildApi({ reader, logger: createLogger('api-test', 'silent'), metrics: new MetricsRegistry(), savedSearches, keys: keys.keys });

beforeAll(() => app.ready());
afterAll(async () => {
  await app.close();
  await savedSearches.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('/api/v1/saved-searches', () => {
  it('creates, lists, reads, replaces and deletes', async () => {
    const created = await injectAs(app, keys.admin).inject({ method: 'POST', url: '/api/v1/saved-searches', payload: { name: 'failed logins', q: 'event.outcome:failure', from: 'now-24h' } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect(created.json()).toMatchObject({ id: expect.any(String), name: 'failed logins', q: 'event.outcome:failure', from: 'now-24h' });
    expect((await injectAs(app, keys.admin).inject({ url: '/api/v1/saved-searches' })).json().savedSearches.map((saved: { id: string }) => saved.id)).toEqual([id]);
    expect((await injectAs(app, keys.admin).inject({ url: `/api/v1/saved-searches/${id}` })).json().name).toBe('failed logins');
    const replaced = await injectAs(app, keys.admin).inject({ method: 'PUT', url: `/api/v1/saved-searches/${id}`, payload: { name: 'failed logins 7d', q: 'event.outcome:failure', from: 'now-7d' } });
    expect(replaced.json()).toMatchObject({ id, name: 'failed logins 7d', createdAt: created.json().createdAt });
    expect((await injectAs(app, keys.admin).inject({ method: 'DELETE', url: `/api/v1/saved-searches/${id}` })).statusCode).toBe(204);
    const gone = await injectAs(app, keys.admin).inject({ url: `/api/v1/saved-searches/${id}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('SIEM_API_SAVED_SEARCH_NOT_FOUND');
  });

  it('refuses a query that does not parse, naming where', async () => {
    const response = await injectAs(app, keys.admin).inject({ method: 'POST', url: '/api/v1/saved-searches', payload: { name: 'broken', q: 'user.name:(alice AND' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'SIEM_API_BAD_REQUEST', details: { queryCode: expect.stringMatching(/^SIEM_QUERY_/), position: expect.any(Number) } });
  });

  it.each([
    ['PUT', '/api/v1/saved-searches/absent', { name: 'x', q: '' }],
    ['DELETE', '/api/v1/saved-searches/absent', undefined],
  ])('answers 404 to %s of an unknown id', async (method, url, payload) => {
    const response = await injectAs(app, keys.admin).inject({ method: method as 'PUT' | 'DELETE', url, payload });
    expect(response.statusCode).toBe(404);
  });

  it('refuses a body without a name or with unknown properties', async () => {
    expect((await injectAs(app, keys.admin).inject({ method: 'POST', url: '/api/v1/saved-searches', payload: { q: 'x' } })).statusCode).toBe(400);
    expect((await injectAs(app, keys.admin).inject({ method: 'POST', url: '/api/v1/saved-searches', payload: { name: 'x', q: 'x', owner: 'me' } })).statusCode).toBe(400);
  });
});
