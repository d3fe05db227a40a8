import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedAgentRegistry, type Heartbeat } from '@siem/fleet';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys } from '@siem/testing';
import { buildApi } from '../../build-api';
import type { EventReader } from '../../event-reader';

const keys = await testKeys();
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-agent-routes-'));
const registry = new EmbeddedAgentRegistry({ dataDir });
const unused = () => Promise.reject(new Error('unused'));
const reader: EventReader = { search: unused, count: unused, page: unused, exportPage: unused, getEvent: unused, aggregate: unused, fields: unused, ping: unused };
const NOW = Date.parse('2026-12-04T10:01:00.000Z');
const app = buildApi({ reader, logger: createLogger('api-test', 'silent'), metrics: new MetricsRegistry(), keys: keys.keys, agents: { registry, policy: { missingAfterIntervals: 3 }, now: () => NOW, keys: keys.keys } });
const heartbeat = (id: string, tenant = 'default', lastError?: string): Heartbeat => ({
  id,
  role: 'agent',
  version: '0.1.0',
  host: `${id}.plant`,
  tenant,
  inputs: ['file:/var/log/*.log'],
  spool: { bytes: 0, maxBytes: 1 << 20, records: 0 },
  lagSeconds: 0,
  ...(lastError !== undefined && { lastError }),
  configVersion: 'v1',
  intervalS: 10,
  startedAt: '2026-12-04T09:00:00.000Z',
  sentAt: '2026-12-04T10:00:00.000Z',
});

beforeAll(async () => {
  await registry.record(heartbeat('fresh'), new Date(NOW - 5_000).toISOString());
  await registry.record(heartbeat('failing', 'default', 'The bus is unreachable or slow: 12 records wait in the disk spool.'), new Date(NOW - 5_000).toISOString());
  await registry.record(heartbeat('silent'), new Date(NOW - 31_000).toISOString());
  await registry.record(heartbeat('other-tenant', 'acme'), new Date(NOW - 1_000).toISOString());
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await registry.close();
  await keys.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /api/v1/agents', () => {
  it('agents – lists the caller tenant\'s agents with last seen, silence and health', async () => {
    const response = await app.inject({ url: '/api/v1/agents', headers: await keys.headersFor('viewer') });
    expect(response.statusCode).toBe(200);
    const agents = response.json().agents as { id: string; health: string; silentSeconds: number; lastSeen: string; alertedFor?: string }[];
    expect(agents.map((agent) => [agent.id, agent.health])).toEqual([
      ['failing', 'degraded'],
      ['fresh', 'healthy'],
      ['silent', 'missing'],
    ]);
    expect(agents.find((agent) => agent.id === 'silent')).toMatchObject({ lastSeen: new Date(NOW - 31_000).toISOString() });
    expect(agents.every((agent) => agent.silentSeconds >= 0 && !('alertedFor' in agent))).toBe(true);
  });

  it('agents – another tenant sees only its own agents', async () => {
    const response = await app.inject({ url: '/api/v1/agents', headers: await keys.headersFor('viewer', 'acme') });
    expect(response.json().agents.map((agent: { id: string }) => agent.id)).toEqual(['other-tenant']);
  });

  it('agents – needs agents:read: refused without a key (401) and to an ingest key (403)', async () => {
    expect((await app.inject({ url: '/api/v1/agents' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/agents', headers: await keys.headersFor('ingest') })).statusCode).toBe(403);
  });
});

describe('agent configuration and enrolment', () => {
  const edge = { summaryIntervalS: 30, inputs: { file: { stages: [{ type: 'sample', rate: 10 }] } } };

  it('config – an admin sets the configuration of every agent and of one; each agent fetches its own with its key', async () => {
    const admin = keys.admin;
    expect((await app.inject({ method: 'PUT', url: '/api/v1/agents/config/*', headers: admin, payload: { version: 'all-1', edge } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/agents/config/gw-7', headers: admin, payload: { version: 'gw7-1', edge } })).json()).toMatchObject({ target: 'gw-7', tenant: 'default', version: 'gw7-1' });
    const ingest = await keys.headersFor('ingest');
    expect((await app.inject({ url: '/api/v1/agents/gw-7/config', headers: ingest })).json()).toMatchObject({ version: 'gw7-1', edge });
    expect((await app.inject({ url: '/api/v1/agents/gw-8/config', headers: ingest })).json()).toMatchObject({ target: '*', version: 'all-1' });
    expect((await app.inject({ url: '/api/v1/agents/config/gw-7', headers: await keys.headersFor('viewer') })).json().version).toBe('gw7-1');
  });

  it('config – a broken configuration is refused with the place of the mistake, and the one before stays', async () => {
    const response = await app.inject({ method: 'PUT', url: '/api/v1/agents/config/gw-7', headers: keys.admin, payload: { version: 'gw7-2', edge: { inputs: { file: { stages: [{ type: 'sample', rate: 0 }] } } } } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/\/inputs\/file\/stages\/0/);
    expect((await app.inject({ url: '/api/v1/agents/config/gw-7', headers: keys.admin })).json().version).toBe('gw7-1');
  });

  it('config – setting needs agents:write, fetching needs a key (ingest), a tenant sees none of another\'s', async () => {
    expect((await app.inject({ method: 'PUT', url: '/api/v1/agents/config/gw-7', headers: await keys.headersFor('viewer'), payload: { version: 'x', edge } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/agents/gw-7/config' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/agents/gw-7/config', headers: await keys.headersFor('ingest', 'acme') })).statusCode).toBe(404);
  });

  it('enrolment – an ingest key enrols an agent, which gets its own key; revoked, that key fetches nothing', async () => {
    const enrolled = await app.inject({ method: 'POST', url: '/api/v1/agents/enrol', headers: await keys.headersFor('ingest'), payload: { id: 'gw-9' } });
    expect(enrolled.statusCode).toBe(201);
    const { key, keyId } = enrolled.json() as { key: string; keyId: string };
    const own = { authorization: `ApiKey ${key}` };
    expect((await app.inject({ url: '/api/v1/agents/gw-9/config', headers: own })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/keys/${keyId}`, headers: keys.admin })).statusCode).toBeLessThan(300);
    expect((await app.inject({ url: '/api/v1/agents/gw-9/config', headers: own })).statusCode).toBe(401);
  });
});
