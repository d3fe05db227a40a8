import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionDispatcher } from '@siem/actions';
import { EmbeddedActionDeadLetterStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { actionRoutes } from '.';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-action-routes-'));
const deadLetters = new EmbeddedActionDeadLetterStore(directory);
const dispatcher = createActionDispatcher({ deadLetters, logger: createLogger('test', 'silent'), metrics: new MetricsRegistry(), retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
const received: { body: string; signature: unknown }[] = [];
let answer = 503;
const receiver = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    received.push({ body, signature: request.headers['x-siem-signature'] });
    response.writeHead(answer).end();
  });
});
const app = Fastify();
const permissions = new Map<string, unknown>();
app.addHook('onRoute', (route) => void permissions.set(`${route.method} ${route.url}`, route.config?.permission));
app.register(actionRoutes, { prefix: '/api/v1', deadLetters, dispatcher });

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  receiver.close();
  await deadLetters.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('/api/v1/actions/dead-letters', () => {
  it('lists a failed webhook without its secret, and resends it signed once the receiver is back', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const secret = 'resend-secret-0123456789';
    dispatcher.dispatch(
      {
        id: 'alert-1',
        alert: {
          '@timestamp': '2026-05-01T10:00:00.000Z',
          message: 'Rule',
          rule: { id: 'r-dl', title: 'Rule', level: 'low', tags: [] },
          threat: { technique: { id: [] }, tactic: { name: [] } },
          alert: { status: 'open', detected_at: '2026-05-01T10:00:00.000Z' },
          event: { id: 'e1' },
        },
      },
      { id: 'r-dl', title: 'Rule', level: 'low', actions: [{ id: 'hook', type: 'webhook', url, secret, headers: { Authorization: 'Bearer token' } }] },
    );
    await dispatcher.idle();
    const list = (await app.inject('/api/v1/actions/dead-letters?rule=r-dl')).json();
    expect(list.total).toBe(1);
    const [letter] = list.letters;
    expect(letter).toMatchObject({ rule_id: 'r-dl', alert_id: 'alert-1', tenant: 'default', attempts: 1, action: { id: 'hook', type: 'webhook', url } });
    expect(letter.error).toMatch(/HTTP 503/);
    expect(JSON.stringify(letter)).not.toContain(secret);
    expect(JSON.stringify(letter)).not.toContain('Bearer token');

    const failedAgain = await app.inject({ method: 'POST', url: `/api/v1/actions/dead-letters/${letter.id}/resend` });
    expect(failedAgain.statusCode).toBe(502);
    expect(failedAgain.json().error.code).toBe('SIEM_ACTION_DELIVERY_FAILED');
    answer = 204;
    const resent = await app.inject({ method: 'POST', url: `/api/v1/actions/dead-letters/${letter.id}/resend` });
    expect(resent.json()).toEqual({ resent: letter.id });
    const last = received.at(-1)!;
    expect(last.signature).toBe(`sha256=${createHmac('sha256', secret).update(last.body).digest('hex')}`);
    expect((await app.inject('/api/v1/actions/dead-letters?rule=r-dl')).json().total).toBe(0);
    const gone = await app.inject({ method: 'POST', url: `/api/v1/actions/dead-letters/${letter.id}/resend` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('SIEM_ACTION_DEAD_LETTER_NOT_FOUND');
  });

  it("hides another tenant's dead letters from the list and from resend", async () => {
    await deadLetters.add({
      id: 'globex-letter',
      failed_at: '2026-05-01T10:00:00.000Z',
      rule_id: 'r-globex',
      alert_id: 'alert-g',
      tenant: 'globex',
      action: { id: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/' },
      payload: '{}',
      attempts: 5,
      error: 'HTTP 503',
    });
    expect((await app.inject('/api/v1/actions/dead-letters?rule=r-globex')).json().total).toBe(0);
    expect((await app.inject({ method: 'POST', url: '/api/v1/actions/dead-letters/globex-letter/resend' })).statusCode).toBe(404);
    expect(await deadLetters.get('globex-letter')).toBeDefined();
  });

  it('declares alerts:read to list and alerts:write to resend', () => {
    expect(permissions.get('GET /api/v1/actions/dead-letters')).toBe('alerts:read');
    expect(permissions.get('POST /api/v1/actions/dead-letters/:id/resend')).toBe('alerts:write');
  });
});
