import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedAgentRegistry, EmbeddedSenderStore } from '@siem/fleet';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys } from '@siem/testing';
import { buildApi } from '../../build-api';
import type { EventReader } from '../../event-reader';

const keys = await testKeys();
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-sender-routes-'));
const registry = new EmbeddedAgentRegistry({ dataDir });
const senders = new EmbeddedSenderStore({ dataDir });
const unused = () => Promise.reject(new Error('unused'));
const reader: EventReader = { search: unused, count: unused, page: unused, exportPage: unused, getEvent: unused, aggregate: unused, fields: unused, ping: unused };
const NOW = Date.parse('2026-12-05T07:00:00.000Z');
const app = buildApi({ reader, logger: createLogger('api-test', 'silent'), metrics: new MetricsRegistry(), keys: keys.keys, agents: { registry, policy: { missingAfterIntervals: 3 }, now: () => NOW, senders } });

beforeAll(() => app.ready());
afterAll(async () => {
  await app.close();
  await registry.close();
  await senders.close();
  await keys.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('/api/v1/senders', () => {
  it('senders – an admin registers, reads, replaces and deletes a sender; a viewer reads but cannot change', async () => {
    const admin = await keys.headersFor('admin');
    const viewer = await keys.headersFor('viewer');
    const put = await app.inject({ method: 'PUT', url: '/api/v1/senders/address/192.0.2.10', headers: admin, payload: { site: 'plant-7', owner: 'ot-team', criticality: 'critical', tags: ['plc'] } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ kind: 'address', id: '192.0.2.10', tenant: 'default', site: 'plant-7', owner: 'ot-team', criticality: 'critical', tags: ['plc'], updatedAt: '2026-12-05T07:00:00.000Z' });
    expect((await app.inject({ url: '/api/v1/senders/address/192.0.2.10', headers: viewer })).json()).toMatchObject({ site: 'plant-7' });
    expect((await app.inject({ url: '/api/v1/senders', headers: viewer })).json().senders.map((s: { id: string }) => s.id)).toEqual(['192.0.2.10']);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/senders/address/192.0.2.10', headers: viewer, payload: { site: 'x' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/senders/address/192.0.2.10', headers: viewer })).statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/senders/address/192.0.2.10', headers: admin })).statusCode).toBe(204);
    const gone = await app.inject({ url: '/api/v1/senders/address/192.0.2.10', headers: viewer });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error).toMatchObject({ code: 'SIEM_API_NOT_FOUND', message: expect.stringContaining('PUT /api/v1/senders/address/192.0.2.10') });
  });

  it('senders – a typo, an unknown kind or criticality is refused with 400', async () => {
    const admin = await keys.headersFor('admin');
    expect((await app.inject({ method: 'PUT', url: '/api/v1/senders/address/192.0.2.11', headers: admin, payload: { stie: 'plant-7' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/senders/printer/192.0.2.11', headers: admin, payload: {} })).statusCode).toBe(400);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/senders/agent/gw-1', headers: admin, payload: { criticality: 'extreme' } })).statusCode).toBe(400);
  });

  it('senders – the unknown senders the processors saw are listed for the caller\'s tenant only', async () => {
    await senders.recordUnknown([
      { kind: 'mqtt_client', id: 'sensor-9', tenant: 'default', firstSeen: '2026-12-05T06:00:00.000Z', lastSeen: '2026-12-05T06:59:00.000Z', events: 42 },
      { kind: 'address', id: '198.51.100.7', tenant: 'acme', firstSeen: '2026-12-05T06:00:00.000Z', lastSeen: '2026-12-05T06:59:00.000Z', events: 1 },
    ]);
    const unknown = (await app.inject({ url: '/api/v1/senders/unknown', headers: await keys.headersFor('viewer') })).json().senders;
    expect(unknown).toEqual([{ kind: 'mqtt_client', id: 'sensor-9', tenant: 'default', firstSeen: '2026-12-05T06:00:00.000Z', lastSeen: '2026-12-05T06:59:00.000Z', events: 42 }]);
  });
});
