import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyError } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDetectionStore, type AlertDocument, type StoredAlert } from '@siem/store';
import { alertRoutes } from '.';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-alert-work-'));
const detection = new EmbeddedDetectionStore({ dataDir: directory });
const app = Fastify();
const permissions = new Map<string, string | undefined>();
app.addHook('onRoute', (route) => {
  permissions.set(`${route.method} ${route.url}`, route.config?.permission);
});
// Stands in for the auth hook: the caller named in a test header.
app.addHook('onRequest', async (request) => {
  const name = request.headers['x-test-user'];
  if (typeof name === 'string') request.principal = { kind: 'key', id: name, name, role: 'analyst', tenant: 'default' };
});
// The API's error shape, as build-api answers a refused request.
app.setErrorHandler((error: FastifyError, _request, reply) => reply.code(error.statusCode ?? 500).send({ error: { code: 'SIEM_API_BAD_REQUEST', message: error.message } }));
app.register(alertRoutes, { prefix: '/api/v1', detection, eventById: async () => null });

function alert(id: string, host: string, detectedAt: string): StoredAlert {
  const document: AlertDocument = {
    '@timestamp': detectedAt,
    message: 'Encoded PowerShell',
    rule: { id: 'r-work', title: 'Encoded PowerShell', level: 'high', tags: ['attack.execution'] },
    threat: { technique: { id: [] }, tactic: { name: ['execution'] } },
    alert: { status: 'open', detected_at: detectedAt },
    event: { id: `event-${id}` },
    host: { name: host },
  };
  return { id, alert: document };
}

