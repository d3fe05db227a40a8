import Database from 'better-sqlite3';
import { toSqlWhere, type QueryAst, type SqlValue } from '@siem/query';
import type { RejectedEvent } from '../types';
import { INDEXED_COLUMNS, INDEXED_FIELDS, columnOf } from './fields';
import { SEQUENCE_SPAN, firstKeyOf, timeOfKey, windowStart } from './time-key';

/** An event ready for a partition: validated, serialised and with its columns extracted. */
export interface PreparedEvent {
  readonly id: string;
  readonly time: number;
  readonly json: string;
  /** One value per INDEXED_FIELDS entry, in that order. */
  readonly columns: readonly (string | null)[];
  readonly fullText: string | undefined;
  readonly multiValued: readonly string[];
}

export interface PartitionHit {
  readonly time: number;
  readonly id: string;
  readonly json: string;
}

export interface PartitionOptions {
  readonly busyTimeoutMs: number;
  readonly cacheSizeKib: number;
}

const SCHEMA_VERSION = 1;
const MAX_CACHED_STATEMENTS = 128;

// The FTS table gets text that analyzeText already tokenised and lowercased, joined by
// spaces: with every category but separators counted as token characters, unicode61
// splits it on the spaces only, so the query side (analyzeText too) sees the same tokens.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  time_key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL,
  ${INDEXED_FIELDS.map((field) => `${columnOf(field)} TEXT`).join(',\n  ')}
);
${INDEXED_FIELDS.map((field) => `CREATE INDEX IF NOT EXISTS events_${columnOf(field)} ON events(${columnOf(field)}) WHERE ${columnOf(field)} IS NOT NULL;`).join('\n')}
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(
  message, content='', contentless_delete=1,
  tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'"
);
CREATE TABLE IF NOT EXISTS multi_valued (field TEXT PRIMARY KEY) WITHOUT ROWID;
`;

const INSERT_EVENT = `INSERT INTO events (time_key, id, doc, ${INDEXED_FIELDS.map(columnOf).join(', ')}) VALUES (${Array(3 + INDEXED_FIELDS.length)
  .fill('?')
  .join(', ')})`;

/**
 * One day of events in its own SQLite database (WAL, so readers in other processes never
 * wait for a writer). Dropping a day is deleting its file.
 */
export class Partition {
  readonly start: number;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly writeBatch: Database.Transaction<(events: readonly PreparedEvent[], rejected: RejectedEvent[]) => void>;

  private constructor(
    readonly day: string,
    readonly file: string,
    private readonly db: Database.Database,
  ) {
    this.start = windowStart(day);
    const deleteEvent = db.prepare('DELETE FROM events WHERE id = ? RETURNING time_key AS key');
    const deleteText = db.prepare('DELETE FROM events_fts WHERE rowid = ?');
    const lastKey = db.prepare('SELECT max(time_key) FROM events WHERE time_key BETWEEN ? AND ?').pluck();
    const insertEvent = db.prepare(INSERT_EVENT);
    const insertText = db.prepare('INSERT INTO events_fts (rowid, message) VALUES (?, ?)');
    const markMultiValued = db.prepare('INSERT OR IGNORE INTO multi_valued (field) VALUES (?)');
    this.writeBatch = db.transaction((events: readonly PreparedEvent[], rejected: RejectedEvent[]) => {
      for (const event of events) {
        const first = firstKeyOf(this.start, event.time);
        const last = lastKey.get(first, first + SEQUENCE_SPAN - 1) as number | null;
        const key = last === null ? first : last + 1;
        if (key >= first + SEQUENCE_SPAN) {
          rejected.push({ id: event.id, status: 400, reason: `more than ${SEQUENCE_SPAN} events of ${day} share the millisecond ${new Date(event.time).toISOString()}` });
          continue;
        }
        // Replace by id: the old row and its text go, so a redelivered event is stored once.
        const old = deleteEvent.get(event.id) as { key: number } | undefined;
        if (old) deleteText.run(old.key);
        insertEvent.run(key, event.id, event.json, ...event.columns);
        if (event.fullText !== undefined) insertText.run(key, event.fullText);
        for (const field of event.multiValued) markMultiValued.run(field);
      }
    });
  }

  /** Opens the day's database, creating it (and its schema) when `create`; undefined when it does not exist. */
  static open(file: string, day: string, create: boolean, options: PartitionOptions): Partition | undefined {
    let db: Database.Database;
    try {
      db = new Database(file, { fileMustExist: !create, timeout: options.busyTimeoutMs });
    } catch (error) {
      if (!create && (error as { code?: string }).code === 'SQLITE_CANTOPEN') return undefined;
      throw error;
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`cache_size = -${options.cacheSizeKib}`);
      db.pragma('temp_store = MEMORY');
      db.pragma('journal_size_limit = 67108864');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw new Error(`${file} has schema version ${version}; this version of the store reads ${SCHEMA_VERSION} at most.`);
      if (version < SCHEMA_VERSION) {
        db.transaction(() => {
          db.exec(SCHEMA);
          db.pragma(`user_version = ${SCHEMA_VERSION}`);
        }).immediate();
      }
      return new Partition(day, file, db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Writes the events in one transaction; the ones it cannot place are added to `rejected`. */
  write(events: readonly PreparedEvent[], rejected: RejectedEvent[]): void {
    this.writeBatch.immediate(events, rejected);
  }

  /** The time of the newest event, undefined when the partition is empty. */
  newestTime(): number | undefined {
    const key = this.statement('SELECT max(time_key) FROM events').pluck().get() as number | null;
    return key === null ? undefined : timeOfKey(this.start, key);
  }

  /**
   * Counts the matches in the key range (up to `countLimit`) and returns the newest `size`.
   * With free text the FTS table drives the query: it yields rowids newest first and
   * honours the range, so the first page of a common word costs no more than a rare one.
   */
  search(query: QueryAst, range: readonly [number, number], size: number, countLimit: number): { count: number; hits: PartitionHit[] } {
    const multiValued = new Set(this.statement('SELECT field FROM multi_valued').pluck().all() as string[]);
    const columns = multiValued.size === 0 ? INDEXED_COLUMNS : new Map([...INDEXED_COLUMNS].filter(([field]) => !multiValued.has(field)));
    const compiled = toSqlWhere(query, { documentColumn: 'doc', fullTextTable: 'events_fts', columns, tableAlias: 'e', fullText: 'separate' });
    const where: SqlValue[] = [...compiled.params];
    let fromClause: string;
    let order: string;
    let head: SqlValue[];
    if (compiled.match === undefined) {
      fromClause = 'events e WHERE e.time_key BETWEEN ? AND ?';
      order = 'e.time_key';
      head = [range[0], range[1]];
    } else {
      fromClause = 'events_fts f CROSS JOIN events e ON e.time_key = f.rowid WHERE f.events_fts MATCH ? AND f.rowid BETWEEN ? AND ?';
      order = 'f.rowid';
      head = [compiled.match, range[0], range[1]];
    }
    const condition = compiled.where === '1' ? '' : ` AND (${compiled.where})`;
    let count = 0;
    if (countLimit > 0) {
      const countSql =
        compiled.match !== undefined && condition === ''
          ? 'SELECT count(*) FROM (SELECT 1 FROM events_fts WHERE events_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?)'
          : `SELECT count(*) FROM (SELECT 1 FROM ${fromClause}${condition} LIMIT ?)`;
      const countParams = condition === '' ? [...head, countLimit] : [...head, ...where, countLimit];
      count = this.statement(countSql).pluck().get(...countParams) as number;
    }
    if (size === 0) return { count, hits: [] };
    const rows = this.statement(`SELECT e.time_key AS key, e.id AS id, e.doc AS json FROM ${fromClause}${condition} ORDER BY ${order} DESC LIMIT ?`).all(
      ...head,
      ...where,
      size,
    ) as { key: number; id: string; json: string }[];
    return { count, hits: rows.map((row) => ({ time: timeOfKey(this.start, row.key), id: row.id, json: row.json })) };
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
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
