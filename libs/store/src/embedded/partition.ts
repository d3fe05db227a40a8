import { randomInt } from 'node:crypto';
import Database from 'better-sqlite3';
import { MAX_KEYWORD_LENGTH, registerSqlFunctions, toSqlWhere, type QueryAst, type SqlQuery, type SqlValue } from '@siem/query';
import { splitTenant } from '../tenant-scope';
import type { RejectedEvent } from '../types';
import { CATALOG_SCHEMA, CatalogDelta, CatalogWriter, FieldShapes, catalogReader, type DayCatalog } from './field-catalog';
import { TERM_FIELD_SET } from './fields';
import { HOUR_MS, IRREGULAR_TENANT, ROLLUP_SCHEMA, RollupDelta, tenantKey, type TenantKey } from './rollup';
import { SEQUENCE_SPAN, firstKeyOf, timeOfKey, windowStart } from './time-key';

/** An event ready for a partition: validated, serialised and analysed. */
export interface PreparedEvent {
  readonly id: string;
  readonly time: number;
  readonly json: string;
  /** `message` analysed, tokens joined by spaces. */
  readonly text: string;
  /** The keyword tokens of the term fields, joined by spaces. */
  readonly terms: string;
  /** The document itself, which the hourly rollups count. */
  readonly document: Record<string, unknown>;
}

export interface PartitionHit {
  readonly time: number;
  /** The row's key within its day: orders hits of one millisecond. */
  readonly key: number;
  readonly id: string;
  readonly json: string;
}

export interface PartitionOptions {
  readonly busyTimeoutMs: number;
  readonly cacheSizeKib: number;
}

/**
 * Version 1 keyed the events table by time_key, so each event was stored at its time's place;
 * version 2 stores them in arrival order; version 3 adds the hourly rollups (rollup.ts);
 * version 4 the field catalog (field-catalog.ts). A day of an earlier version is migrated when
 * it is opened (`migrate`): its events table stays as it is, the rollups and the catalog it
 * lacks are counted from its events.
 */
const SCHEMA_VERSION = 4;
/** Events read per step when a migration counts a day's events. */
const MIGRATION_PAGE = 5000;
const MAX_CACHED_STATEMENTS = 128;
const MAX_KEY_ATTEMPTS = 32;

