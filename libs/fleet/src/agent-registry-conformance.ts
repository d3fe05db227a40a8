import { expect, it } from 'vitest';
import type { AgentRecord } from './agent-health';
import type { AgentRegistry } from './agent-registry';
import type { Heartbeat } from './heartbeat';
import { missingAgentAlert, raiseMissingAgentAlerts } from './missing-agents';

const heartbeat = (tenant: string, id: string, overrides: Partial<Heartbeat> = {}): Heartbeat => ({
  id,
  role: 'agent',
  version: '0.1.0',
  host: `${tenant}-host`,
  tenant,
  inputs: ['file:/var/log/app/*.log'],
  spool: { bytes: 0, maxBytes: 1024, records: 0 },
  lagSeconds: 0,
  configVersion: 'v1',
  intervalS: 10,
  startedAt: '2026-12-04T10:00:00.000Z',
  sentAt: '2026-12-04T10:00:00.000Z',
  ...overrides,
});
const record = (tenant: string, id: string, seen: { firstSeen: string; lastSeen: string; alertedFor?: string }): AgentRecord => ({ ...heartbeat(tenant, id), ...seen });
const ids = (agents: readonly AgentRecord[]) => agents.map((agent) => `${agent.tenant}/${agent.id}`);

/**
 * The cases both agent registries pass (embedded SQLite and OpenSearch). `open` returns a
 * ready registry; given `legacy`, it first stores those records as the earlier layout did
 * (keyed by agent id alone) where the registry will look.
 */
export function agentRegistryConformance(open: (legacy?: readonly AgentRecord[]) => Promise<AgentRegistry>): void {
  it('agents – one id in two tenants is two agents: neither lists, replaces or marks the other', async () => {
    const registry = await open();
    await registry.record(heartbeat('plant', 'edge-1'), '2026-12-04T10:00:00.000Z');
    await registry.record(heartbeat('plant', 'edge-0'), '2026-12-04T10:00:00.000Z');
    await registry.record(heartbeat('shop', 'edge-1', { configVersion: 'shop-7' }), '2026-12-04T10:00:05.000Z');
    await registry.record(heartbeat('shop', 'edge-1', { configVersion: 'shop-8' }), '2026-12-04T10:00:15.000Z');
    expect(ids(await registry.list('plant'))).toEqual(['plant/edge-0', 'plant/edge-1']);
    expect(ids(await registry.list('shop'))).toEqual(['shop/edge-1']);
    expect(await registry.list('nobody')).toEqual([]);
    expect(ids(await registry.listAllTenants())).toEqual(['plant/edge-0', 'plant/edge-1', 'shop/edge-1']);
    const plant = (await registry.list('plant')).find((agent) => agent.id === 'edge-1');
    expect(plant).toMatchObject({ host: 'plant-host', configVersion: 'v1', firstSeen: '2026-12-04T10:00:00.000Z', lastSeen: '2026-12-04T10:00:00.000Z' });
    expect((await registry.list('shop'))[0]).toMatchObject({ host: 'shop-host', configVersion: 'shop-8', firstSeen: '2026-12-04T10:00:05.000Z', lastSeen: '2026-12-04T10:00:15.000Z' });
    await registry.markAlerted('plant', 'edge-1', '2026-12-04T10:00:00.000Z');
    expect((await registry.list('plant')).find((agent) => agent.id === 'edge-1')?.alertedFor).toBe('2026-12-04T10:00:00.000Z');
    expect((await registry.list('shop'))[0]?.alertedFor).toBeUndefined();
    await registry.setConfig({ target: 'edge-1', tenant: 'plant', version: 'plant-1', edge: { inputs: {} }, updatedAt: '2026-12-04T10:00:00.000Z' });
    expect(await registry.getConfig('shop', 'edge-1')).toBeUndefined();
    await registry.close();
  });

  it('agents – two tenants\' silent agents of one id raise one missing-heartbeat alert each', async () => {
    const registry = await open();
    await registry.record(heartbeat('plant', 'gw-1'), '2026-12-04T10:00:00.000Z');
    await registry.record(heartbeat('shop', 'gw-1'), '2026-12-04T10:00:00.000Z');
    const alerts: string[] = [];
    const raise = async (agent: AgentRecord) => void alerts.push(missingAgentAlert(agent, Date.parse('2026-12-04T10:01:00Z'), 'high').id);
    const policy = { missingAfterIntervals: 3 };
    expect(ids(await raiseMissingAgentAlerts(registry, raise, policy, Date.parse('2026-12-04T10:01:00Z')))).toEqual(['plant/gw-1', 'shop/gw-1']);
    expect(await raiseMissingAgentAlerts(registry, raise, policy, Date.parse('2026-12-04T10:01:10Z'))).toEqual([]);
    expect(alerts).toEqual(['agent-missing:plant:gw-1:2026-12-04T10:00:00.000Z', 'agent-missing:shop:gw-1:2026-12-04T10:00:00.000Z']);
    await registry.close();
  });

  it('agents – records of the layout keyed by id alone move under their tenant, keeping their times', async () => {
    const legacy = [
      record('plant', 'edge-1', { firstSeen: '2026-12-01T08:00:00.000Z', lastSeen: '2026-12-04T09:00:00.000Z', alertedFor: '2026-12-04T09:00:00.000Z' }),
      record('shop', 'gw-2', { firstSeen: '2026-12-02T08:00:00.000Z', lastSeen: '2026-12-04T09:30:00.000Z' }),
    ];
    const registry = await open(legacy);
    expect(await registry.list('plant')).toEqual([legacy[0]]);
    expect(await registry.list('shop')).toEqual([legacy[1]]);
    await registry.record(heartbeat('shop', 'edge-1'), '2026-12-04T10:00:00.000Z');
    await registry.record(heartbeat('plant', 'edge-1', { configVersion: 'v2' }), '2026-12-04T10:00:00.000Z');
    expect(ids(await registry.listAllTenants())).toEqual(['plant/edge-1', 'shop/edge-1', 'shop/gw-2']);
    expect((await registry.list('plant'))[0]).toMatchObject({ firstSeen: '2026-12-01T08:00:00.000Z', lastSeen: '2026-12-04T10:00:00.000Z', configVersion: 'v2', alertedFor: '2026-12-04T09:00:00.000Z' });
    await registry.ensureReady();
    expect(ids(await registry.listAllTenants())).toEqual(['plant/edge-1', 'shop/edge-1', 'shop/gw-2']);
    await registry.close();
  });
}
