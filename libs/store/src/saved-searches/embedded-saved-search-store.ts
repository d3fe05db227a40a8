import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreErrorCodes } from '../errors';
import { storeErrorFrom } from '../embedded/sqlite-errors';
import type { SavedSearch, SavedSearchInput, SavedSearchStore } from './types';

/** Saved searches of a deployment without OpenSearch: `<dataDir>/store/saved-searches.sqlite`, one row per search. */
export class EmbeddedSavedSearchStore implements SavedSearchStore {
  readonly file: string;
  private database: Database.Database | undefined;

  constructor(options: { readonly dataDir: string }) {
    this.file = path.join(options.dataDir, 'store', 'saved-searches.sqlite');
  }

  async ensureReady(): Promise<void> {
    this.db();
  }

  async list(): Promise<SavedSearch[]> {
    return this.run('Listing saved searches', (db) => (db.prepare('SELECT doc FROM saved_searches ORDER BY name, id').pluck().all() as string[]).map((doc) => JSON.parse(doc)));
  }

  async get(id: string): Promise<SavedSearch | undefined> {
    return this.run('Reading a saved search', (db) => {
      const doc = db.prepare('SELECT doc FROM saved_searches WHERE id = ?').pluck().get(id) as string | undefined;
      return doc === undefined ? undefined : JSON.parse(doc);
    });
  }

  async create(input: SavedSearchInput): Promise<SavedSearch> {
    const now = new Date().toISOString();
    const saved: SavedSearch = { ...input, id: randomUUID(), createdAt: now, updatedAt: now };
    return this.run('Saving a search', (db) => {
      db.prepare('INSERT INTO saved_searches (id, name, doc) VALUES (?, ?, ?)').run(saved.id, saved.name, JSON.stringify(saved));
      return saved;
    });
  }

  async update(id: string, input: SavedSearchInput): Promise<SavedSearch | undefined> {
    return this.run('Updating a saved search', (db) =>
      db.transaction(() => {
        const doc = db.prepare('SELECT doc FROM saved_searches WHERE id = ?').pluck().get(id) as string | undefined;
        if (doc === undefined) return undefined;
        const saved: SavedSearch = { ...input, id, createdAt: (JSON.parse(doc) as SavedSearch).createdAt, updatedAt: new Date().toISOString() };
        db.prepare('UPDATE saved_searches SET name = ?, doc = ? WHERE id = ?').run(saved.name, JSON.stringify(saved), id);
        return saved;
      }).immediate(),
    );
  }

  async delete(id: string): Promise<boolean> {
    return this.run('Deleting a saved search', (db) => db.prepare('DELETE FROM saved_searches WHERE id = ?').run(id).changes === 1);
  }

  async close(): Promise<void> {
    this.database?.close();
    this.database = undefined;
  }

  private run<T>(what: string, work: (db: Database.Database) => T): T {
    try {
      return work(this.db());
    } catch (cause) {
      throw storeErrorFrom(cause, StoreErrorCodes.unavailable, what, this.file);
    }
  }

  private db(): Database.Database {
    if (this.database) return this.database;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const db = new Database(this.file, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS saved_searches (id TEXT PRIMARY KEY, name TEXT NOT NULL, doc TEXT NOT NULL)');
    this.database = db;
    return db;
  }
}