// The rows are stored in arrival order (their implicit rowid) and found by time through a
// unique index on time_key: when events arrive out of time order, as from senders with
// different clocks or a replayed file, an insert touches one small index entry instead of
// moving a whole document into the middle of a table B-tree. Keyed by time (version 1),
// a batch of 2,000 events that were spread over the day rewrote over a thousand 16 KiB
// pages, and the same events loaded 3x slower than in time order. The queries name only
// time_key, id and doc, so they read both versions.
// The FTS table is contentless (the text lives in the JSON), its rowid is the time_key,
// and it gets text that analyzeText and keywordToken already tokenised, joined by spaces:
// counting every category but separators as token characters, unicode61 splits it on
// the spaces only.
// Writes come in transactions of a few thousand events, each a new FTS segment: merging
// 16 segments at a time instead of 4 halves the rewriting, at the cost of more segments
// to consult per query (still a few dozen a day); FTS pages match the 16 KiB pages.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  time_key INTEGER NOT NULL UNIQUE,
  id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(
  message, terms, content='', contentless_delete=1,
  tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'"
);
INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', 16);
INSERT INTO events_fts (events_fts, rank) VALUES ('crisismerge', 64);
INSERT INTO events_fts (events_fts, rank) VALUES ('pgsz', 16000);
`;

/**
 * The events as the compiled queries see them: a full-text condition the compiler puts
 * inside a WHERE tests the row's rowid against the FTS table's, which is the time_key.
 * SQLite flattens this into the query, so time_key's index serves it.
 */
const EVENTS_BY_KEY = '(SELECT time_key AS rowid, time_key, id, doc FROM events)';

/** Another event already holds the key: its primary key in version 1, its unique index in version 2. */
function isKeyConflict(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (code === 'SQLITE_CONSTRAINT_UNIQUE' && message?.includes('events.time_key') === true);
}

/**
 * A compiled query, and when it is confined to one tenant, the same query without that condition:
 * what a day runs over the hours its rollups show to hold the tenant's events only. The whole
 * query is compiled when a day first needs it, so a single-tenant read compiles once.
 */
export class PartitionQuery {
  private whole: SqlQuery | undefined;

  constructor(
    private readonly query: QueryAst,
    readonly tenant?: { readonly key: TenantKey; readonly rest: SqlQuery },
  ) {
    if (!tenant) this.whole = compileSql(query);
  }

  get compiled(): SqlQuery {
    return (this.whole ??= compileSql(this.query));
  }

  /** Whether no event can match (the rest matching none, the whole query matches none either). */
  get matchesNothing(): boolean {
    return (this.tenant?.rest ?? this.compiled).where === '0';
  }
}

function compileSql(query: QueryAst): SqlQuery {
  return toSqlWhere(query, { documentColumn: 'doc', fullTextTable: 'events_fts', termFields: TERM_FIELD_SET, tableAlias: 'e', fullText: 'separate' });
}

/** Compiles a query for a partition's reads; throws QueryError for a field name no parser would accept. */
export function compileForPartition(query: QueryAst): PartitionQuery {
  const scope = splitTenant(query);
  // A tenant id longer than a keyword token matches no event; only the filter says so.
  if (!scope || scope.tenant.length > MAX_KEYWORD_LENGTH) return new PartitionQuery(query);
  return new PartitionQuery(query, { key: tenantKey(scope.tenant), rest: compileSql(scope.rest) });
}

/**
 * One day of events in its own SQLite database (WAL, so readers in other processes never
 * wait for a writer). Dropping a day is deleting its file.
 */
export class Partition {
  readonly start: number;
  /** Whether the day keeps hourly rollups (schema 3), which `EmbeddedStore.aggregate` may read instead of the events. */
  readonly hasRollups: boolean;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly insertBatch: (events: readonly PreparedEvent[], rejected: RejectedEvent[]) => void;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly catalogWriter: CatalogWriter;
  private readonly readCatalog: ReturnType<typeof catalogReader>;
  private readonly beginRead: Database.Statement;
  /**
   * Sequence numbers within a millisecond start at a random point per process and count
   * up, so events keep their order and two writers rarely meet; a meeting is retried.
   */
  private sequence = randomInt(SEQUENCE_SPAN);
  /** Milliseconds the writes spent keeping the field catalog: counting the placed events and writing their counts. */
  catalogMs = 0;

  private constructor(
    readonly day: string,
    readonly file: string,
    private readonly db: Database.Database,
    version: number,
  ) {
    this.start = windowStart(day);
    this.hasRollups = version >= 3;
    const insertEvent = db.prepare('INSERT INTO events (time_key, id, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING');
    const deleteEvent = db.prepare('DELETE FROM events WHERE id = ? RETURNING time_key AS key, doc');
    const deleteText = db.prepare('DELETE FROM events_fts WHERE rowid = ?');
    const insertText = db.prepare('INSERT INTO events_fts (rowid, message, terms) VALUES (?, ?, ?)');
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.beginRead = db.prepare('BEGIN');
    const writeRollups = this.hasRollups ? rollupWriter(db) : undefined;
    const catalogWriter = (this.catalogWriter = new CatalogWriter(db));
    const shapes = new FieldShapes();
    this.readCatalog = catalogReader(db);
    this.insertBatch = (events: readonly PreparedEvent[], rejected: RejectedEvent[]) => {
      const delta = writeRollups && new RollupDelta();
      const catalog = new CatalogDelta(shapes);
      const placed: PreparedEvent[] = [];
      for (const event of events) {
        const key = this.place(event, insertEvent, deleteEvent, deleteText, delta, catalog);
        if (key === undefined) {
          rejected.push({ id: event.id, status: 400, reason: `no free place among the events of ${day} at ${new Date(event.time).toISOString()}` });
          continue;
        }
        delta?.add(event.document, event.time, 1);
        placed.push(event);
        if (event.text !== '' || event.terms !== '') insertText.run(key, event.text, event.terms);
      }
      if (delta) writeRollups!(delta);
      // The catalog in a step of its own, so that its cost can be read apart (catalogMs).
      const started = performance.now();
      for (const event of placed) catalog.add(event.document, event.time, 1);
      catalogWriter.write(catalog);
      this.catalogMs += performance.now() - started;
    };
  }

  /** Opens the day's database, creating the file and its schema if need be. */
  static create(file: string, day: string, options: PartitionOptions): Partition {
    return Partition.setUp(new Database(file, { timeout: options.busyTimeoutMs }), file, day, options);
  }

  /** Opens the day's database; undefined when its file does not exist. */
  static openExisting(file: string, day: string, options: PartitionOptions): Partition | undefined {
    let db: Database.Database;
    try {
      db = new Database(file, { fileMustExist: true, timeout: options.busyTimeoutMs });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CANTOPEN') return undefined;
      throw error;
    }
    return Partition.setUp(db, file, day, options);
  }

  private static setUp(db: Database.Database, file: string, day: string, options: PartitionOptions): Partition {
    try {
      // Large pages and a large WAL between checkpoints: a batch rewrites fewer pages, and a page rewritten by several batches reaches the file once.
      db.pragma('page_size = 16384');
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 4096');
      db.pragma('synchronous = NORMAL');
      db.pragma(`cache_size = -${options.cacheSizeKib}`);
      db.pragma('temp_store = MEMORY');
      db.pragma('journal_size_limit = 67108864');
      // Compiled queries call these (siem_ip_key for ip fields); every connection that runs one needs them.
      registerSqlFunctions(db);
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw new Error(`${file} has schema version ${version}; this version of the store reads ${SCHEMA_VERSION} at most.`);
      if (version < SCHEMA_VERSION) migrate(db, windowStart(day));
      return new Partition(day, file, db, SCHEMA_VERSION);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * Writes the events in one transaction; the ones it cannot place are added to `rejected`.
   * Returns the milliseconds it waited for the write lock, which another process held.
   */
  write(events: readonly PreparedEvent[], rejected: RejectedEvent[]): number {
    const started = performance.now();
    this.begin.run();
    const lockWaitMs = performance.now() - started;
    try {
      this.insertBatch(events, rejected);
      this.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.rollback.run();
      this.catalogWriter.rolledBack();
      throw error;
    }
    return lockWaitMs;
  }

  /** The keys of the oldest and the newest event, undefined when the partition is empty. */
  keyBounds(): readonly [number, number] | undefined {
    // Two subqueries: SQLite reads a lone min() or max() from the end of the key's B-tree, but scans for both at once.
    const bounds = this.statement('SELECT (SELECT min(time_key) FROM events) AS oldest, (SELECT max(time_key) FROM events) AS newest').get() as {
      oldest: number | null;
      newest: number | null;
    };
    return bounds.oldest === null || bounds.newest === null ? undefined : [bounds.oldest, bounds.newest];
  }

  /** Counts the matches in the key range, stopping at `limit`. */
  count(query: PartitionQuery, range: readonly [number, number], limit = Number.POSITIVE_INFINITY): number {
    if (query.matchesNothing || limit <= 0) return 0;
    return this.inTenantScope(query, range, (compiled) => this.countMatches(compiled, range, limit));
  }

  private countMatches(compiled: SqlQuery, range: readonly [number, number], limit: number): number {
    if (compiled.where === '1' && compiled.match === undefined) {
      // Every event of the day: SQLite counts the smallest index page by page instead of reading the rows.
      const bounds = this.keyBounds();
      if (!bounds || (range[0] <= bounds[0] && range[1] >= bounds[1])) {
        return Math.min(limit, this.statement('SELECT count(*) FROM events').pluck().get() as number);
      }
    }
    const query = this.matching(compiled, range);
    // Without conditions on the document the FTS table alone can count.
    const from = compiled.match !== undefined && compiled.where === '1' ? 'events_fts WHERE events_fts MATCH ? AND rowid BETWEEN ? AND ?' : query.from;
    const sql = Number.isFinite(limit) ? `SELECT count(*) FROM (SELECT 1 FROM ${from} LIMIT ?)` : `SELECT count(*) FROM ${from}`;
    const params = Number.isFinite(limit) ? [...query.params, limit] : query.params;
    return this.statement(sql).pluck().get(...params) as number;
  }

  /**
   * The newest (or oldest) `size` matches in the key range. When any clause is in the FTS
   * table, FTS5 drives: it yields rowids in key order within the range, so the first page
   * costs little whether the words are rare or common.
   */
  newest(query: PartitionQuery, range: readonly [number, number], size: number, order: 'desc' | 'asc' = 'desc'): PartitionHit[] {
    if (query.matchesNothing || size <= 0) return [];
    const rows = this.inTenantScope(query, range, (compiled) => {
      const matching = this.matching(compiled, range);
      return this.statement(`SELECT e.time_key AS key, e.id AS id, e.doc AS json FROM ${matching.from} ORDER BY ${matching.order} ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT ?`).all(
        ...matching.params,
        size,
      ) as { key: number; id: string; json: string }[];
    });
    return rows.map((row) => ({ time: timeOfKey(this.start, row.key), key: row.key, id: row.id, json: row.json }));
  }

  /** Every match in the key range with the given extra columns of the row `e` (each starting with a comma), one at a time (aggregations read them). */
  *select(query: PartitionQuery, range: readonly [number, number], columns: string, columnParams: readonly SqlValue[]): Generator<Record<string, unknown> & { key: number }> {
    if (query.matchesNothing) return;
    // The rows are read in the snapshot the tenant check saw, held until the last one (see inTenantScope).
    const own = query.tenant !== undefined && this.hasRollups && !this.db.inTransaction;
    if (own) this.beginRead.run();
    try {
      const compiled = this.scopedQuery(query, range);
      const matching = this.matching(compiled, range);
      yield* this.statement(`SELECT e.time_key AS key${columns} FROM ${matching.from}`).iterate(...columnParams, ...matching.params) as Iterable<Record<string, unknown> & { key: number }>;
    } finally {
      if (own && this.db.inTransaction) this.commit.run();
    }
  }

  /**
   * Runs a read with the query to use in the range: without its tenant condition when the
   * day's rollups show no event of another tenant (nor one without a tenant, nor one whose
   * tenant only a scan can read) in the hours the range touches, since the condition then holds
   * for every row and only costs time (an FTS lookup of every event of the day). The check and
   * the read share one read transaction, so a writer that adds another tenant's event between
   * them cannot slip it into the answer.
   */
  private inTenantScope<T>(query: PartitionQuery, range: readonly [number, number], read: (compiled: SqlQuery) => T): T {
    if (query.tenant === undefined || !this.hasRollups || this.db.inTransaction) return read(this.scopedQuery(query, range));
    this.beginRead.run();
    try {
      return read(this.scopedQuery(query, range));
    } finally {
      if (this.db.inTransaction) this.commit.run();
    }
  }

  private scopedQuery(query: PartitionQuery, range: readonly [number, number]): SqlQuery {
    if (query.tenant === undefined || !this.hasRollups) return query.compiled;
    const hour = (key: number) => Math.floor(timeOfKey(this.start, key) / HOUR_MS) * HOUR_MS;
    const other = this.statement('SELECT 1 FROM rollup_hours WHERE hour BETWEEN ? AND ? AND tenant <> ? AND events > 0 LIMIT 1').get(hour(range[0]), hour(range[1]), query.tenant.key);
    return other === undefined ? query.tenant.rest : query.compiled;
  }

  /** The day's field catalog of a tenant over the hours [fromHour, toHour] (field-catalog.ts). */
  catalog(tenant: TenantKey, fromHour: number, toHour: number): DayCatalog {
    return this.readCatalog(tenant, fromHour, toHour);
  }

  /** Events per hour in [fromHour, toHour] (hour starts in ms), of one tenant or all; hours without events left out. */
  rollupHours(fromHour: number, toHour: number, tenant: TenantKey | undefined): { hour: number; events: number }[] {
    const sql = `SELECT hour, sum(events) AS events FROM rollup_hours WHERE hour BETWEEN ? AND ?${tenant === undefined ? '' : ' AND tenant = ?'} GROUP BY hour HAVING sum(events) > 0`;
    return this.statement(sql).all(fromHour, toHour, ...(tenant === undefined ? [] : [tenant])) as { hour: number; events: number }[];
  }

  /** Whether some event in the hours has an organization.id that is neither absent nor one string: only a scan can tell whose it is. */
  hasIrregularTenant(fromHour: number, toHour: number): boolean {
    return this.statement('SELECT 1 FROM rollup_hours WHERE tenant = ? AND hour BETWEEN ? AND ? AND events > 0 LIMIT 1').get(IRREGULAR_TENANT, fromHour, toHour) !== undefined;
  }

  /** Events per value of a rolled-up field over the hours, and the events having any value of it. */
  rollupTerms(field: string, fromHour: number, toHour: number, tenant: TenantKey | undefined): { values: { value: string | number; events: number }[]; present: number } {
    const scope = tenant === undefined ? '' : ' AND tenant = ?';
    const params = [field, ...(tenant === undefined ? [] : [tenant]), fromHour, toHour];
    const values = this.statement(`SELECT value, sum(events) AS events FROM rollup_terms WHERE field = ?${scope} AND hour BETWEEN ? AND ? GROUP BY value HAVING sum(events) > 0`).all(...params) as { value: string | number; events: number }[];
    const present = (this.statement(`SELECT coalesce(sum(events), 0) FROM rollup_present WHERE field = ?${scope} AND hour BETWEEN ? AND ?`).pluck().get(...params) as number) ?? 0;
    return { values, present };
  }

  /** The event stored under `id` in this day, if any. */
  byId(id: string): PartitionHit | undefined {
    const row = this.statement('SELECT time_key AS key, id, doc AS json FROM events WHERE id = ?').get(id) as { key: number; id: string; json: string } | undefined;
    return row && { time: timeOfKey(this.start, row.key), key: row.key, id: row.id, json: row.json };
  }

  /** The FROM … WHERE of the matching rows (aliased `e`), its parameters, and the key to sort by. */
  private matching(compiled: SqlQuery, range: readonly [number, number]): { from: string; params: SqlValue[]; order: string } {
    const condition = compiled.where === '1' ? '' : ` AND (${compiled.where})`;
    if (compiled.match === undefined) {
      return { from: `${EVENTS_BY_KEY} e WHERE e.time_key BETWEEN ? AND ?${condition}`, params: [range[0], range[1], ...compiled.params], order: 'e.time_key' };
    }
    return {
      from: `events_fts f CROSS JOIN ${EVENTS_BY_KEY} e ON e.time_key = f.rowid WHERE f.events_fts MATCH ? AND f.rowid BETWEEN ? AND ?${condition}`,
      params: [compiled.match, range[0], range[1], ...compiled.params],
      order: 'f.rowid',
    };
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  /**
   * Inserts the row under a free key of its millisecond and returns the key. An id that
   * is already stored is replaced, text included, so a redelivered event is stored once.
   */
  private place(
    event: PreparedEvent,
    insertEvent: Database.Statement,
    deleteEvent: Database.Statement,
    deleteText: Database.Statement,
    delta: RollupDelta | undefined,
    catalog: CatalogDelta,
  ): number | undefined {
    const first = firstKeyOf(this.start, event.time);
    for (let attempt = 0; attempt < MAX_KEY_ATTEMPTS; attempt++) {
      this.sequence = attempt === 0 ? (this.sequence + 1) % SEQUENCE_SPAN : randomInt(SEQUENCE_SPAN);
      const key = first + this.sequence;
      try {
        if (insertEvent.run(key, event.id, event.json).changes === 1) return key;
        const old = deleteEvent.get(event.id) as { key: number; doc: string };
        deleteText.run(old.key);
        const replaced = JSON.parse(old.doc) as Record<string, unknown>;
        delta?.add(replaced, timeOfKey(this.start, old.key), -1);
        catalog.add(replaced, timeOfKey(this.start, old.key), -1);
        insertEvent.run(key, event.id, event.json);
        return key;
      } catch (error) {
        if (!isKeyConflict(error)) throw error;
      }
    }
    return undefined;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * Brings a day to SCHEMA_VERSION in one transaction: a new day gets the whole schema; a day of an
 * earlier version keeps its events table as it is (every statement reads versions 1 and 2) and
 * gets what it lacks, rollups and the field catalog, counted from its events. Another process
 * may have migrated the day meanwhile: the version is read again under the write lock.
 */
function migrate(db: Database.Database, start: number): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    if (version === 0) {
      db.exec(SCHEMA);
      db.exec(ROLLUP_SCHEMA);
      db.exec(CATALOG_SCHEMA);
    } else {
      if (version < 3) db.exec(ROLLUP_SCHEMA);
      db.exec(CATALOG_SCHEMA);
      countStoredEvents(db, start, version < 3);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** Adds the day's stored events to its field catalog, and to its rollups when `rollups`, page by page (in rowid order, which both versions have). */
function countStoredEvents(db: Database.Database, start: number, rollups: boolean): void {
  const page = db.prepare('SELECT rowid AS row, time_key AS key, doc FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?');
  const writeRollups = rollups ? rollupWriter(db) : undefined;
  const catalogWriter = new CatalogWriter(db);
  const shapes = new FieldShapes();
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = page.all(after, MIGRATION_PAGE) as { row: number; key: number; doc: string }[];
    if (rows.length === 0) return;
    const rollupDelta = writeRollups && new RollupDelta();
    const catalog = new CatalogDelta(shapes);
    for (const row of rows) {
      const document = JSON.parse(row.doc) as Record<string, unknown>;
      const time = timeOfKey(start, row.key);
      rollupDelta?.add(document, time, 1);
      catalog.add(document, time, 1);
    }
    if (rollupDelta) writeRollups!(rollupDelta);
    catalogWriter.write(catalog);
    after = rows[rows.length - 1]!.row;
  }
}

/** Adds a batch's rollup counts to the day's tables, one upsert per hour, field and value the batch touched. */
function rollupWriter(db: Database.Database): (delta: RollupDelta) => void {
  const hours = db.prepare('INSERT INTO rollup_hours (hour, tenant, events) VALUES (?, ?, ?) ON CONFLICT (hour, tenant) DO UPDATE SET events = events + excluded.events');
  const present = db.prepare('INSERT INTO rollup_present (field, tenant, hour, events) VALUES (?, ?, ?, ?) ON CONFLICT (field, tenant, hour) DO UPDATE SET events = events + excluded.events');
  const terms = db.prepare('INSERT INTO rollup_terms (field, tenant, hour, value, events) VALUES (?, ?, ?, ?, ?) ON CONFLICT (field, tenant, hour, value) DO UPDATE SET events = events + excluded.events');
  return (delta) => {
    for (const row of delta.hours.values()) if (row.events !== 0) hours.run(row.hour, row.tenant, row.events);
    for (const row of delta.present.values()) if (row.events !== 0) present.run(row.field, row.tenant, row.hour, row.events);
    for (const row of delta.terms.values()) if (row.events !== 0) terms.run(row.field, row.tenant, row.hour, row.value, row.events);
  };
}
