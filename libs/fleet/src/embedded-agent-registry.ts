import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AgentConfig } from './agent-config';
import type { AgentRecord } from './agent-health';
import { nextRecord, type AgentRegistry } from './agent-registry';
import type { Heartbeat } from './heartbeat';

/**
 * Version 1 keyed agents by id alone (so agents of two tenants with one id overwrote each
 * other); version 2 keys them by tenant and id.
 */
const SCHEMA_VERSION = 2;

/** The agents of a deployment without OpenSearch: `<dataDir>/store/agents.sqlite`, one row per tenant and agent id. */
export class EmbeddedAgentRegistry implements AgentRegistry {
  readonly file: string;
  private database: Database.Database | undefined;

  constructor(options: { readonly dataDir: string }) {
    this.file = path.join(options.dataDir, 'store', 'agents.sqlite');
  }

  async ensureReady(): Promise<void> {
    this.db();
  }

  async record(heartbeat: Heartbeat, receivedAt: string): Promise<void> {
    const db = this.db();
    db.transaction(() => {
      const doc = db.prepare('SELECT doc FROM agents WHERE tenant = ? AND id = ?').pluck().get(heartbeat.tenant, heartbeat.id) as string | undefined;
      const record = nextRecord(doc === undefined ? undefined : (JSON.parse(doc) as AgentRecord), heartbeat, receivedAt);
      db.prepare('INSERT INTO agents (tenant, id, doc) VALUES (?, ?, ?) ON CONFLICT (tenant, id) DO UPDATE SET doc = excluded.doc').run(heartbeat.tenant, heartbeat.id, JSON.stringify(record));
    }).immediate();
  }

  async list(tenant: string): Promise<AgentRecord[]> {
    return (this.db().prepare('SELECT doc FROM agents WHERE tenant = ? ORDER BY id').pluck().all(tenant) as string[]).map((doc) => JSON.parse(doc) as AgentRecord);
  }

  async listAllTenants(): Promise<AgentRecord[]> {
    return (this.db().prepare('SELECT doc FROM agents ORDER BY tenant, id').pluck().all() as string[]).map((doc) => JSON.parse(doc) as AgentRecord);
  }

  async markAlerted(tenant: string, id: string, lastSeen: string): Promise<void> {
    this.db().prepare("UPDATE agents SET doc = json_set(doc, '$.alertedFor', ?) WHERE tenant = ? AND id = ?").run(lastSeen, tenant, id);
  }

  async getConfig(tenant: string, target: string): Promise<AgentConfig | undefined> {
    const doc = this.db().prepare('SELECT doc FROM agent_configs WHERE tenant = ? AND target = ?').pluck().get(tenant, target) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as AgentConfig);
  }

  async setConfig(config: AgentConfig): Promise<void> {
    this.db()
      .prepare('INSERT INTO agent_configs (tenant, target, doc) VALUES (?, ?, ?) ON CONFLICT (tenant, target) DO UPDATE SET doc = excluded.doc')
      .run(config.tenant, config.target, JSON.stringify(config));
  }

  async close(): Promise<void> {
    this.database?.close();
    this.database = undefined;
  }

  private db(): Database.Database {
    if (this.database) return this.database;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    try {
      // The API writes heartbeats while its readers list: WAL lets them read without waiting.
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      migrate(db, this.file);
    } catch (error) {
      db.close();
      throw error;
    }
    this.database = db;
    return db;
  }
}

/**
 * Brings the file to SCHEMA_VERSION in one transaction, the version read again under the
 * write lock (another process may have migrated it meanwhile). A version 1 file's agents
 * move to the tenant-keyed table under the tenant of their last heartbeat (a required field).
 */
function migrate(db: Database.Database, file: string): void {
  const check = () => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${file} has schema version ${version}; this version of the fleet registry reads ${SCHEMA_VERSION} at most. Run the newer version, or move the file aside to start an empty registry.`);
    return version;
  };
  if (check() === SCHEMA_VERSION) return;
  db.transaction(() => {
    if (check() === SCHEMA_VERSION) return;
    const legacy = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'agents'").pluck().get() as string | undefined)?.includes('tenant') === false;
    if (legacy) db.exec('ALTER TABLE agents RENAME TO agents_v1');
    db.exec('CREATE TABLE IF NOT EXISTS agents (tenant TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tenant, id))');
    db.exec('CREATE TABLE IF NOT EXISTS agent_configs (tenant TEXT NOT NULL, target TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tenant, target))');
    if (legacy) {
      db.exec("INSERT INTO agents (tenant, id, doc) SELECT json_extract(doc, '$.tenant'), id, doc FROM agents_v1");
      db.exec('DROP TABLE agents_v1');
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
