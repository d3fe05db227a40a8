import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QueryError, registerSqlFunctions, toSqlWhere, type SqlValue } from '@siem/query';
import { StoreError, StoreErrorCodes } from '../errors';
import { TERM_FIELD_SET, fullTextOf, termsOf } from '../embedded/fields';
import { storeErrorFrom, unavailable } from '../embedded/sqlite-errors';
import { parseTimeBound, parseTimestamp } from '../embedded/time-key';
import { byTitle, matchesRuleFilter, sameDocument } from './rule-filter';
import { firstOfGroup, mergeSuppressed } from './suppression-merge';
import type {
  AlertChange,
  AlertModification,
  AlertSearch,
  AlertSearchResult,
  AlertWriteResult,
  DetectionStore,
  RuleDocument,
  RuleFilter,
  RuleSaveResult,
  StoredAlert,
  StoredRule,
} from './types';

export interface EmbeddedDetectionStoreOptions {
  /** The data directory; rules and alerts live in `<dataDir>/store/detection.sqlite`. */
  readonly dataDir: string;
  readonly busyTimeoutMs?: number;
}

const SCHEMA_VERSION = 1;

// Every rule version is kept in rule_versions (the current one too), so the history is one
// query; `rules` holds the current version. meta.revision counts the changes for the workers.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS rules (id TEXT PRIMARY KEY, version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rule_versions (id TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (id, version));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', 0);
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT NOT NULL UNIQUE, time INTEGER NOT NULL, detected INTEGER NOT NULL,
  rule_id TEXT NOT NULL, level TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_by_detection ON alerts (detected);
