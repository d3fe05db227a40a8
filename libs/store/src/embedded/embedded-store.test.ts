import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseQuery } from '@siem/query';
import { StoreError } from '../errors';
import { describeFieldCatalogConformance } from '../fields/fields-conformance';
import { describeRetentionConformance } from '../retention-conformance';
import { describeStoreConformance } from '../store-conformance';
import type { IndexableEvent } from '../types';
import { EmbeddedStore } from './embedded-store';

const temporaryDirectories: string[] = [];

function temporaryDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-embedded-store-'));
  temporaryDirectories.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of temporaryDirectories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

const conformanceDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-embedded-conformance-'));
afterAll(() => fs.rmSync(conformanceDirectory, { recursive: true, force: true }));
describeStoreConformance('EmbeddedStore', async () => new EmbeddedStore({ dataDir: conformanceDirectory, indexPrefix: 'conformance-' }));
describeFieldCatalogConformance('EmbeddedStore', async () => new EmbeddedStore({ dataDir: conformanceDirectory, indexPrefix: 'conformance-' }));
describeRetentionConformance('EmbeddedStore', async (retentionDays) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-embedded-retention-'));
  return { store: new EmbeddedStore({ dataDir, retentionDays }), prefix: 'siem-events-', cleanUp: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
});

function event(id: string, timestamp: string, document: Record<string, unknown> = {}): IndexableEvent {
  return { id, timestamp, document: { '@timestamp': timestamp, message: `event ${id}`, ...document } };
}

async function searchIds(store: EmbeddedStore, query: string, range: { from?: string; to?: string } = {}): Promise<string[]> {
  const result = await store.search({ query: parseQuery(query), size: 100, ...range });
  return result.hits.map((hit) => hit.id);
}

async function errorOf(action: () => Promise<unknown>): Promise<StoreError> {
  try {
    await action();
  } catch (error) {
    return error as StoreError;
  }
  throw new Error('no error was thrown');
}

