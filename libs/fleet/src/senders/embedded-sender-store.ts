import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Sender, SenderKind, SenderStore, UnknownSender } from './sender';

/** Senders of a deployment without OpenSearch: `<dataDir>/store/senders.sqlite`, shared by the API and the processor workers. */
export class EmbeddedSenderStore implements SenderStore {
  readonly file: string;
  private database: Database.Database | undefined;

  constructor(options: { readonly dataDir: string }) {
    this.file = path.join(options.dataDir, 'store', 'senders.sqlite');
  }

  async ensureReady(): Promise<void> {
    this.db();
  }

  async list(tenant: string): Promise<Sender[]> {
    return this.docs(this.db().prepare('SELECT doc FROM senders WHERE tenant = ? ORDER BY kind, id').pluck().all(tenant));
  }

  async listAll(): Promise<Sender[]> {
    return this.docs(this.db().prepare('SELECT doc FROM senders').pluck().all());
  }

  async get(tenant: string, kind: SenderKind, id: string): Promise<Sender | undefined> {
    const doc = this.db().prepare('SELECT doc FROM senders WHERE tenant = ? AND kind = ? AND id = ?').pluck().get(tenant, kind, id) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as Sender);
  }

  async put(sender: Sender): Promise<void> {
    const db = this.db();
    db.transaction(() => {
      db.prepare('INSERT INTO senders (tenant, kind, id, doc) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, kind, id) DO UPDATE SET doc = excluded.doc').run(sender.tenant, sender.kind, sender.id, JSON.stringify(sender));
      db.prepare('DELETE FROM unknown_senders WHERE tenant = ? AND kind = ? AND id = ?').run(sender.tenant, sender.kind, sender.id);
    }).immediate();
  }

  async delete(tenant: string, kind: SenderKind, id: string): Promise<boolean> {
    return this.db().prepare('DELETE FROM senders WHERE tenant = ? AND kind = ? AND id = ?').run(tenant, kind, id).changes > 0;
  }

  async recordUnknown(sightings: readonly UnknownSender[]): Promise<void> {
    const db = this.db();
    const upsert = db.prepare(
      `INSERT INTO unknown_senders (tenant, kind, id, first_seen, last_seen, events) VALUES (@tenant, @kind, @id, @firstSeen, @lastSeen, @events)
       ON CONFLICT (tenant, kind, id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen), first_seen = min(first_seen, excluded.first_seen), events = events + excluded.events`,
    );
    db.transaction(() => sightings.forEach((sighting) => upsert.run(sighting))).immediate();
  }

  async listUnknown(tenant: string): Promise<UnknownSender[]> {
    return this.db()
      .prepare('SELECT kind, id, tenant, first_seen AS firstSeen, last_seen AS lastSeen, events FROM unknown_senders WHERE tenant = ? ORDER BY events DESC, kind, id')
      .all(tenant) as UnknownSender[];
  }

  async close(): Promise<void> {
    this.database?.close();
    this.database = undefined;
  }

  private docs(rows: unknown[]): Sender[] {
    return (rows as string[]).map((doc) => JSON.parse(doc) as Sender);
  }

  private db(): Database.Database {
    if (this.database) return this.database;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    // The API writes while processor workers read and record sightings: WAL keeps readers from waiting.
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS senders (tenant TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tenant, kind, id))');
    db.exec('CREATE TABLE IF NOT EXISTS unknown_senders (tenant TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, events INTEGER NOT NULL, PRIMARY KEY (tenant, kind, id))');
    this.database = db;
    return db;
  }
}
