import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { agentHealth, type AgentRecord } from './agent-health';
import { agentRegistryConformance } from './agent-registry-conformance';
import { EmbeddedAgentRegistry } from './embedded-agent-registry';
import { decodeHeartbeat, encodeHeartbeat, type Heartbeat } from './heartbeat';
import { missingAgentAlert, raiseMissingAgentAlerts } from './missing-agents';

const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-fleet-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const heartbeat = (id: string, overrides: Partial<Heartbeat> = {}): Heartbeat => ({
  id,
  role: 'agent',
  version: '0.1.0',
  host: 'plant-7',
  tenant: 'default',
  inputs: ['file:/var/log/app/*.log'],
  spool: { bytes: 0, maxBytes: 1024, records: 0 },
  lagSeconds: 0,
  configVersion: 'v1',
  intervalS: 10,
  startedAt: '2026-12-04T10:00:00.000Z',
  sentAt: '2026-12-04T10:00:00.000Z',
  ...overrides,
});
const at = (iso: string) => Date.parse(iso);
const policy = { missingAfterIntervals: 3 };

describe('fleet heartbeats', () => {
  it('heartbeat – round-trips, and anything that is not one decodes to undefined', () => {
    expect(decodeHeartbeat(encodeHeartbeat(heartbeat('a')))).toEqual(heartbeat('a'));
    expect(decodeHeartbeat(Buffer.from('not json'))).toBeUndefined();
    expect(decodeHeartbeat(Buffer.from(JSON.stringify({ ...heartbeat('a'), intervalS: 0 })))).toBeUndefined();
    expect(decodeHeartbeat(Buffer.from(JSON.stringify({ ...heartbeat('a'), extra: 1 })))).toBeUndefined();
  });

  it('health – missing after three silent intervals, degraded with a last error or a spool over 80 %', () => {
    const record: AgentRecord = { ...heartbeat('a'), firstSeen: '2026-12-04T10:00:00.000Z', lastSeen: '2026-12-04T10:00:00.000Z' };
    expect(agentHealth(record, at('2026-12-04T10:00:30.000Z'), policy)).toBe('healthy');
    expect(agentHealth(record, at('2026-12-04T10:00:30.001Z'), policy)).toBe('missing');
    expect(agentHealth({ ...record, lastError: 'bus unreachable' }, at('2026-12-04T10:00:01Z'), policy)).toBe('degraded');
    expect(agentHealth({ ...record, spool: { bytes: 900, maxBytes: 1000, records: 5 } }, at('2026-12-04T10:00:01Z'), policy)).toBe('degraded');
  });
});