CREATE INDEX IF NOT EXISTS alerts_by_rule ON alerts (rule_id, detected);
CREATE VIRTUAL TABLE IF NOT EXISTS alerts_fts USING fts5(
  message, terms, content='', contentless_delete=1,
  tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'"
);
`;

interface RuleRow {
  version: number;
  created_at: string;
  updated_at: string;
  doc: string;
}

function storedRule(row: RuleRow): StoredRule {
  return { rule: JSON.parse(row.doc) as RuleDocument, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at };
}

/**
 * Rules and alerts of a deployment without OpenSearch: one SQLite database (WAL) that the
 * API writes and every processor worker reads and appends alerts to.
 */
export class EmbeddedDetectionStore implements DetectionStore {
  readonly file: string;
  private database: Database.Database | undefined;
  private alertInserts: { row: Database.Statement; text: Database.Statement } | undefined;

  constructor(private readonly options: EmbeddedDetectionStoreOptions) {
    this.file = path.join(options.dataDir, 'store', 'detection.sqlite');
  }

  async ensureReady(): Promise<void> {
    try {
      this.db();
    } catch (cause) {
      throw new StoreError(StoreErrorCodes.setupFailed, `The rule and alert database ${this.file} cannot be opened: ${(cause as Error).message}. Point SIEM_DATA_DIR at a writable directory.`, {
        cause,
        retryable: false,
      });
    }
  }

  async listRules(filter: RuleFilter = {}): Promise<StoredRule[]> {
    const rows = this.read('Listing the rules', (db) => db.prepare('SELECT version, created_at, updated_at, doc FROM rules').all() as RuleRow[]);
    return rows
      .map(storedRule)
      .filter((stored) => matchesRuleFilter(stored.rule, filter))
      .sort(byTitle);
  }

  async getRule(id: string): Promise<StoredRule | undefined> {
    const row = this.read('Reading a rule', (db) => db.prepare('SELECT version, created_at, updated_at, doc FROM rules WHERE id = ?').get(id) as RuleRow | undefined);
    return row && storedRule(row);
  }

  async saveRules(rules: readonly RuleDocument[]): Promise<RuleSaveResult[]> {
    const now = new Date().toISOString();
    return this.write('Saving rules', (db) => {
      const current = db.prepare('SELECT version, created_at, updated_at, doc FROM rules WHERE id = ?');
      const upsert = db.prepare(
        'INSERT INTO rules (id, version, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, doc = excluded.doc',
      );
      const history = db.prepare('INSERT OR REPLACE INTO rule_versions (id, version, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?)');
      const results: RuleSaveResult[] = [];
      let changed = false;
      db.transaction(() => {
        for (const rule of rules) {
          const previous = current.get(rule.id) as RuleRow | undefined;
          if (previous && sameDocument(JSON.parse(previous.doc), rule)) {
            results.push({ stored: storedRule(previous), outcome: 'unchanged' });
            continue;
          }
          const version = (previous?.version ?? 0) + 1;
          const createdAt = previous?.created_at ?? now;
          const doc = JSON.stringify(rule);
          upsert.run(rule.id, version, createdAt, now, doc);
          history.run(rule.id, version, createdAt, now, doc);
          results.push({ stored: { rule, version, createdAt, updatedAt: now }, outcome: previous ? 'updated' : 'created' });
          changed = true;
        }
        if (changed) bumpRevision(db);
      }).immediate();
      return results;
    });
  }

  async deleteRule(id: string): Promise<boolean> {
    return this.write('Deleting a rule', (db) =>
      db
        .transaction(() => {
          const deleted = db.prepare('DELETE FROM rules WHERE id = ?').run(id).changes > 0;
          db.prepare('DELETE FROM rule_versions WHERE id = ?').run(id);
          if (deleted) bumpRevision(db);
          return deleted;
        })
        .immediate(),
    );
  }

  async ruleVersions(id: string): Promise<StoredRule[]> {
    const rows = this.read('Reading rule versions', (db) => db.prepare('SELECT version, created_at, updated_at, doc FROM rule_versions WHERE id = ? ORDER BY version DESC').all(id) as RuleRow[]);
    return rows.map(storedRule);
  }

  async rulesRevision(): Promise<string> {
    return String(this.read('Reading the rules revision', (db) => db.prepare("SELECT value FROM meta WHERE key = 'revision'").pluck().get()));
  }

  async writeAlerts(alerts: readonly StoredAlert[]): Promise<AlertWriteResult> {
    if (alerts.length === 0) return { rejected: [], created: [] };
    return this.write(`Writing ${alerts.length} alerts`, (db) => {
      const created: string[] = [];
      db.transaction(() => {
        for (const stored of alerts) if (this.insertAlert(db, stored)) created.push(stored.id);
      }).immediate();
      return { rejected: [], created };
    });
  }

  async mergeAlerts(alerts: readonly StoredAlert[]): Promise<AlertWriteResult> {
    if (alerts.length === 0) return { rejected: [], created: [] };
    return this.write(`Merging ${alerts.length} suppressed alerts`, (db) => {
      const created: string[] = [];
      const current = db.prepare('SELECT doc FROM alerts WHERE id = ?').pluck();
      const update = db.prepare('UPDATE alerts SET doc = ? WHERE id = ?');
      // An immediate transaction holds the write lock from the read on: concurrent workers merge one after another.
      db.transaction(() => {
        for (const stored of alerts) {
          const doc = current.get(stored.id) as string | undefined;
          if (doc === undefined) {
            this.insertAlert(db, { id: stored.id, alert: firstOfGroup(stored.alert) });
            created.push(stored.id);
            continue;
          }
          const merged = mergeSuppressed(JSON.parse(doc), stored.alert);
          if (merged) update.run(JSON.stringify(merged), stored.id);
        }
      }).immediate();
      return { rejected: [], created };
    });
  }

  async modifyAlerts(ids: readonly string[], change: AlertChange): Promise<AlertModification[]> {
    if (ids.length === 0) return [];
    return this.write(`Changing ${ids.length} alerts`, (db) => {
      const current = db.prepare('SELECT doc FROM alerts WHERE id = ?').pluck();
      const update = db.prepare('UPDATE alerts SET doc = ?, status = ? WHERE id = ?');
      return db
        .transaction(() =>
          ids.map((id): AlertModification => {
            const doc = current.get(id) as string | undefined;
            if (doc === undefined) return { id, outcome: 'not_found' };
            const before: StoredAlert = { id, alert: JSON.parse(doc) };
            const after = change(before);
            if (after === undefined) return { id, outcome: 'unchanged', alert: before };
            update.run(JSON.stringify(after), after.alert.status, id);
            return { id, outcome: 'updated', alert: { id, alert: after } };
          }),
        )
        .immediate();
    });
  }

  async searchAlerts(search: AlertSearch): Promise<AlertSearchResult> {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    if (search.query) {
      const compiled = toSqlWhere(search.query, { documentColumn: 'doc', fullTextTable: 'alerts_fts', termFields: TERM_FIELD_SET, tableAlias: 'a' });
      conditions.push(`(${compiled.where})`);
      params.push(...compiled.params);
    }
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      conditions.push(`a.${column} = ?`);
      params.push(value);
    };
    equal('rule_id', search.ruleId);
    equal('level', search.level);
    equal('status', search.status);
    if (search.from !== undefined) {
      conditions.push('a.time >= ?');
      params.push(timeBound(search.from, 'from'));
    }
    if (search.to !== undefined) {
      conditions.push('a.time <= ?');
      params.push(timeBound(search.to, 'to'));
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.read('Searching alerts', (db) => {
      const total = db.prepare(`SELECT count(*) FROM alerts a ${where}`).pluck().get(...params) as number;
      const rows = db.prepare(`SELECT a.id AS id, a.doc AS doc FROM alerts a ${where} ORDER BY a.detected DESC, a.rowid DESC LIMIT ?`).all(...params, search.size) as {
        id: string;
        doc: string;
      }[];
      return { total, alerts: rows.map((row) => ({ id: row.id, alert: JSON.parse(row.doc) })) };
    });
  }

  async getAlert(id: string): Promise<StoredAlert | undefined> {
    const doc = this.read('Reading an alert', (db) => db.prepare('SELECT doc FROM alerts WHERE id = ?').pluck().get(id) as string | undefined);
    return doc === undefined ? undefined : { id, alert: JSON.parse(doc) };
  }

  async close(): Promise<void> {
    this.database?.close();
    this.database = undefined;
    this.alertInserts = undefined;
  }

  /** Inserts an alert with its full-text row; a known id is left alone (false). */
  private insertAlert(db: Database.Database, { id, alert }: StoredAlert): boolean {
    this.alertInserts ??= {
      row: db.prepare('INSERT INTO alerts (id, time, detected, rule_id, level, status, doc) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING rowid'),
      text: db.prepare('INSERT INTO alerts_fts (rowid, message, terms) VALUES (?, ?, ?)'),
    };
    const time = parseTimestamp(alert['@timestamp']) ?? Date.parse(alert.alert.detected_at);
    const row = this.alertInserts.row.get(id, time, Date.parse(alert.alert.detected_at), alert.rule.id, alert.rule.level, alert.alert.status, JSON.stringify(alert)) as
      | { rowid: number }
      | undefined;
    if (row) this.alertInserts.text.run(row.rowid, fullTextOf(alert), termsOf(alert));
    return row !== undefined;
  }

  private db(): Database.Database {
    if (this.database) return this.database;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const db = new Database(this.file, { timeout: this.options.busyTimeoutMs ?? 5000 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Compiled alert queries call siem_ip_key for ip fields.
      registerSqlFunctions(db);
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw new Error(`${this.file} has schema version ${version}; this version of the store reads ${SCHEMA_VERSION} at most.`);
      if (version < SCHEMA_VERSION) {
        db.transaction(() => {
          db.exec(SCHEMA);
          db.pragma(`user_version = ${SCHEMA_VERSION}`);
        }).immediate();
      }
    } catch (error) {
      db.close();
      throw error;
    }
    this.database = db;
    return db;
  }

  private read<T>(action: string, operation: (db: Database.Database) => T): T {
    try {
      return operation(this.db());
    } catch (cause) {
      if (cause instanceof StoreError || cause instanceof QueryError) throw cause;
      throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, action, this.file);
    }
  }

  private write<T>(action: string, operation: (db: Database.Database) => T): T {
    try {
      return operation(this.db());
    } catch (cause) {
      throw unavailable(cause, action, this.file);
    }
  }
}

function bumpRevision(db: Database.Database): void {
  db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'revision'").run();
}

function timeBound(value: string, name: string): number {
  const ms = parseTimeBound(value);
  if (ms === undefined) throw new StoreError(StoreErrorCodes.searchFailed, `The alert search's ${name} time "${value}" is neither ISO 8601 nor epoch milliseconds.`, { retryable: false });
  return ms;
}
