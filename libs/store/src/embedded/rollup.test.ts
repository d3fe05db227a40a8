import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseQuery } from '@siem/query';
import type { Aggregation } from '../aggregations/types';
import type { IndexableEvent } from '../types';
import { EmbeddedStore } from './embedded-store';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

async function openStore(): Promise<{ store: EmbeddedStore; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-rollup-'));
  directories.push(dataDir);
  const store = new EmbeddedStore({ dataDir });
  await store.ensureReady();
  return { store, dataDir };
}

const at = (day: number, hour: number, minute = 0, ms = 0) => new Date(Date.UTC(2026, 4, day, hour, minute, 0, ms)).toISOString();

function event(id: string, timestamp: string, document: Record<string, unknown>): IndexableEvent {
  return { id, timestamp, document: { '@timestamp': timestamp, ...document } };
}

/** Events the rollups must count as the scan does: lists, booleans, numbers beside numeric strings, missing fields, long keywords, tenants of every shape. */
function events(): IndexableEvent[] {
  const out: IndexableEvent[] = [];
  for (let i = 0; i < 240; i++) {
    const timestamp = at(10 + Math.floor(i / 100), (i * 7) % 24, (i * 13) % 60, i % 1000);
    out.push(
      event(`e${i}`, timestamp, {
        organization: { id: i % 5 === 0 ? 'beta' : 'alpha' },
        source: { ip: i % 9 === 0 ? undefined : `10.0.0.${i % 7}` },
        destination: { ip: i % 11 === 0 ? ['192.0.2.1', '192.0.2.2', '192.0.2.1'] : '192.0.2.3' },
        host: { name: i % 4 === 0 ? 10 : i % 4 === 1 ? '10' : i % 4 === 2 ? true : 'x'.repeat(i % 8 === 3 ? 3000 : 3) },
        ...(i % 6 === 0 ? {} : { event: { outcome: i % 2 === 0 ? 'success' : 'failure' } }),
      }),
    );
  }
  // Without a tenant, and on the hour's edges.
  out.push(event('edge-1', at(10, 6, 0, 0), { source: { ip: '10.0.0.1' } }), event('edge-2', at(10, 5, 59, 999), { source: { ip: '10.0.0.2' } }));
  return out;
}

const AGGS: Record<string, Record<string, Aggregation>> = {
  terms: { ip: { type: 'terms', field: 'source.ip', size: 3, missing: true }, dst: { type: 'terms', field: 'destination.ip', order: 'key_desc' } },
  keys: { host: { type: 'terms', field: 'host.name', size: 20, missing: true, order: 'count_asc' }, outcome: { type: 'terms', field: 'event.outcome', missing: true } },
  histogram: { h: { type: 'date_histogram', interval: '1h' }, d: { type: 'date_histogram', interval: '1d', timeZone: 'Europe/Paris' }, ip: { type: 'terms', field: 'source.ip' } },
};

const RANGES = [
  { from: at(10, 0), to: at(12, 0) },
  { from: at(10, 5, 59, 999), to: at(11, 6, 0, 0) },
  { from: at(10, 3, 17), to: at(10, 22, 41, 5) },
];

/** The same question as a query the rollups cannot answer (a negated absent field matches every event), so the events are read. */
function scanned(query: string): string {
  return query === '' ? 'NOT absent.field:x' : `${query} AND NOT absent.field:x`;
}

describe('EmbeddedStore – hourly rollups', () => {
  it('answers terms and histograms over whole hours exactly as reading every event does, with and without a tenant', async () => {
    const { store } = await openStore();
    await store.bulkIndex(events());
    for (const query of ['', 'organization.id:alpha', 'organization.id:beta', 'organization.id:nobody'])
      for (const aggs of Object.values(AGGS))
        for (const range of RANGES) {
          const rolled = await store.aggregate({ query: parseQuery(query), aggs, ...range });
          const read = await store.aggregate({ query: parseQuery(scanned(query)), aggs, ...range });
          expect(rolled, `${query} ${JSON.stringify(aggs)} ${range.from}`).toEqual(read);
        }
    await store.close();
  });

  it('takes a redelivered event out of the counts of its old values and hour', async () => {
    const { store } = await openStore();
    await store.bulkIndex([event('r1', at(10, 1), { source: { ip: '10.0.0.1' } }), event('r2', at(10, 1), { source: { ip: '10.0.0.1' } })]);
    await store.bulkIndex([event('r1', at(10, 3), { source: { ip: '10.0.0.9' } })]);
    const aggs: Record<string, Aggregation> = { ip: { type: 'terms', field: 'source.ip' }, h: { type: 'date_histogram', interval: '1h' } };
    const result = await store.aggregate({ query: parseQuery(''), from: at(10, 0), to: at(11, 0), aggs });
    expect(result).toEqual(await store.aggregate({ query: parseQuery(scanned('')), from: at(10, 0), to: at(11, 0), aggs }));
    expect(result.aggs.ip).toEqual({ buckets: [{ key: '10.0.0.1', count: 1 }, { key: '10.0.0.9', count: 1 }], other: 0 });
    expect((result.aggs.h as { buckets: { count: number }[] }).buckets.map((bucket) => bucket.count)).toEqual([1, 0, 1]);
    await store.close();
  });

  it('reads the rollup tables for whole hours (a count changed there shows), and the events for a half-hour time zone', async () => {
    const { store, dataDir } = await openStore();
    await store.bulkIndex([event('a', at(10, 1, 10), { source: { ip: '10.0.0.1' } }), event('b', at(10, 2, 50), { source: { ip: '10.0.0.1' } })]);
    const file = path.join(dataDir, 'store', 'siem-events-2026.05.10.sqlite');
    const db = new Database(file);
    db.prepare("UPDATE rollup_terms SET events = events + 1000 WHERE field = 'source.ip'").run();
    db.close();
    const terms = await store.aggregate({ query: parseQuery(''), from: at(10, 0), to: at(11, 0), aggs: { ip: { type: 'terms', field: 'source.ip' } } });
    expect(terms.aggs.ip).toEqual({ buckets: [{ key: '10.0.0.1', count: 2002 }], other: 0 });
    // Asia/Kolkata is UTC+05:30: a day's bucket starts at half past an hour, so the events are read.
    const kolkata = await store.aggregate({ query: parseQuery(''), from: at(10, 0), to: at(11, 0), aggs: { d: { type: 'date_histogram', interval: '1d', timeZone: 'Asia/Kolkata' } } });
    expect(kolkata.aggs.d).toEqual({ buckets: [{ key: '2026-05-09T18:30:00.000Z', count: 2 }] });
    await store.close();
  });

  it('leaves a tenant whose organization.id is a list to the scan', async () => {
    const { store } = await openStore();
    await store.bulkIndex([event('l', at(10, 1), { organization: { id: ['alpha', 'beta'] }, source: { ip: '10.0.0.1' } }), event('s', at(10, 1), { organization: { id: 'alpha' }, source: { ip: '10.0.0.2' } })]);
    const aggs: Record<string, Aggregation> = { ip: { type: 'terms', field: 'source.ip' } };
    const result = await store.aggregate({ query: parseQuery('organization.id:alpha'), from: at(10, 0), to: at(11, 0), aggs });
    expect(result).toEqual(await store.aggregate({ query: parseQuery(scanned('organization.id:alpha')), from: at(10, 0), to: at(11, 0), aggs }));
    expect(result.total).toBe(2);
    await store.close();
  });
});