describe('EmbeddedAgentRegistry and the missing-heartbeat rule', () => {
  it('registry – keeps the first-seen time across heartbeats and lists agents by id', async () => {
    const registry = new EmbeddedAgentRegistry({ dataDir: path.join(dataDir, 'a') });
    await registry.record(heartbeat('b'), '2026-12-04T10:00:00.000Z');
    await registry.record(heartbeat('a'), '2026-12-04T10:00:01.000Z');
    await registry.record(heartbeat('b', { configVersion: 'v2' }), '2026-12-04T10:00:10.000Z');
    const agents = await registry.list('default');
    expect(agents.map((agent) => agent.id)).toEqual(['a', 'b']);
    expect(agents[1]).toMatchObject({ firstSeen: '2026-12-04T10:00:00.000Z', lastSeen: '2026-12-04T10:00:10.000Z', configVersion: 'v2' });
    await registry.close();
  });

  it('missing rule – one alert per silence; a heartbeat ends the silence and a new silence raises a new alert', async () => {
    const registry = new EmbeddedAgentRegistry({ dataDir: path.join(dataDir, 'b') });
    const alerts: ReturnType<typeof missingAgentAlert>[] = [];
    const raise = async (agent: AgentRecord) => void alerts.push(missingAgentAlert(agent, Date.now(), 'high'));
    await registry.record(heartbeat('gw-1'), '2026-12-04T10:00:00.000Z');
    await registry.record(heartbeat('gw-2'), '2026-12-04T10:00:25.000Z');
    expect(await raiseMissingAgentAlerts(registry, raise, policy, at('2026-12-04T10:00:20Z'))).toEqual([]);
    expect((await raiseMissingAgentAlerts(registry, raise, policy, at('2026-12-04T10:00:31Z'))).map((agent) => agent.id)).toEqual(['gw-1']);
    expect(await raiseMissingAgentAlerts(registry, raise, policy, at('2026-12-04T10:00:40Z'))).toEqual([]);
    await registry.record(heartbeat('gw-1'), '2026-12-04T10:01:00.000Z');
    await registry.record(heartbeat('gw-2'), '2026-12-04T10:01:00.000Z');
    expect(await raiseMissingAgentAlerts(registry, raise, policy, at('2026-12-04T10:01:10Z'))).toEqual([]);
    expect((await raiseMissingAgentAlerts(registry, raise, policy, at('2026-12-04T10:02:00Z'))).map((agent) => agent.id)).toEqual(['gw-1', 'gw-2']);
    expect(alerts.map((alert) => alert.id)).toEqual(['agent-missing:default:gw-1:2026-12-04T10:00:00.000Z', 'agent-missing:default:gw-1:2026-12-04T10:01:00.000Z', 'agent-missing:default:gw-2:2026-12-04T10:01:00.000Z']);
    expect(alerts[0]!.alert).toMatchObject({ rule: { id: 'builtin-agent-heartbeat-missing', level: 'high' }, observer: { name: 'gw-1' }, alert: { status: 'open' } });
    await registry.close();
  });

  it('missing rule – a failed alert write leaves the silence unmarked, so the next check raises it again', async () => {
    const registry = new EmbeddedAgentRegistry({ dataDir: path.join(dataDir, 'c') });
    await registry.record(heartbeat('gw-9'), '2026-12-04T10:00:00.000Z');
    await expect(raiseMissingAgentAlerts(registry, async () => Promise.reject(new Error('store down')), policy, at('2026-12-04T10:01:00Z'))).rejects.toThrow('store down');
    let raised = 0;
    await raiseMissingAgentAlerts(registry, async () => void raised++, policy, at('2026-12-04T10:01:01Z'));
    expect(raised).toBe(1);
    await registry.close();
  });
});

let opened = 0;
/** A registry in a fresh data directory; `legacy` records are first written as version 1 stored them (one row per agent id). */
async function openEmbedded(legacy?: readonly AgentRecord[]): Promise<EmbeddedAgentRegistry> {
  const dir = path.join(dataDir, `conformance-${opened++}`);
  if (legacy) {
    mkdirSync(path.join(dir, 'store'), { recursive: true });
    const db = new Database(path.join(dir, 'store', 'agents.sqlite'));
    db.exec('CREATE TABLE agents (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
    db.exec('CREATE TABLE agent_configs (tenant TEXT NOT NULL, target TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tenant, target))');
    for (const agent of legacy) db.prepare('INSERT INTO agents (id, doc) VALUES (?, ?)').run(agent.id, JSON.stringify(agent));
    db.close();
  }
  const registry = new EmbeddedAgentRegistry({ dataDir: dir });
  await registry.ensureReady();
  return registry;
}

describe('EmbeddedAgentRegistry conformance', () => {
  agentRegistryConformance(openEmbedded);

  it('registry – a version 1 file is migrated once, to schema version 2, and a newer file is refused', async () => {
    const registry = await openEmbedded([{ ...heartbeat('gw-1'), firstSeen: '2026-12-04T10:00:00.000Z', lastSeen: '2026-12-04T10:00:00.000Z' }]);
    const file = registry.file;
    await registry.close();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['agent_configs', 'agents']);
    db.pragma('user_version = 3');
    db.close();
    await expect(new EmbeddedAgentRegistry({ dataDir: path.dirname(path.dirname(file)) }).ensureReady()).rejects.toThrow(/schema version 3; this version of the fleet registry reads 2 at most/);
  });
});