beforeAll(async () => {
  await app.ready();
  await detection.writeAlerts([
    alert('w1', 'ws-1', '2026-05-01T10:00:00.000Z'),
    alert('w2', 'ws-2', '2026-05-01T10:01:00.000Z'),
    alert('w3', 'ws-2', '2026-05-01T10:02:00.000Z'),
    alert('w4', 'ws-3', '2026-05-01T10:03:00.000Z'),
    alert('w5', 'ws-3', '2026-05-01T10:04:00.000Z'),
  ]);
});
afterAll(async () => {
  await app.close();
  await detection.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

const patch = (id: string, payload: object, user = 'alice') => app.inject({ method: 'PATCH', url: `/api/v1/alerts/${id}`, payload, headers: { 'x-test-user': user } });

describe('alert lifecycle routes', () => {
  it('acknowledges, assigns and closes an alert, keeping who changed what when', async () => {
    const acknowledged = await patch('w1', { status: 'acknowledged', assignee: 'bob' });
    expect(acknowledged.statusCode).toBe(200);
    expect(acknowledged.json().alert.alert).toMatchObject({ status: 'acknowledged', assignee: 'bob' });
    const closed = await patch('w1', { status: 'closed', close_reason: 'true_positive' }, 'bob');
    expect(closed.statusCode).toBe(200);
    const history = closed.json().alert.alert.history as { by: string; field: string; from: string | null; to: string | null; at: string }[];
    expect(history.map(({ by, field, from, to }) => [by, field, from, to])).toEqual([
      ['alice', 'status', 'open', 'acknowledged'],
      ['alice', 'assignee', null, 'bob'],
      ['bob', 'status', 'acknowledged', 'closed'],
      ['bob', 'close_reason', null, 'true_positive'],
    ]);
    expect(history.every((entry) => !Number.isNaN(Date.parse(entry.at)))).toBe(true);
    const read = (await app.inject('/api/v1/alerts/w1')).json();
    expect(read.alert.alert.status).toBe('closed');
    expect((await app.inject('/api/v1/alerts?status=closed')).json().alerts.map((found: StoredAlert) => found.id)).toEqual(['w1']);
  });

  it('answers 409 with a code for a transition the alert refuses, 400 for a close without a reason, 404 for an unknown id', async () => {
    const invalid = await patch('w1', { status: 'acknowledged' });
    expect(invalid.statusCode).toBe(409);
    expect(invalid.json().error.code).toBe('SIEM_ALERT_INVALID_TRANSITION');
    expect(invalid.json().error.message).toMatch(/closed.*cannot become acknowledged/);
    const noReason = await patch('w2', { status: 'closed' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.code).toBe('SIEM_ALERT_CLOSE_REASON_REQUIRED');
    expect((await app.inject('/api/v1/alerts/w2')).json().alert.alert.status).toBe('open');
    expect((await patch('missing', { status: 'acknowledged' })).statusCode).toBe(404);
    expect((await patch('w2', { status: 'resolved' })).statusCode).toBe(400);
    expect((await patch('w2', {})).statusCode).toBe(400);
  });

  it('adds comments with their author, anonymous without a principal', async () => {
    const first = await app.inject({ method: 'POST', url: '/api/v1/alerts/w2/comments', payload: { text: 'Checking the host' }, headers: { 'x-test-user': 'carol' } });
    expect(first.statusCode).toBe(201);
    expect(first.json().comment).toMatchObject({ by: 'carol', text: 'Checking the host' });
    const second = await app.inject({ method: 'POST', url: '/api/v1/alerts/w2/comments', payload: { text: 'Nothing else' } });
    expect(second.json().alert.alert.alert.comments.map((comment: { by: string }) => comment.by)).toEqual(['carol', 'anonymous']);
    expect((await app.inject({ method: 'POST', url: '/api/v1/alerts/nope/comments', payload: { text: 'x' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/v1/alerts/w2/comments', payload: { text: '' } })).statusCode).toBe(400);
  });

  it('bulk-updates by query, skipping alerts already in the asked state and reporting refusals', async () => {
    await patch('w4', { status: 'acknowledged' });
    const byQuery = await app.inject({
      method: 'POST',
      url: '/api/v1/alerts/_bulk_update',
      payload: { q: 'host.name:ws-3 OR host.name:ws-2', update: { status: 'acknowledged', assignee: 'dave' } },
      headers: { 'x-test-user': 'erin' },
    });
    expect(byQuery.statusCode).toBe(200);
    const body = byQuery.json();
    expect(body.matched).toBe(4);
    expect(body.remaining).toBe(0);
    expect([...body.updated].sort()).toEqual(['w2', 'w3', 'w4', 'w5']);
    const w4 = (await app.inject('/api/v1/alerts/w4')).json().alert.alert;
    expect(w4.history.at(-1)).toMatchObject({ by: 'erin', field: 'assignee', to: 'dave' });

    const refused = await app.inject({ method: 'POST', url: '/api/v1/alerts/_bulk_update', payload: { ids: ['w1', 'w2', 'gone'], update: { status: 'acknowledged' } } });
    expect(refused.json()).toMatchObject({ matched: 3, updated: [], unchanged: ['w2'], not_found: ['gone'], refused: [{ id: 'w1', code: 'SIEM_ALERT_INVALID_TRANSITION' }] });
  });

  it('bulk-updates at most limit alerts of a query and says how many remain', async () => {
    const limited = await app.inject({ method: 'POST', url: '/api/v1/alerts/_bulk_update', payload: { q: 'host.name:ws-*', status: 'acknowledged', limit: 2, update: { status: 'closed', close_reason: 'benign' } } });
    expect(limited.json()).toMatchObject({ matched: 2, remaining: 2 });
    expect(limited.json().updated).toEqual(['w5', 'w4']);
  });

  it('refuses a bulk update with both or neither of ids and q, a bad query, or too many ids', async () => {
    const both = await app.inject({ method: 'POST', url: '/api/v1/alerts/_bulk_update', payload: { ids: ['w1'], q: 'x', update: { status: 'open' } } });
    expect(both.statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/v1/alerts/_bulk_update', payload: { update: { status: 'open' } } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/api/v1/alerts/_bulk_update', payload: { q: '"unclosed', update: { status: 'open' } } })).json().error.code).toMatch(/^SIEM_QUERY_/);
    const many = Array.from({ length: 1001 }, (_, index) => `id${index}`);
    expect((await app.inject({ method: 'POST', url: '/api/v1/alerts/_bulk_update', payload: { ids: many, update: { status: 'open' } } })).statusCode).toBe(400);
  });

  it('serves a suppressed alert once, with the count, first and last seen and event ids of its merged matches', async () => {
    const group = (eventId: string, time: string): StoredAlert => {
      const base = alert('sup-1', 'ws-9', time);
      return {
        id: 'sup-1',
        alert: {
          ...base.alert,
          rule: { ...base.alert.rule, id: 'r-suppressed' },
          event: { id: eventId },
          alert: { ...base.alert.alert, suppression: { fields: ['host.name'], values: { 'host.name': 'ws-9' }, window_start: '2026-05-01T10:00:00.000Z', window_end: '2026-05-01T11:00:00.000Z' } },
        },
      };
    };
    await detection.mergeAlerts([group('m1', '2026-05-01T10:10:00.000Z'), group('m2', '2026-05-01T10:05:00.000Z'), group('m3', '2026-05-01T10:50:00.000Z')]);
    const listed = (await app.inject('/api/v1/alerts?rule=r-suppressed')).json();
    expect(listed.total).toBe(1);
    expect(listed.alerts[0].alert.alert).toMatchObject({ count: 3, first_seen: '2026-05-01T10:05:00.000Z', last_seen: '2026-05-01T10:50:00.000Z', event_ids: ['m1', 'm2', 'm3'] });
  });

  it('declares alerts:read or alerts:write on every route', () => {
    const declared = [...permissions].filter(([route]) => !route.startsWith('HEAD'));
    expect(declared.length).toBeGreaterThanOrEqual(5);
    for (const [route, permission] of declared) expect([route, permission]).toEqual([route, route.startsWith('GET') ? 'alerts:read' : 'alerts:write']);
  });
});
