import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyError } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDetectionStore, type AlertDocument, type StoredAlert } from '@siem/store';
import { incidentRoutes } from '.';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-incidents-'));
const detection = new EmbeddedDetectionStore({ dataDir: directory });
const app = Fastify();
let permission: string | undefined;
app.addHook('onRoute', (route) => {
  if (route.method === 'GET') permission = route.config?.permission;
});
app.setErrorHandler((error: FastifyError, _request, reply) => reply.code(error.statusCode ?? 500).send({ error: { code: 'SIEM_API_BAD_REQUEST', message: error.message } }));
app.register(incidentRoutes, { prefix: '/api/v1', detection });

function alert(id: string, time: string, entities: Record<string, unknown>, tactics: string[], techniques: string[] = []): StoredAlert {
  const document: AlertDocument = {
    '@timestamp': time,
    message: `Rule ${id}`,
    rule: { id: `rule-${id}`, title: `Rule ${id}`, level: 'high', tags: [] },
    threat: { technique: { id: techniques }, tactic: { name: tactics } },
    alert: { status: 'open', detected_at: time },
    event: { id: `e-${id}` },
    ...entities,
  };
  return { id, alert: document };
}

beforeAll(async () => {
  await app.ready();
  // A phishing-to-lateral-movement chain on one user and two hosts, and an unrelated alert.
  await detection.writeAlerts([
    alert('macro', '2026-05-03T09:00:00.000Z', { host: { name: 'ws-7' }, user: { name: 'carol' } }, ['execution'], ['T1204.002']),
    alert('phish', '2026-05-03T08:55:00.000Z', { user: { name: 'carol' } }, ['initial-access'], ['T1566.001']),
    alert('psexec', '2026-05-03T09:40:00.000Z', { host: { name: 'srv-2' }, user: { name: 'carol' } }, ['lateral-movement'], ['T1021.002']),
    alert('scan', '2026-05-03T09:10:00.000Z', { host: { name: 'db-1' } }, ['discovery']),
  ]);
});
afterAll(async () => {
  await app.close();
  await detection.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('/api/v1/incidents', () => {
  const range = 'from=2026-05-03T00:00:00Z&to=2026-05-03T23:59:59Z';

  it('lists alerts sharing a user or host within the window as one incident, tactics in kill-chain order', async () => {
    const response = await app.inject(`/api/v1/incidents?${range}&window=1h`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ total: 2, alerts_read: 4, truncated: false });
    const [chain, single] = body.incidents;
    expect(chain).toMatchObject({
      first_seen: '2026-05-03T08:55:00.000Z',
      last_seen: '2026-05-03T09:40:00.000Z',
      alert_count: 3,
      hosts: ['srv-2', 'ws-7'],
      users: ['carol'],
      tactics: ['initial-access', 'execution', 'lateral-movement'],
      techniques: ['T1021.002', 'T1204.002', 'T1566.001'],
      alert_ids: ['phish', 'macro', 'psexec'],
    });
    expect(single.alert_ids).toEqual(['scan']);
  });

  it('splits the chain with a shorter window, filters by size of incident and by query', async () => {
    const short = (await app.inject(`/api/v1/incidents?${range}&window=30m`)).json();
    expect(short.incidents.map((incident: { alert_ids: string[] }) => incident.alert_ids)).toEqual([['psexec'], ['scan'], ['phish', 'macro']]);
    expect((await app.inject(`/api/v1/incidents?${range}&min_alerts=2`)).json().incidents).toHaveLength(1);
    expect((await app.inject(`/api/v1/incidents?${range}&q=host.name:db-1`)).json().incidents.map((incident: { alert_ids: string[] }) => incident.alert_ids)).toEqual([['scan']]);
  });

  it('refuses a bad window, range or query, and declares alerts:read', async () => {
    expect((await app.inject(`/api/v1/incidents?${range}&window=1y`)).statusCode).toBe(400);
    expect((await app.inject('/api/v1/incidents?from=2026-05-04T00:00:00Z&to=2026-05-03T00:00:00Z')).json().error.code).toBe('SIEM_API_BAD_RANGE');
    expect((await app.inject(`/api/v1/incidents?${range}&q=%22open`)).statusCode).toBe(400);
    expect(permission).toBe('alerts:read');
  });
});
