import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, StoreErrorCodes } from '../errors';
import { unavailable } from '../embedded/sqlite-errors';
import { checkpointText, type Checkpoint, type Lease, type SchedulerStateStore } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, epoch INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, version INTEGER NOT NULL, saved_at TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS throttles (key TEXT PRIMARY KEY, window_start INTEGER NOT NULL, sent INTEGER NOT NULL);
`;

interface LeaseRow {
  holder: string;
  epoch: number;
  expires_at: number;
}

/**
 * Leases, checkpoints and throttles of a deployment without OpenSearch: `<dataDir>/store/state.sqlite`.
 * Each lease change, checkpoint write and throttle count is one IMMEDIATE transaction (read, compare, write
 * under SQLite's write lock), which is the compare-and-set between processes on this host.
 */
export class EmbeddedSchedulerStateStore implements SchedulerStateStore {
  readonly file: string;
  private database: Database.Database | undefined;

  constructor(options: { readonly dataDir: string; readonly busyTimeoutMs?: number }) {
    this.file = path.join(options.dataDir, 'store', 'state.sqlite');
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  }

  private readonly busyTimeoutMs: number;

  async ensureReady(): Promise<void> {
    this.db();
  }

  async acquireLease(name: string, holder: string, ttlMs: number, now = Date.now()): Promise<Lease | undefined> {
    return this.run('Taking the scheduler lease', (db) =>
      db
        .transaction((): Lease | undefined => {
          const row = db.prepare('SELECT holder, epoch, expires_at FROM leases WHERE name = ?').get(name) as LeaseRow | undefined;
          if (row && row.holder !== holder && row.expires_at > now) return undefined;
          const epoch = row === undefined ? 1 : row.holder === holder && row.expires_at > now ? row.epoch : row.epoch + 1;
          const expiresAt = now + ttlMs;
          db.prepare('INSERT INTO leases (name, holder, epoch, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, epoch = excluded.epoch, expires_at = excluded.expires_at').run(
            name,
            holder,
            epoch,
            expiresAt,
          );
          return { name, holder, epoch, expiresAt };
        })
        .immediate(),
    );
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    // Expired now rather than deleted: the epoch must keep growing across holders.
    await this.run('Releasing the scheduler lease', (db) => db.prepare('UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ?').run(name, holder));
  }

  async readLease(name: string): Promise<Lease | undefined> {
    return this.run('Reading the scheduler lease', (db) => {
      const row = db.prepare('SELECT holder, epoch, expires_at FROM leases WHERE name = ?').get(name) as LeaseRow | undefined;
      return row === undefined ? undefined : { name, holder: row.holder, epoch: row.epoch, expiresAt: row.expires_at };
    });
  }

  async readCheckpoint(name: string): Promise<Checkpoint | undefined> {
    return this.run('Reading a checkpoint', (db) => {
      const row = db.prepare('SELECT version, saved_at, state FROM checkpoints WHERE name = ?').get(name) as { version: number; saved_at: string; state: string } | undefined;
      return row === undefined ? undefined : { name, version: row.version, savedAt: row.saved_at, state: JSON.parse(row.state) as unknown };
    });
  }

  async writeCheckpoint(name: string, state: unknown, expectedVersion: number): Promise<number> {
    const text = checkpointText(state);
    const version = this.run('Writing a checkpoint', (db) =>
      db
        .transaction((): number | undefined => {
          const stored = (db.prepare('SELECT version FROM checkpoints WHERE name = ?').pluck().get(name) as number | undefined) ?? 0;
          if (stored !== expectedVersion) return undefined;
          db.prepare('INSERT INTO checkpoints (name, version, saved_at, state) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version, saved_at = excluded.saved_at, state = excluded.state').run(
            name,
            stored + 1,
            new Date().toISOString(),
            text,
          );
          return stored + 1;
        })
        .immediate(),
    );
    if (version === undefined) throw checkpointConflict(name, expectedVersion);
    return version;
  }

  async takeThrottle(key: string, windowStart: number, max: number): Promise<boolean> {
    return this.run('Counting a notification against its throttle', (db) =>
      db
        .transaction((): boolean => {
          const row = db.prepare('SELECT window_start, sent FROM throttles WHERE key = ?').get(key) as { window_start: number; sent: number } | undefined;
          const sent = row === undefined || row.window_start !== windowStart ? 0 : row.sent;
          if (sent >= max) return false;
          // One row per action: a new window replaces the last one's count.
          db.prepare('INSERT INTO throttles (key, window_start, sent) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, sent = excluded.sent').run(key, windowStart, sent + 1);
          return true;
        })
        .immediate(),
    );
  }

  async close(): Promise<void> {
    this.database?.close();
    this.database = undefined;
  }

  private db(): Database.Database {
    if (this.database) return this.database;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const db = new Database(this.file);
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      db.exec(SCHEMA);
      this.database = db;
      return db;
    } catch (cause) {
      throw new StoreError(StoreErrorCodes.setupFailed, `Could not open the scheduler state at ${this.file}: ${(cause as Error).message}. Check SIEM_DATA_DIR.`, { cause, retryable: false });
    }
  }

  private run<T>(what: string, work: (db: Database.Database) => T): T {
    const db = this.db();
    try {
      return work(db);
    } catch (cause) {
      throw unavailable(cause, what, this.file);
    }
  }
}

export function checkpointConflict(name: string, expectedVersion: number): StoreError {
  return new StoreError(
    StoreErrorCodes.conflict,
    `Checkpoint ${name} was written by another process since version ${expectedVersion}: this scheduler lost its lease; it stops and the active one goes on.`,
    { retryable: false },
  );
}
