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
    { id: 'small', timestamp: '2026-11-23T10:00:00Z', document: { '@timestamp': '2026-11-23T10:00:00Z', message: 'hello from web-1' } },
    { id: 'large', timestamp: '2026-11-23T11:00:00Z', document: { '@timestamp': '2026-11-23T11:00:00Z', message: `huge ${'x'.repeat(70_000)}` } },
  ]);
  await writer.close();
  handle = await createHandler({ config });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the read handler on the embedded store', () => {
  it('parses the query and answers the search as JSON text', async () => {
    const json = (await handle({ op: 'search', q: 'hello', size: 10 })) as string;
    expect(JSON.parse(json)).toMatchObject({ total: 1, hits: [{ id: 'small', event: { message: 'hello from web-1' } }] });
  });

  it('counts', async () => {
    expect(await handle({ op: 'count', q: '', from: '2026-11-23T00:00:00Z' })).toBe(2);
  });

  it('answers a ping', async () => {
    expect(await handle({ op: 'ping' })).toBe(true);
  });

  it('throws the query error, with its position, for a query that does not parse', async () => {
    await expect(handle({ op: 'search', q: '"open', size: 10 })).rejects.toMatchObject({ code: 'SIEM_QUERY_SYNTAX', position: expect.any(Number) });
  });

  it('refuses a result over SIEM_API_MAX_RESULT_BYTES with 503, naming the cap', async () => {
    await expect(handle({ op: 'search', q: 'huge', size: 10 })).rejects.toMatchObject({ code: 'SIEM_API_RESULT_TOO_LARGE', statusCode: 503, message: expect.stringContaining('65536') });
  });
});
