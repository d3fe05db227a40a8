import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@siem/config';
import { EmbeddedStore } from '@siem/store';
import { createHandler } from './read-handler';

// The handler runs here in-process; read-pool.test.ts covers running handlers in workers.
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-read-handler-'));
const config = loadConfig({ SIEM_DATA_DIR: dataDir, SIEM_API_MAX_RESULT_BYTES: '65536' });
let handle: Awaited<ReturnType<typeof createHandler>>;

beforeAll(async () => {
  const writer = new EmbeddedStore({ dataDir });
  await writer.bulkIndex([
    { id: 'small', timestamp: '2026-11-23T10:00:00Z', document: { '@timestamp': '2026-11-23T10:00:00Z', message: 'hello from web-1', organization: { id: 'default' } } },
    { id: 'acme-1', timestamp: '2026-11-23T10:30:00Z', document: { '@timestamp': '2026-11-23T10:30:00Z', message: 'hello from acme', user: { name: 'wile' }, organization: { id: 'acme' } } },
    { id: 'large', timestamp: '2026-11-23T11:00:00Z', document: { '@timestamp': '2026-11-23T11:00:00Z', message: `huge ${'x'.repeat(70_000)}`, organization: { id: 'default' } } },
  ]);
  await writer.close();
  handle = await createHandler({ config });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the read handler on the embedded store', () => {
  it('parses the query and answers the search as JSON text', async () => {
    const json = (await handle({ op: 'search', q: 'hello', size: 10, tenant: 'default' })) as string;
    expect(JSON.parse(json)).toMatchObject({ total: 1, hits: [{ id: 'small', event: { message: 'hello from web-1' } }] });
  });

  it('counts', async () => {
    expect(await handle({ op: 'count', q: '', from: '2026-11-23T00:00:00Z', tenant: 'default' })).toBe(2);
  });

  it('confines every read to the job\'s tenant: search, count, page, aggregate, fields, and an event by id of another tenant is none', async () => {
    const search = async (tenant: string) => JSON.parse((await handle({ op: 'search', q: 'hello', size: 10, tenant })) as string).hits.map((hit: { id: string }) => hit.id);
    expect([await search('default'), await search('acme'), await search('globex')]).toEqual([['small'], ['acme-1'], []]);
    expect(await handle({ op: 'count', q: '', tenant: 'acme' })).toBe(1);
    const page = JSON.parse((await handle({ op: 'page', q: '', size: 10, tenant: 'globex' })) as string);
    expect(page.hits).toEqual([]);
    const aggregated = await handle({ op: 'aggregate', q: '', tenant: 'default', aggs: { users: { type: 'terms', field: 'user.name' } } });
    expect(aggregated).toMatchObject({ total: 2, aggs: { users: { buckets: [] } } });
    const fields = JSON.parse((await handle({ op: 'fields', tenant: 'default' })) as string);
    expect(fields.fields.map((field: { name: string }) => field.name)).not.toContain('user.name');
    expect(JSON.stringify(fields)).not.toContain('acme');
    expect(await handle({ op: 'get', id: 'acme-1', tenant: 'default' })).toBeNull();
    expect(JSON.parse((await handle({ op: 'get', id: 'acme-1', tenant: 'acme' })) as string)).toMatchObject({ id: 'acme-1' });
  });

  it('refuses a job that lost its tenant instead of reading every tenant', async () => {
    await expect(handle({ op: 'count', q: '' } as never)).rejects.toMatchObject({ code: 'SIEM_API_INTERNAL', statusCode: 500 });
  });

  it('answers a ping', async () => {
    expect(await handle({ op: 'ping' })).toBe(true);
  });

  it('throws the query error, with its position, for a query that does not parse', async () => {
    await expect(handle({ op: 'search', q: '"open', size: 10, tenant: 'default' })).rejects.toMatchObject({ code: 'SIEM_QUERY_SYNTAX', position: expect.any(Number) });
  });

  it('refuses a result over SIEM_API_MAX_RESULT_BYTES with 503, naming the cap', async () => {
    await expect(handle({ op: 'search', q: 'huge', size: 10, tenant: 'default' })).rejects.toMatchObject({ code: 'SIEM_API_RESULT_TOO_LARGE', statusCode: 503, message: expect.stringContaining('65536') });
  });
});
