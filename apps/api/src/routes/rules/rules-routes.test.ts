import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDetectionStore, StoreError, type DetectionStore } from '@siem/store';
import { alertRoutes } from '../alerts';
import { ruleRoutes, type EventWindow } from '.';

/** Sysmon process creation, as the windows parser shapes it (fields from Microsoft's Sysmon event 1 documentation). */
function processCreation(id: string, image: string, timestamp: string) {
  return {
    id,
    event: {
      '@timestamp': timestamp,
      event: { dataset: 'windows', code: '1' },
      host: { name: 'ws-7' },
      winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: '1', event_data: { Image: image, CommandLine: `"${image}" /all` } },
      process: { executable: image, command_line: `"${image}" /all` },
    },
  };
}

const storedEvents = [
  processCreation('e3', 'C:\\Windows\\System32\\whoami.exe', '2026-06-01T10:00:03.000Z'),
  processCreation('e2', 'C:\\Windows\\System32\\notepad.exe', '2026-06-01T10:00:02.000Z'),
  processCreation('e1', 'C:\\Tools\\whoami.exe', '2026-06-01T10:00:01.000Z'),
];
const windowRequests: Parameters<EventWindow>[0][] = [];
const events: EventWindow = async (range) => {
  windowRequests.push(range);
  return storedEvents.filter((hit) => (range.from === undefined || hit.event['@timestamp'] >= range.from) && (range.to === undefined || hit.event['@timestamp'] <= range.to));
};

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-rules-routes-'));
const detection = new EmbeddedDetectionStore({ dataDir: directory });
const app = Fastify();
app.register(ruleRoutes, { prefix: '/api/v1', detection, events });
const eventById = async (id: string, _tenant: string, timestamp: string) => storedEvents.find((hit) => hit.id === id && hit.event['@timestamp'] === timestamp)?.event ?? null;
app.register(alertRoutes, { prefix: '/api/v1', detection, eventById });
beforeAll(() => app.ready());
afterAll(async () => {
  await app.close();
  await detection.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

let sequence = 0;
function whoamiRule(overrides: Record<string, unknown> = {}) {
  sequence++;
  return {
    id: `5a1c2b3d-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    title: `Whoami execution ${sequence}`,
    level: 'medium',
    tags: ['attack.discovery', 'attack.t1033'],
    logsource: { product: 'windows', category: 'process_creation' },
    detection: { selection: { 'Image|endswith': '\\whoami.exe' }, condition: 'selection' },
    ...overrides,
  };
}

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

describe('/api/v1/rules', () => {
  it('creates, reads, lists, updates with versions, disables, enables and deletes a rule', async () => {
    const rule = whoamiRule();
    const created = await post('/api/v1/rules', rule);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: rule.id, version: 1, enabled: true });
    expect((await app.inject(`/api/v1/rules/${rule.id}`)).json().title).toBe(rule.title);
    expect((await post('/api/v1/rules', rule)).json().error.code).toBe('SIEM_API_RULE_EXISTS');

    const updated = await app.inject({ method: 'PUT', url: `/api/v1/rules/${rule.id}`, payload: { ...rule, level: 'high' } });
    expect(updated.json()).toMatchObject({ level: 'high', version: 2 });
    const versions = (await app.inject(`/api/v1/rules/${rule.id}/versions`)).json().versions;
    expect(versions.map((version: { version: number; level: string }) => [version.version, version.level])).toEqual([
      [2, 'high'],
      [1, 'medium'],
    ]);

    expect((await post(`/api/v1/rules/${rule.id}/disable`, {})).json()).toMatchObject({ enabled: false, version: 3 });
    expect((await app.inject(`/api/v1/rules?enabled=false&q=${encodeURIComponent(rule.title)}`)).json().total).toBe(1);
    expect((await post(`/api/v1/rules/${rule.id}/enable`, {})).json()).toMatchObject({ enabled: true, version: 4 });
    const listed = (await app.inject(`/api/v1/rules?tag=attack.t1033&level=high&product=windows&category=process_creation&enabled=true`)).json();
    expect(listed.rules.map((entry: { id: string }) => entry.id)).toContain(rule.id);

    expect((await app.inject({ method: 'DELETE', url: `/api/v1/rules/${rule.id}` })).statusCode).toBe(204);
    const gone = await app.inject(`/api/v1/rules/${rule.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('SIEM_API_RULE_NOT_FOUND');
  });

  it('refuses a changed id on replace', async () => {
    const rule = whoamiRule();
    await post('/api/v1/rules', rule);
    const response = await app.inject({ method: 'PUT', url: `/api/v1/rules/${rule.id}`, payload: { ...rule, id: whoamiRule().id } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'SIEM_API_RULE_ID_MISMATCH', details: { pointer: '/id' } });
  });

  it('serves the rule JSON Schema', async () => {
    const schema = (await app.inject('/api/v1/rules/schema')).json();
    expect(schema.properties.detection).toBeDefined();
    expect(schema.required).toContain('logsource');
  });

  describe('refuses a bad rule with the pointer and reason, saving nothing', () => {
    const cases: [string, () => string, string, string | RegExp][] = [
      ['invalid JSON', () => '{"id": "x", "title": ', 'SIEM_RULE_INVALID_JSON', ''],
      ['an unknown modifier', () => JSON.stringify(whoamiRule({ detection: { selection: { 'Image|endswithh': 'x' }, condition: 'selection' } })), 'SIEM_RULE_UNKNOWN_MODIFIER', /^\/detection\/selection/],
      ['a bad condition', () => JSON.stringify(whoamiRule({ detection: { selection: { Image: 'x' }, condition: 'selection and (' } })), 'SIEM_RULE_BAD_CONDITION', '/detection/condition'],
      [
        'an unmapped field',
        () => JSON.stringify(whoamiRule({ logsource: { product: 'linux', service: 'sshd' }, detection: { selection: { NoSuchField: 'x' }, condition: 'selection' } })),
        'SIEM_RULE_UNMAPPED_FIELD',
        /^\/detection\/selection/,
      ],
      ['a regex the engine refuses', () => JSON.stringify(whoamiRule({ detection: { selection: { 'Image|re': '(?<=cmd)\\.exe' }, condition: 'selection' } })), 'SIEM_RULE_UNSAFE_REGEX', /^\/detection\/selection/],
      ['a 1 MB rule', () => JSON.stringify(whoamiRule({ description: 'x'.repeat(1024 * 1024) })), 'SIEM_RULE_TOO_LARGE', ''],
    ];
    for (const [name, body, code, pointer] of cases) {
      it(name, async () => {
        const before = (await app.inject('/api/v1/rules')).json().total;
        const response = await app.inject({ method: 'POST', url: '/api/v1/rules', payload: body(), headers: { 'content-type': 'application/json' } });
        expect(response.statusCode).toBe(400);
        const { error } = response.json();
        expect(error.code).toBe(code);
        expect(error.message.length).toBeGreaterThan(10);
        if (typeof pointer === 'string') expect(error.details.pointer).toBe(pointer);
        else expect(error.details.pointer).toMatch(pointer);
        expect((await app.inject('/api/v1/rules')).json().total).toBe(before);
      });
    }
  });
});

describe('POST /api/v1/rules/import', () => {
  const sigma = (id: string, title: string, extra = '') => `title: ${title}
id: ${id}
status: experimental
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\\\whoami.exe'${extra}
    condition: selection
level: low
tags:
    - attack.discovery
`;

  it('imports the good files, refuses a bad one whole with its reason, and reports per file', async () => {
    const good = sigma('6b1c2b3d-0000-4000-8000-000000000001', 'Imported one') + '---\n' + sigma('6b1c2b3d-0000-4000-8000-000000000002', 'Imported two');
    const half = sigma('6b1c2b3d-0000-4000-8000-000000000003', 'Would be fine') + '---\n' + sigma('6b1c2b3d-0000-4000-8000-000000000004', 'Broken', "\n        Image|nosuchmodifier: 'x'");
    const response = await post('/api/v1/rules/import', { files: [{ name: 'good.yml', content: good }, { name: 'half.yml', content: half }] });
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ imported: 1, refused: 1 });
    expect(report.files[0]).toMatchObject({ file: 'good.yml', status: 'imported', rules: [{ title: 'Imported one', outcome: 'created', version: 1 }, { title: 'Imported two', outcome: 'created' }] });
    expect(report.files[1]).toMatchObject({ file: 'half.yml', status: 'refused', code: 'SIEM_RULE_UNKNOWN_MODIFIER' });
    expect(report.files[1].pointer).toMatch(/^\/detection\/selection/);
    expect((await app.inject('/api/v1/rules/6b1c2b3d-0000-4000-8000-000000000003')).statusCode).toBe(404);
    const again = (await post('/api/v1/rules/import', { files: [{ name: 'good.yml', content: good }] })).json();
    expect(again.files[0].rules.map((rule: { outcome: string }) => rule.outcome)).toEqual(['unchanged', 'unchanged']);
  });
});

