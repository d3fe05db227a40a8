import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AgentConfig } from './agent-config';
import type { AgentRecord } from './agent-health';
import { nextRecord, type AgentRegistry } from './agent-registry';
import type { Heartbeat } from './heartbeat';

/** The agents of a deployment without OpenSearch: `<dataDir>/store/agents.sqlite`, one row per agent id. */
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
      const doc = db.prepare('SELECT doc FROM agents WHERE id = ?').pluck().get(heartbeat.id) as string | undefined;
      const record = nextRecord(doc === undefined ? undefined : (JSON.parse(doc) as AgentRecord), heartbeat, receivedAt);
      db.prepare('INSERT INTO agents (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc').run(heartbeat.id, JSON.stringify(record));
    }).immediate();
  }

  async list(): Promise<AgentRecord[]> {
    return (this.db().prepare('SELECT doc FROM agents ORDER BY id').pluck().all() as string[]).map((doc) => JSON.parse(doc) as AgentRecord);
  }

  async markAlerted(id: string, lastSeen: string): Promise<void> {
    this.db().prepare("UPDATE agents SET doc = json_set(doc, '$.alertedFor', ?) WHERE id = ?").run(lastSeen, id);
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
    // The API writes heartbeats while its readers list: WAL lets them read without waiting.
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS agents (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
    db.exec('CREATE TABLE IF NOT EXISTS agent_configs (tenant TEXT NOT NULL, target TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tenant, target))');
    this.database = db;
    return db;
  }
}
