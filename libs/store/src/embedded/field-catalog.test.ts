import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CATALOG_SCHEMA, CATALOG_VALUES, CatalogDelta, CatalogWriter, FieldShapes } from './field-catalog';

const HOUR = Date.UTC(2026, 10, 23, 10);
const TENANT = 's:acme';

const databases: Database.Database[] = [];
const directories: string[] = [];
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

function open(file = ':memory:'): Database.Database {
  const db = new Database(file);
  databases.push(db);
  db.pragma('journal_mode = WAL');
  db.exec(CATALOG_SCHEMA);
  return db;
}

function event(fields: Record<string, unknown>): Record<string, unknown> {
  return { organization: { id: 'acme' }, ...fields };
}

/** One batch in its own transaction, as a partition writes it. */
function writeBatch(db: Database.Database, writer: CatalogWriter, documents: readonly Record<string, unknown>[], shapes = new FieldShapes()): void {
  const delta = new CatalogDelta(shapes);
  for (const document of documents) delta.add(document, HOUR + 60_000, 1);
  db.transaction(() => writer.write(delta)).immediate();
}

function values(db: Database.Database, field: string): Record<string, number> {
  const rows = db.prepare('SELECT value, events FROM catalog_values WHERE tenant = ? AND hour = ? AND field = ? ORDER BY value').all(TENANT, HOUR, field) as { value: string; events: number }[];
  return Object.fromEntries(rows.map((row) => [row.value, row.events]));
}

function fieldCounts(db: Database.Database): Record<string, number> {
  const rows = db.prepare('SELECT field, events FROM catalog_fields WHERE tenant = ? AND hour = ? ORDER BY field').all(TENANT, HOUR) as { field: string; events: number }[];
  return Object.fromEntries(rows.map((row) => [row.field, row.events]));
}

/** `host.name` values h00, h01, ... one event each. */
function hosts(from: number, to: number): Record<string, unknown>[] {
  return Array.from({ length: to - from }, (_, i) => event({ host: { name: `h${String(from + i).padStart(2, '0')}` } }));
}

describe('field catalog writer', () => {
  it('counts alike whether the shapes are remembered between batches, met afresh, or past the shapes it may remember', () => {
    const batches = [
      [
        event({ host: { name: 'web-1' }, tags: ['a', 'b', 'a'], source: { ip: '10.0.0.1', port: 22 }, labels: { ok: true } }),
        event({ host: { name: 'web-2' }, tags: ['a'], user: { name: 'alice' }, ['']: { nested: 'x' } }),
      ],
      [
        event({ host: { name: 'web-1' }, source: { ip: '10.0.0.2', port: 22 }, labels: { ok: false }, process: { pid: 7 } }),
        event({ host: { name: 'web-1', ip: ['10.0.0.9'] }, user: { name: 'alice' }, source: { geo: { location: { lat: 1, lon: 2 } } } }),
      ],
    ];
    const shared = open();
    const sharedWriter = new CatalogWriter(shared);
    const sharedShapes = new FieldShapes();
    const fresh = open();
    const freshWriter = new CatalogWriter(fresh);
    const bounded = open();
    const boundedWriter = new CatalogWriter(bounded);
    const boundedShapes = new FieldShapes(3);
    for (const batch of batches) {
      writeBatch(shared, sharedWriter, batch, sharedShapes);
      writeBatch(fresh, freshWriter, batch);
      writeBatch(bounded, boundedWriter, batch, boundedShapes);
    }
    const tables = (db: Database.Database) => ({
      types: db.prepare('SELECT * FROM catalog_types ORDER BY field').all(),
      fields: db.prepare('SELECT * FROM catalog_fields ORDER BY field').all(),
      values: db.prepare('SELECT * FROM catalog_values ORDER BY field, value').all(),
    });
    expect(fieldCounts(shared)).toEqual({
      'host.ip': 1,
      'host.name': 4,
      'labels.ok': 2,
      nested: 1,
      'organization.id': 4,
      'process.pid': 1,
      'source.geo.location': 1,
      'source.ip': 2,
      'source.port': 2,
      tags: 2,
      'user.name': 2,
    });
    expect(values(shared, 'tags')).toEqual({ a: 2, b: 1 });
    expect(values(shared, 'host.name')).toEqual({ 'web-1': 3, 'web-2': 1 });
    expect(values(shared, 'labels.ok')).toEqual({ false: 1, true: 1 });
    expect(tables(fresh)).toEqual(tables(shared));
    expect(tables(bounded)).toEqual(tables(shared));
  });

  it(`keeps the first ${CATALOG_VALUES} values of a field and only their counts afterwards, in later batches and from another connection`, () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-catalog-'));
    directories.push(directory);
    const file = path.join(directory, 'day.sqlite');
    const first = open(file);
    const second = new Database(file);
    databases.push(second);
    const firstWriter = new CatalogWriter(first);
    const secondWriter = new CatalogWriter(second);

    writeBatch(first, firstWriter, hosts(0, 20));
    const kept = Object.fromEntries(Array.from({ length: CATALOG_VALUES }, (_, i) => [`h${String(i).padStart(2, '0')}`, 1]));
    expect(values(first, 'host.name')).toEqual(kept);

    // The first writer now knows the field is full; the second learns it from its own insert.
    writeBatch(first, firstWriter, [...hosts(0, 1), ...hosts(17, 19)]);
    writeBatch(second, secondWriter, [...hosts(1, 2), ...hosts(25, 27)]);
    writeBatch(second, secondWriter, [...hosts(1, 3), ...hosts(30, 31)]);
    writeBatch(first, firstWriter, hosts(15, 21));
    expect(values(first, 'host.name')).toEqual({ ...kept, h00: 2, h01: 3, h02: 2, h15: 2 });
    expect(fieldCounts(first)['host.name']).toBe(20 + 3 + 3 + 3 + 6);
  });

  it('forgets what an undone transaction taught it: the values it saw fill the field and the types it wrote are written again', () => {
    const db = open();
    const writer = new CatalogWriter(db);
    const delta = new CatalogDelta();
    for (const document of hosts(0, 20)) delta.add({ ...document, extra: 'x' }, HOUR, 1);
    db.exec('BEGIN IMMEDIATE');
    writer.write(delta);
    db.exec('ROLLBACK');
    writer.rolledBack();

    writeBatch(db, writer, hosts(5, 8).map((document) => ({ ...document, extra: 'y' })));
    expect(values(db, 'host.name')).toEqual({ h05: 1, h06: 1, h07: 1 });
    expect(db.prepare('SELECT field, type FROM catalog_types ORDER BY field').all()).toEqual([
      { field: 'extra', type: 'keyword' },
      { field: 'organization.id', type: 'keyword' },
    ]);
  });
});