describe('EmbeddedStore', () => {
  let dataDir: string;
  let store: EmbeddedStore;

  beforeEach(async () => {
    dataDir = temporaryDirectory();
    store = new EmbeddedStore({ dataDir, indexPrefix: 'siem-events-', retentionDays: 2 });
    await store.ensureReady();
  });

  afterEach(async () => {
    await store.close();
  });

  it('keeps each day in a file of its own, named like the OpenSearch index', async () => {
    await store.bulkIndex([event('a', '2026-01-01T10:00:00Z'), event('b', '2026-01-02T10:00:00Z'), event('c', '2026-01-02T11:00:00Z')]);
    expect(fs.readdirSync(path.join(dataDir, 'store')).filter((name) => name.endsWith('.sqlite')).sort()).toEqual([
      'siem-events-2026.01.01.sqlite',
      'siem-events-2026.01.02.sqlite',
    ]);
    const result = await store.search({ query: parseQuery(''), size: 10 });
    expect(result.hits.map((hit) => [hit.id, hit.index])).toEqual([
      ['c', 'siem-events-2026.01.02'],
      ['b', 'siem-events-2026.01.02'],
      ['a', 'siem-events-2026.01.01'],
    ]);
  });

  it('names a day after the date a timestamp is written in, and filters on its instant', async () => {
    await store.bulkIndex([event('late', '2026-01-10T23:30:00-05:00'), event('early', '2026-01-11T01:00:00Z')]);
    const result = await store.search({ query: parseQuery(''), size: 10 });
    expect(result.hits.map((hit) => [hit.id, hit.index])).toEqual([
      ['late', 'siem-events-2026.01.10'],
      ['early', 'siem-events-2026.01.11'],
    ]);
    expect(await searchIds(store, '', { from: '2026-01-11T04:00:00Z' })).toEqual(['late']);
    expect(await searchIds(store, '', { to: '1768096800000' })).toEqual(['early']);
  });

  it('opens only the days that the time range covers', async () => {
    await store.bulkIndex([event('old', '2026-01-01T10:00:00Z'), event('new', '2026-01-05T10:00:00Z')]);
    await store.close();
    fs.writeFileSync(path.join(dataDir, 'store', 'siem-events-2026.01.01.sqlite'), 'not a database');
    expect(await searchIds(store, '', { from: '2026-01-04T00:00:00Z' })).toEqual(['new']);
    const error = await errorOf(() => searchIds(store, ''));
    expect(error.code).toBe('SIEM_STORE_SEARCH_FAILED');
    expect(error.message).toContain('siem-events-2026.01.01.sqlite');
  });

  it('stores an event redelivered under its id once, in the index and in the text', async () => {
    await store.bulkIndex([event('x', '2026-01-03T10:00:00Z', { message: 'first version' }), event('y', '2026-01-03T10:00:01Z')]);
    const again = await store.bulkIndex([event('x', '2026-01-03T10:00:00Z', { message: 'second version' }), event('x', '2026-01-03T10:00:00Z', { message: 'third version' })]);
    expect(again).toEqual({ indexed: 2, rejected: [] });
    expect((await store.search({ query: parseQuery(''), size: 10 })).total).toBe(2);
    expect(await searchIds(store, 'first')).toEqual([]);
    expect(await searchIds(store, 'second')).toEqual([]);
    expect(await searchIds(store, 'third version')).toEqual(['x']);
  });

  it('rejects documents it can never store, with a reason, and indexes the rest', async () => {
    const circular: Record<string, unknown> = { message: 'loop' };
    circular.self = circular;
    const result = await store.bulkIndex([
      event('good', '2026-01-03T10:00:00Z'),
      { id: 'array', timestamp: '2026-01-03T10:00:00Z', document: [] as unknown as Record<string, unknown> },
      { id: 'circular', timestamp: '2026-01-03T10:00:00Z', document: circular },
      { id: 'bigint', timestamp: '2026-01-03T10:00:00Z', document: { n: 1n } },
      { id: 'late', timestamp: 'yesterday', document: {} },
      { id: '', timestamp: '2026-01-03T10:00:00Z', document: {} },
    ]);
    expect(result.indexed).toBe(1);
    expect(result.rejected.map((rejection) => [rejection.id, rejection.status])).toEqual([
      ['array', 400],
      ['circular', 400],
      ['bigint', 400],
      ['late', 400],
      ['', 400],
    ]);
    expect(result.rejected[1]?.reason).toMatch(/JSON/);
    expect(await searchIds(store, '')).toEqual(['good']);
  });

  it('matches a field given as a list by any of its values', async () => {
    await store.bulkIndex([
      event('list', '2026-01-03T10:00:00Z', { event: { category: ['authentication', 'network'] } }),
      event('single', '2026-01-03T10:00:01Z', { event: { category: ['network'] } }),
      event('scalar', '2026-01-04T10:00:00Z', { event: { category: 'network' } }),
    ]);
    expect(await searchIds(store, 'event.category:network')).toEqual(['scalar', 'single', 'list']);
    expect(await searchIds(store, 'event.category:authentication')).toEqual(['list']);
    expect(await searchIds(store, '-event.category:authentication')).toEqual(['scalar', 'single']);
  });

  it('finds the common fields through the FTS index and the others in the JSON, alike', async () => {
    await store.bulkIndex([
      event('a', '2026-01-03T10:00:00Z', { host: { name: 'Web-1' }, source: { ip: '10.0.0.1' }, log: { level: 'error' }, service: { name: 'Web-1' } }),
      event('b', '2026-01-03T10:00:01Z', { host: { name: 'web-1' }, service: { name: 'web-1' }, user: { name: 'x'.repeat(3000) } }),
    ]);
    expect(await searchIds(store, 'host.name:Web-1 source.ip:10.0.0.1 log.level:err*')).toEqual(['a']);
    for (const [common, other] of [['host.name:Web-1', 'service.name:Web-1'], ['host.name:w*', 'service.name:w*'], ['-host.name:W?b-1', '-service.name:W?b-1'], ['host.name:*', 'service.name:*']]) {
      expect(await searchIds(store, common!)).toEqual(await searchIds(store, other!));
    }
    expect(await searchIds(store, 'user.name:*')).toEqual([]);
  });

  it('replaces an event that has neither message nor common fields', async () => {
    await store.bulkIndex([{ id: 'bare', timestamp: '2026-01-03T10:00:00Z', document: { a: 1 } }]);
    await store.bulkIndex([{ id: 'bare', timestamp: '2026-01-03T10:00:00Z', document: { a: 2 } }]);
    const result = await store.search({ query: parseQuery('a:2'), size: 10 });
    expect(result.total).toBe(1);
    expect((await store.search({ query: parseQuery(''), size: 10 })).total).toBe(1);
  });

  it('caps the total at 10,000 like OpenSearch counts by default, and counts all of them on request', async () => {
    const events = Array.from({ length: 10_050 }, (_, i) => event(`e${i}`, new Date(Date.UTC(2026, 0, 3) + i).toISOString(), { message: 'bulk' }));
    await store.bulkIndex(events);
    const result = await store.search({ query: parseQuery('bulk'), size: 2 });
    expect(result.total).toBe(10_000);
    expect(result.hits.map((hit) => hit.id)).toEqual(['e10049', 'e10048']);
    expect(await store.count({ query: parseQuery('bulk') })).toBe(10_050);
    expect(await store.count({ query: parseQuery('bulk'), to: new Date(Date.UTC(2026, 0, 3) + 99).toISOString() })).toBe(100);
    expect(await store.count({ query: parseQuery('') })).toBe(10_050);
    expect(await store.count({ query: parseQuery(''), from: new Date(Date.UTC(2026, 0, 3) + 50).toISOString() })).toBe(10_000);
    expect((await store.search({ query: parseQuery(''), size: 0 })).total).toBe(10_000);
  });

  it('deletes the days past the retention and keeps today and the days before it', async () => {
    await store.bulkIndex([event('d1', '2026-01-01T10:00:00Z'), event('d2', '2026-01-02T10:00:00Z'), event('d3', '2026-01-03T10:00:00Z'), event('d4', '2026-01-04T10:00:00Z')]);
    expect(await store.applyRetention(new Date('2026-01-04T12:00:00Z'))).toEqual(['siem-events-2026.01.01']);
    expect(await searchIds(store, '')).toEqual(['d4', 'd3', 'd2']);
    expect(fs.readdirSync(path.join(dataDir, 'store')).filter((name) => name.includes('2026.01.01'))).toEqual([]);
  });

  it('shows writes of one instance to another on the same directory, as another process would see them', async () => {
    const reader = new EmbeddedStore({ dataDir, indexPrefix: 'siem-events-' });
    try {
      expect(await searchIds(reader, '')).toEqual([]);
      await store.bulkIndex([event('a', '2026-01-03T10:00:00Z')]);
      expect(await searchIds(reader, '')).toEqual(['a']);
      await store.bulkIndex([event('b', '2026-01-04T10:00:00Z')]);
      expect(await searchIds(reader, '')).toEqual(['b', 'a']);
      await reader.bulkIndex([event('c', '2026-01-04T11:00:00Z')]);
      expect(await searchIds(store, '')).toEqual(['c', 'b', 'a']);
      await store.applyRetention(new Date('2026-01-06T12:00:00Z'));
      expect(await searchIds(reader, '')).toEqual(['c', 'b']);
    } finally {
      await reader.close();
    }
  });

  it('fails a write as retryable while another process holds the lock', async () => {
    await store.bulkIndex([event('a', '2026-01-03T10:00:00Z')]);
    const impatient = new EmbeddedStore({ dataDir, indexPrefix: 'siem-events-', busyTimeoutMs: 50 });
    const other = new Database(path.join(dataDir, 'store', 'siem-events-2026.01.03.sqlite'));
    try {
      other.exec('BEGIN IMMEDIATE');
      const error = await errorOf(() => impatient.bulkIndex([event('b', '2026-01-03T10:00:01Z')]));
      expect(error).toBeInstanceOf(StoreError);
      expect(error.code).toBe('SIEM_STORE_UNAVAILABLE');
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/locked/);
      other.exec('ROLLBACK');
      expect(await impatient.bulkIndex([event('b', '2026-01-03T10:00:01Z')])).toEqual({ indexed: 1, rejected: [] });
    } finally {
      other.close();
      await impatient.close();
    }
  });

  it('counts the time a write waited for the lock another process held', async () => {
    await store.bulkIndex([event('a', '2026-01-03T10:00:00Z')]);
    expect(store.writeLockWaitMs()).toBeLessThan(1_000);
    const before = store.writeLockWaitMs();
    const holdMs = 400;
    const holder = spawn(
      process.execPath,
      ['-e', `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setTimeout(() => db.exec('ROLLBACK'), ${holdMs});`, path.join(dataDir, 'store', 'siem-events-2026.01.03.sqlite')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const locked = performance.now();
    expect(await store.bulkIndex([event('b', '2026-01-03T10:00:01Z')])).toEqual({ indexed: 1, rejected: [] });
    const waited = store.writeLockWaitMs() - before;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(performance.now() - locked + 1);
    await exited;
    expect(await searchIds(store, '')).toEqual(['b', 'a']);
  });

  it('counts the time its writes spent on the field catalog, as a part of the write', async () => {
    const before = store.fieldCatalogMs();
    const started = performance.now();
    await store.bulkIndex(Array.from({ length: 200 }, (_, i) => event(`catalog-${i}`, '2026-01-03T11:00:00Z')));
    const spent = store.fieldCatalogMs() - before;
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(performance.now() - started);
  });

  it('stores events in arrival order and finds them by time, however out of order they arrive', async () => {
    const times = Array.from({ length: 3_000 }, (_, i) => Date.UTC(2026, 0, 3, 10) + ((i * 7919) % 3_000) * 1000);
    await store.bulkIndex(times.map((time, i) => event(`e${i}`, new Date(time).toISOString(), { host: { name: `h${i % 3}` } })));
    await store.bulkIndex([event('e5', new Date(times[5]!).toISOString(), { host: { name: 'moved' } })]);
    const db = new Database(path.join(dataDir, 'store', 'siem-events-2026.01.03.sqlite'), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(4);
      const rowids = db.prepare('SELECT rowid FROM events ORDER BY rowid').pluck().all() as number[];
      expect(rowids.every((rowid, i) => i === 0 || rowid > rowids[i - 1]!)).toBe(true);
      expect((db.prepare('SELECT id FROM events ORDER BY rowid LIMIT 2').pluck().all() as string[])).toEqual(['e0', 'e1']);
    } finally {
      db.close();
    }
    const byTime = [...times.keys()].sort((a, b) => times[b]! - times[a]!).map((i) => `e${i}`);
    expect(await searchIds(store, '')).toEqual(byTime.slice(0, 100));
    const from = new Date(Date.UTC(2026, 0, 3, 10, 10)).toISOString();
    const to = new Date(Date.UTC(2026, 0, 3, 10, 20)).toISOString();
    const inWindow = byTime.filter((id) => times[Number(id.slice(1))]! >= Date.parse(from) && times[Number(id.slice(1))]! <= Date.parse(to));
    expect(await searchIds(store, '', { from, to })).toEqual(inWindow.slice(0, 100));
    expect(await store.count({ query: parseQuery('host.name:h1'), from, to })).toBe(inWindow.filter((id) => Number(id.slice(1)) % 3 === 1 && id !== 'e5').length);
    expect(await searchIds(store, 'host.name:moved')).toEqual(['e5']);
  });

  it('reads and writes a day that an earlier version keyed by time (schema version 1), migrated to the current schema', async () => {
    fs.mkdirSync(path.join(dataDir, 'store'), { recursive: true });
    const file = path.join(dataDir, 'store', 'siem-events-2026.01.03.sqlite');
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    v1.exec(`
      CREATE TABLE events (time_key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
      CREATE VIRTUAL TABLE events_fts USING fts5(message, terms, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'");
      PRAGMA user_version = 1;
    `);
    v1.close();
    await store.bulkIndex([event('a', '2026-01-03T10:00:00Z', { message: 'first' }), event('b', '2026-01-03T09:00:00Z')]);
    await store.bulkIndex([event('a', '2026-01-03T10:00:00Z', { message: 'second' }), event('c', '2026-01-03T11:00:00Z')]);
    expect(await searchIds(store, '')).toEqual(['c', 'a', 'b']);
    expect(await searchIds(store, 'second')).toEqual(['a']);
    expect(await searchIds(store, 'first')).toEqual([]);
    expect(await searchIds(store, '', { from: '2026-01-03T09:30:00Z', to: '2026-01-03T10:30:00Z' })).toEqual(['a']);
    const hours = await store.aggregate({ query: parseQuery(''), from: '2026-01-03T00:00:00Z', to: '2026-01-04T00:00:00Z', aggs: { h: { type: 'date_histogram', interval: '1h' } } });
    expect((hours.aggs.h as { buckets: { count: number }[] }).buckets.map((bucket) => bucket.count)).toEqual([1, 1, 1]);
    expect((await store.fields({ tenant: 'default', from: '2026-01-03T00:00:00Z' })).events).toBe(0);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(4);
      expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").pluck().get()).toContain('time_key INTEGER PRIMARY KEY');
    } finally {
      db.close();
    }
  });

  it('migrates a day of schema version 2 at start: its rollups and field catalog are counted from its events', async () => {
    const documents = (i: number) => ({ organization: { id: 'acme' }, host: { name: `h${i % 2}` }, source: { ip: `10.0.0.${i % 3}` }, labels: { n: i } });
    await store.bulkIndex(Array.from({ length: 12 }, (_, i) => event(`m${i}`, `2026-01-03T${String(10 + (i % 3)).padStart(2, '0')}:00:00Z`, documents(i))));
    const request = { tenant: 'acme', from: '2026-01-03T00:00:00Z', to: '2026-01-03T23:59:59Z' };
    const terms = { query: parseQuery('organization.id:acme'), from: '2026-01-03T00:00:00Z', to: '2026-01-03T23:59:59Z', aggs: { hosts: { type: 'terms', field: 'host.name' } } } as const;
    const catalog = await store.fields(request);
    const aggregated = await store.aggregate(terms);
    await store.close();
    // What version 2 wrote: the events and their text, no rollups, no catalog.
    const file = path.join(dataDir, 'store', 'siem-events-2026.01.03.sqlite');
    const v2 = new Database(file);
    v2.exec('DROP TABLE rollup_hours; DROP TABLE rollup_present; DROP TABLE rollup_terms; DROP TABLE catalog_types; DROP TABLE catalog_fields; DROP TABLE catalog_values; PRAGMA user_version = 2;');
    v2.close();
    const reopened = new EmbeddedStore({ dataDir });
    try {
      await reopened.ensureReady();
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(4);
        expect(db.prepare('SELECT sum(events) FROM rollup_hours').pluck().get()).toBe(12);
      } finally {
        db.close();
      }
      expect(await reopened.fields(request)).toEqual(catalog);
      expect(catalog.fields.find((field) => field.name === 'source.ip')).toMatchObject({ count: 12, values: ['10.0.0.0', '10.0.0.1', '10.0.0.2'] });
      expect(await reopened.aggregate(terms)).toEqual(aggregated);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a day written by a newer version of the store', async () => {
    await store.bulkIndex([event('a', '2026-01-03T10:00:00Z')]);
    await store.close();
    const db = new Database(path.join(dataDir, 'store', 'siem-events-2026.01.03.sqlite'));
    db.pragma('user_version = 5');
    db.close();
    const error = await errorOf(() => searchIds(store, ''));
    expect(error.code).toBe('SIEM_STORE_SEARCH_FAILED');
    expect(error.message).toMatch(/schema version 5/);
  });

  it('rejects a time bound it cannot read', async () => {
    const error = await errorOf(() => store.search({ query: parseQuery(''), size: 1, from: 'last tuesday' }));
    expect(error.code).toBe('SIEM_STORE_SEARCH_FAILED');
    expect(error.retryable).toBe(false);
  });

  it('fails ensureReady with the path when the data directory is a file', async () => {
    const file = path.join(temporaryDirectory(), 'data');
    fs.writeFileSync(file, '');
    for (const dataDir of [file, path.join(file, 'below')]) {
      const error = await errorOf(() => new EmbeddedStore({ dataDir }).ensureReady());
      expect(error.code).toBe('SIEM_STORE_SETUP_FAILED');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(path.join(dataDir, 'store'));
      expect(error.message).toContain('SIEM_DATA_DIR');
    }
  });

  it('refuses an index prefix that cannot name a file', () => {
    expect(() => new EmbeddedStore({ dataDir, indexPrefix: '../x' })).toThrow(/prefix/);
  });
});
