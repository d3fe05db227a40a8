import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDetectionStore } from '@siem/store';
import { ruleRoutes } from '.';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-correlation-routes-'));
const detection = new EmbeddedDetectionStore({ dataDir: directory });
const app = Fastify();
app.register(ruleRoutes, { prefix: '/api/v1', detection, events: async () => [] });
beforeAll(() => app.ready());
afterAll(async () => {
  await app.close();
  await detection.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

const bruteForce = {
  id: '6a1c2b3d-0000-4000-8000-0000000000c1',
  title: 'SSH brute force then success',
  level: 'high',
  correlation: { type: 'temporal_ordered', rules: ['sshd_failed', 'sshd_accepted'], 'group-by': ['user.name', 'source.ip'], timespan: '10m' },
};
const send = (method: 'POST' | 'PUT', url: string, body: unknown) =>
  app.inject({ method, url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('/api/v1/rules with correlation documents', () => {
  it('creates a correlation with its defaults written out, lists it beside the rules, and replaces it', async () => {
    const created = await send('POST', '/api/v1/rules', bruteForce);
    expect(created.statusCode).toBe(201);
    const stored = (await app.inject(`/api/v1/rules/${bruteForce.id}`)).json();
    expect(stored).toMatchObject({ id: bruteForce.id, enabled: true, correlation: { type: 'temporal_ordered', condition: { gte: 2 } }, version: 1 });
    const updated = await send('PUT', `/api/v1/rules/${bruteForce.id}`, { ...bruteForce, correlation: { ...bruteForce.correlation, timespan: '15m' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ version: 2, correlation: { timespan: '15m' } });
  });

  it('says a correlation cannot be dry-run on events', async () => {
    const response = await send('POST', '/api/v1/rules/test', { ruleId: bruteForce.id });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('SIEM_API_RULE_CANNOT_RUN');
  });

  it('saves a scheduled threshold rule and refuses one without a schedule', async () => {
    const rule = {
      id: '6a1c2b3d-0000-4000-8000-0000000000d1',
      title: 'Many failures from one address',
      scheduled: { type: 'query', query: 'event.outcome:failure', interval: '1m', lookback: '5m', threshold: { by: ['source.ip'], gt: 100 } },
    };
    expect((await send('POST', '/api/v1/rules', rule)).statusCode).toBe(201);
    expect((await app.inject(`/api/v1/rules/${rule.id}`)).json()).toMatchObject({ enabled: true, scheduled: { type: 'query', query: 'event.outcome:failure' } });
    const refused = await send('POST', '/api/v1/rules', { ...rule, id: '6a1c2b3d-0000-4000-8000-0000000000d2', scheduled: { type: 'query', lookback: '5m' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.pointer).toBe('/scheduled');
  });

  it('refuses a bad correlation with the pointer of its fault and saves nothing', async () => {
    const before = (await app.inject('/api/v1/rules')).json().total;
    const response = await send('POST', '/api/v1/rules', { ...bruteForce, id: '6a1c2b3d-0000-4000-8000-0000000000c2', correlation: { ...bruteForce.correlation, timespan: '10 minutes' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.pointer).toBe('/correlation/timespan');
    expect((await app.inject('/api/v1/rules')).json().total).toBe(before);
  });
});
