import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuthError, AuthErrorCodes } from '../errors';
import type { ApiKeyRecord, KeyStore } from './key-store';

/**
 * API keys of a deployment without OpenSearch: one SQLite file (`<dataDir>/auth/api-keys.sqlite`)
 * that every API process on the host opens, so a key revoked through one is refused by all.
 */
export class EmbeddedKeyStore implements KeyStore {
  readonly file: string;
  private database: Database.Database | undefined;

  constructor(options: { readonly dataDir: string }) {
    this.file = path.join(options.dataDir, 'auth', 'api-keys.sqlite');
  }

  async ensureReady(): Promise<void> {
    this.run('Opening the key store', () => undefined);
  }

  async insert(record: ApiKeyRecord): Promise<boolean> {
    return this.run('Storing a key', (db) => db.prepare('INSERT OR IGNORE INTO api_keys (id, tenant, doc) VALUES (?, ?, ?)').run(record.id, record.tenant, JSON.stringify(record)).changes === 1);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    return this.run('Reading a key', (db) => {
      const doc = db.prepare('SELECT doc FROM api_keys WHERE id = ?').pluck().get(id) as string | undefined;
      return doc === undefined ? undefined : (JSON.parse(doc) as ApiKeyRecord);
    });
  }

  async list(tenant?: string): Promise<ApiKeyRecord[]> {
    return this.run('Listing keys', (db) => {
      const docs = (tenant === undefined ? db.prepare('SELECT doc FROM api_keys ORDER BY rowid') : db.prepare('SELECT doc FROM api_keys WHERE tenant = ? ORDER BY rowid')).pluck().all(...(tenant === undefined ? [] : [tenant])) as string[];
      return docs.map((doc) => JSON.parse(doc) as ApiKeyRecord);
    });
  }

  async revoke(id: string): Promise<boolean> {
    return this.update('Revoking a key', id, (record) => ({ ...record, revoked: true }));
  }

  async touch(id: string, lastUsedAt: string): Promise<void> {
    await this.update('Recording the last use of a key', id, (record) => ({ ...record, lastUsedAt }));
  }

  async close(): Promise<void> {
    this.database?.close();
    this.database = undefined;
  }

  private update(what: string, id: string, change: (record: ApiKeyRecord) => ApiKeyRecord): boolean {
    return this.run(what, (db) =>
      db.transaction(() => {
        const doc = db.prepare('SELECT doc FROM api_keys WHERE id = ?').pluck().get(id) as string | undefined;
        if (doc === undefined) return false;
        db.prepare('UPDATE api_keys SET doc = ? WHERE id = ?').run(JSON.stringify(change(JSON.parse(doc) as ApiKeyRecord)), id);
        return true;
      }).immediate(),
    );
  }

  private run<T>(what: string, work: (db: Database.Database) => T): T {
    try {
      return work(this.db());
    } catch (cause) {
      throw new AuthError(AuthErrorCodes.storeFailed, `${what} failed in ${this.file}: ${(cause as Error).message}. Check that the data directory is writable.`, { cause });
    }
  }

  private db(): Database.Database {
    if (this.database) return this.database;
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const db = new Database(this.file, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, doc TEXT NOT NULL)');
    fs.chmodSync(this.file, 0o600);
    this.database = db;
    return db;
  }
}
