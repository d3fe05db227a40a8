import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, StoreErrorCodes } from '../errors';
import { storeErrorFrom, unavailable } from '../embedded/sqlite-errors';
import type { ActionDeadLetter, ActionDeadLetterPage, ActionDeadLetterStore } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS action_dead_letters (id TEXT PRIMARY KEY, failed_at TEXT NOT NULL, rule_id TEXT NOT NULL, tenant TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS action_dead_letters_by_time ON action_dead_letters (failed_at);
`;

/** Dead letters of notifications in `<dataDir>/store/action-dead-letters.sqlite` (WAL: workers write, the API reads). */
export class EmbeddedActionDeadLetterStore implements ActionDeadLetterStore {
  readonly file: string;
  private database: Database.Database | undefined;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'store', 'action-dead-letters.sqlite');
  }

  async ensureReady(): Promise<void> {
    try {
      this.db();
    } catch (cause) {
      throw new StoreError(StoreErrorCodes.setupFailed, `The action dead-letter database ${this.file} cannot be opened: ${(cause as Error).message}. Point SIEM_DATA_DIR at a writable directory.`, {
        cause,
        retryable: false,
      });
    }
  }

  async add(letter: ActionDeadLetter): Promise<void> {
    this.run('Keeping a failed notification', () =>
      this.db()
        .prepare('INSERT OR REPLACE INTO action_dead_letters (id, failed_at, rule_id, tenant, doc) VALUES (?, ?, ?, ?, ?)')
        .run(letter.id, letter.failed_at, letter.rule_id, letter.tenant, JSON.stringify(letter)),
    );
  }

  async list({ size, ruleId, tenant }: { size: number; ruleId?: string; tenant?: string }): Promise<ActionDeadLetterPage> {
    return this.read('Listing failed notifications', (db) => {
      const conditions = [...(ruleId === undefined ? [] : ['rule_id = ?']), ...(tenant === undefined ? [] : ['tenant = ?'])];
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      const params = [...(ruleId === undefined ? [] : [ruleId]), ...(tenant === undefined ? [] : [tenant])];
      const total = db.prepare(`SELECT count(*) FROM action_dead_letters ${where}`).pluck().get(...params) as number;
      const docs = db.prepare(`SELECT doc FROM action_dead_letters ${where} ORDER BY failed_at DESC, id DESC LIMIT ?`).pluck().all(...params, size) as string[];
      return { total, letters: docs.map((doc) => JSON.parse(doc) as ActionDeadLetter) };
    });
  }

  async get(id: string): Promise<ActionDeadLetter | undefined> {
    const doc = this.read('Reading a failed notification', (db) => db.prepare('SELECT doc FROM action_dead_letters WHERE id = ?').pluck().get(id) as string | undefined);
    return doc === undefined ? undefined : (JSON.parse(doc) as ActionDeadLetter);
  }

  async remove(id: string): Promise<boolean> {
    return this.run('Removing a failed notification', () => this.db().prepare('DELETE FROM action_dead_letters WHERE id = ?').run(id).changes > 0);
  }

  async close(): Promise<void> {
    this.database?.close();
    this.database = undefined;
  }

  private db(): Database.Database {
    if (this.database) return this.database;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const db = new Database(this.file, { timeout: 5000 });
    try {
      db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
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
      throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, action, this.file);
    }
  }

  private run<T>(action: string, operation: () => T): T {
    try {
      return operation();
    } catch (cause) {
      throw unavailable(cause, action, this.file);
    }
  }
}
