import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { encodeCursor } from '../cursor';
import { StoreErrorCodes } from '../errors';
import { storeErrorFrom } from '../embedded/sqlite-errors';
import { pageStart, statusRange, timeMs } from './audit-filter';
import type { AuditPage, AuditQuery, AuditRecord, AuditStore } from './types';

/**
 * The audit trail of a deployment without OpenSearch: `<dataDir>/store/audit.sqlite`. Triggers
 * refuse every UPDATE and DELETE, so a record, once written, stays as it was for anyone who
 * reaches the table through SQL short of dropping the triggers (host access: docs/security.md).
 */
export class EmbeddedAuditStore implements AuditStore {
  readonly file: string;
  private database: Database.Database | undefined;

  constructor(options: { readonly dataDir: string }) {
    this.file = path.join(options.dataDir, 'store', 'audit.sqlite');
  }

  async ensureReady(): Promise<void> {
    this.run('Opening the audit trail', () => undefined);
  }

  async append(records: readonly AuditRecord[]): Promise<void> {
    this.run('Writing audit records', (db) => {
      const insert = db.prepare(
        'INSERT OR IGNORE INTO audit (id, time_ms, tenant, principal_id, principal_name, method, route, status, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      db.transaction(() => {
        for (const record of records) {
          insert.run(record.id, Date.parse(record['@timestamp']), record.tenant, record.principal?.id ?? null, record.principal?.name ?? null, record.method, record.route, record.status, JSON.stringify(record));
        }
      })();
    });
  }

  async search(query: AuditQuery): Promise<AuditPage> {
    const where = ['tenant = ?'];
    const values: (string | number)[] = [query.tenant];
    if (query.from !== undefined) {
      where.push('time_ms >= ?');
      values.push(timeMs('from', query.from));
    }
    if (query.to !== undefined) {
      where.push('time_ms <= ?');
      values.push(timeMs('to', query.to));
    }
    if (query.principal !== undefined) {
      where.push('(principal_id = ? OR principal_name = ?)');
      values.push(query.principal, query.principal);
    }
    if (query.route !== undefined) {
      where.push('route = ?');
      values.push(query.route);
    }
    if (query.method !== undefined) {
      where.push('method = ?');
      values.push(query.method.toUpperCase());
    }
    if (query.status !== undefined) {
      where.push('status BETWEEN ? AND ?');
      values.push(...statusRange(query.status));
    }
    const start = pageStart(query);
    if (start) {
      where.push('(time_ms < ? OR (time_ms = ? AND id < ?))');
      values.push(start.timeMs, start.timeMs, start.id);
    }
    const docs = this.run('Searching the audit trail', (db) =>
      db.prepare(`SELECT doc FROM audit WHERE ${where.join(' AND ')} ORDER BY time_ms DESC, id DESC LIMIT ?`).pluck().all(...values, query.size + 1) as string[],
    );
    const records = docs.slice(0, query.size).map((doc) => JSON.parse(doc) as AuditRecord);
    const last = records.at(-1);
    return docs.length > query.size && last ? { records, next: encodeCursor([Date.parse(last['@timestamp']), last.id]) } : { records };
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
    db.exec(`
      CREATE TABLE IF NOT EXISTS audit (
        id TEXT PRIMARY KEY, time_ms INTEGER NOT NULL, tenant TEXT NOT NULL, principal_id TEXT, principal_name TEXT,
        method TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS audit_by_tenant_time ON audit (tenant, time_ms DESC, id DESC);
      CREATE TRIGGER IF NOT EXISTS audit_refuses_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS audit_refuses_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
      -- INSERT OR REPLACE deletes without firing delete triggers: a second insert of an id is skipped instead.
      CREATE TRIGGER IF NOT EXISTS audit_keeps_first_insert BEFORE INSERT ON audit WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) BEGIN SELECT RAISE(IGNORE); END;
    `);
    this.database = db;
    return db;
  }
}