describe('POST /api/v1/rules/test', () => {
  it('returns the stored events an unsaved rule would have matched in the range, and writes nothing', async () => {
    const rule = whoamiRule({ detection: { selection: { Image: 'C:\\Windows\\System32\\whoami.exe' }, condition: 'selection' } });
    const rulesBefore = (await app.inject('/api/v1/rules')).json().total;
    const response = await post('/api/v1/rules/test', { rule, from: '2026-06-01T00:00:00.000Z', to: '2026-06-01T23:59:59.999Z' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ scanned: 3, truncated: false, total: 1, events: [{ id: 'e3' }] });
    expect(windowRequests.at(-1)).toEqual({ tenant: 'default', from: '2026-06-01T00:00:00.000Z', to: '2026-06-01T23:59:59.999Z', size: 10_000 });
    expect((await app.inject('/api/v1/rules')).json().total).toBe(rulesBefore);
    expect((await app.inject('/api/v1/alerts')).json().total).toBe(0);
  });

  it('tries a saved rule, disabled or not, and refuses a bad one with its pointer', async () => {
    const rule = whoamiRule({ enabled: false });
    await post('/api/v1/rules', rule);
    expect((await post('/api/v1/rules/test', { ruleId: rule.id, limit: 1 })).json()).toMatchObject({ total: 2, events: [{ id: 'e3' }] });
    const bad = await post('/api/v1/rules/test', { rule: whoamiRule({ detection: { selection: { Image: 'x' }, condition: 'nope' } }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'SIEM_RULE_BAD_CONDITION', details: { pointer: '/detection/condition' } });
    expect((await post('/api/v1/rules/test', {})).statusCode).toBe(400);
  });
});

describe('/api/v1/alerts', () => {
  it('lists, filters and searches alerts, and returns one with its event', async () => {
    const alert = (eventId: string, level: string, timestamp: string, status: 'open' | 'closed' = 'open') => ({
      id: `alert-${eventId}`,
      alert: {
        '@timestamp': timestamp,
        message: `Whoami ${level}`,
        rule: { id: `rule-${level}`, title: `Whoami ${level}`, level, tags: ['attack.t1033'] },
        threat: { technique: { id: ['T1033'] }, tactic: { name: ['discovery'] } },
        alert: { status, detected_at: timestamp },
        event: { id: eventId },
        host: { name: 'ws-7' },
      },
    });
    await detection.writeAlerts([alert('e1', 'low', '2026-06-01T10:00:01.000Z'), alert('e3', 'high', '2026-06-01T10:00:03.000Z', 'closed')]);
    const ids = async (query: string) => (await app.inject(`/api/v1/alerts?${query}`)).json().alerts.map((found: { id: string }) => found.id);
    expect(await ids('')).toEqual(['alert-e3', 'alert-e1']);
    expect(await ids('level=low')).toEqual(['alert-e1']);
    expect(await ids('status=closed')).toEqual(['alert-e3']);
    expect(await ids('rule=rule-high')).toEqual(['alert-e3']);
    expect(await ids(`q=${encodeURIComponent('host.name:ws-7 high')}`)).toEqual(['alert-e3']);
    expect(await ids('to=2026-06-01T10:00:02.000Z')).toEqual(['alert-e1']);
    const bad = await app.inject('/api/v1/alerts?q=%22unclosed');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toMatch(/^SIEM_QUERY_/);

    const one = (await app.inject('/api/v1/alerts/alert-e3')).json();
    expect(one.alert.rule.level).toBe('high');
    expect(one.event.process.executable).toBe('C:\\Windows\\System32\\whoami.exe');
    const missing = await app.inject('/api/v1/alerts/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('SIEM_API_ALERT_NOT_FOUND');
  });
});

describe('a failing rule and alert store', () => {
  it('answers 503 with the store code when it is unavailable, and still 400 for a bad parameter', async () => {
    const down = async () => {
      throw new StoreError('SIEM_STORE_UNAVAILABLE', 'connection refused', { retryable: true });
    };
    const failing = { listRules: down, searchAlerts: down } as unknown as DetectionStore;
    const broken = Fastify();
    broken.register(ruleRoutes, { prefix: '/api/v1', detection: failing, events });
    broken.register(alertRoutes, { prefix: '/api/v1', detection: failing, eventById });
    try {
      for (const url of ['/api/v1/rules', '/api/v1/alerts']) {
        const response = await broken.inject(url);
        expect(response.statusCode).toBe(503);
        expect(response.json().error).toEqual({ code: 'SIEM_STORE_UNAVAILABLE', message: 'The rule and alert store is unavailable; retry shortly.' });
      }
      expect((await broken.inject('/api/v1/alerts?size=0')).statusCode).toBe(400);
    } finally {
      await broken.close();
    }
  });
});
