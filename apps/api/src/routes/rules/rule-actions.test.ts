import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDetectionStore } from '@siem/store';
import { ruleRoutes } from '.';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-rule-actions-'));
const detection = new EmbeddedDetectionStore({ dataDir: directory });
const app = Fastify();
app.register(ruleRoutes, { prefix: '/api/v1', detection, events: async () => [] });
beforeAll(() => app.ready());
afterAll(async () => {
  await app.close();
  await detection.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

const rule = (actions: unknown[], suppression?: unknown) => ({
  id: 'acc0c0de-0000-4000-8000-000000000001',
  title: 'Failed root login',
  level: 'high',
  logsource: { product: 'linux', service: 'sshd' },
  detection: { keywords: ['Failed password for root'], condition: 'keywords' },
  actions,
  ...(suppression === undefined ? {} : { suppression }),
});

describe('rules with actions and suppression', () => {
  it('refuses a rule whose action is invalid, naming where, and saves nothing', async () => {
    const refused = await app.inject({ method: 'POST', url: '/api/v1/rules', payload: rule([{ id: 'hook', type: 'webhook', url: 'not-a-url' }]) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('SIEM_ACTION_INVALID');
    expect(refused.json().error.message).toContain('/0/url');
    expect((await app.inject('/api/v1/rules/acc0c0de-0000-4000-8000-000000000001')).statusCode).toBe(404);
  });

  it('saves a rule with valid actions and a suppression, and refuses a suppression without a unit', async () => {
    const actions = [
      { id: 'hook', type: 'webhook', url: 'https://hooks.example/siem', secret_env: 'SIEM_HOOK_SECRET', throttle: { max: 10, window: '1h' } },
      { id: 'soc', type: 'syslog', host: '192.0.2.7', protocol: 'tcp', port: 6514 },
    ];
    const badWindow = await app.inject({ method: 'POST', url: '/api/v1/rules', payload: rule(actions, { fields: ['user.name'], window: '15' }) });
    expect(badWindow.statusCode).toBe(400);
    const created = await app.inject({ method: 'POST', url: '/api/v1/rules', payload: rule(actions, { fields: ['user.name', 'source.ip'], window: '15m' }) });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ suppression: { fields: ['user.name', 'source.ip'], window: '15m' }, actions });
  });
});
