import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScheduledRule } from '@siem/rules';
import { EmbeddedDetectionStore, EmbeddedSchedulerStateStore, EmbeddedStore, type EventAnalytics, type EventStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { createScheduledRunner, scheduledMetrics, type ScheduledRunnerOptions } from './scheduled-runner';

const logger = createLogger('test', 'silent');
const T = Date.parse('2026-12-04T10:00:00.000Z');
const minutes = (n: number) => n * 60_000;

const spraying = validateScheduledRule({
  id: '4d3c2b1a-0000-4000-8000-000000000001',
  title: 'Five failed logins from one address in 5 minutes',
  level: 'medium',
  tags: ['attack.credential-access', 'attack.t1110'],
  scheduled: { type: 'query', query: 'event.outcome:failure', interval: '1m', lookback: '5m', threshold: { by: ['source.ip'], gte: 5 } },
});
const newLogin = validateScheduledRule({
  id: '4d3c2b1a-0000-4000-8000-000000000002',
  title: 'A user logs in from an address never seen for them in 30 days',
  level: 'low',
  scheduled: { type: 'new_terms', query: 'event.outcome:success', interval: '1m', lookback: '1m', fields: ['user.name', 'source.ip'], history: '30d' },
});

function login(id: string, time: number, user: string, ip: string, outcome: 'success' | 'failure', tenant = 'default') {
  return {
    id,
    timestamp: new Date(time).toISOString(),
    document: { '@timestamp': new Date(time).toISOString(), event: { outcome, category: ['authentication'] }, user: { name: user }, source: { ip }, organization: { id: tenant } },
  };
}

const options: ScheduledRunnerOptions = { checkpointName: 'scheduled', tickMs: 10, runTimeoutMs: 5000, maxCatchUpRuns: 60, concurrency: 2, rulesPollMs: 100, maxScanEvents: 10_000, maxCandidates: 1000 };
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-scheduled-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

async function fixture(name: string, rules: readonly object[]) {
  const dataDir = path.join(directory, name);
  const events = new EmbeddedStore({ dataDir });
  await events.ensureReady();
  const detection = new EmbeddedDetectionStore({ dataDir });
  await detection.saveRules(rules as never);
  const state = new EmbeddedSchedulerStateStore({ dataDir });
  return { events, detection, state };
}

function runner(
  stores: Awaited<ReturnType<typeof fixture>>,
  clock: { now: number },
  metrics = new MetricsRegistry(),
  overrides: Partial<ScheduledRunnerOptions> = {},
  events: Pick<EventStore, 'search' | 'count'> & Pick<EventAnalytics, 'aggregate'> = stores.events,
) {
  return {
    metrics,
    runner: createScheduledRunner({ ...options, ...overrides }, { events, detection: stores.detection, state: stores.state, logger, metrics: scheduledMetrics(metrics), onFenced: () => undefined, wallClock: () => clock.now }),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('scheduled rules', { timeout: 20_000 }, () => {
  let stores: Awaited<ReturnType<typeof fixture>>;
  beforeAll(async () => {
    stores = await fixture('main', [spraying, newLogin]);
    await stores.events.bulkIndex([
      ...Array.from({ length: 6 }, (_, i) => login(`f7-${i}`, T - minutes(4) + i * 1000, `user${i}`, '203.0.113.7', 'failure')),
      ...Array.from({ length: 4 }, (_, i) => login(`f8-${i}`, T - minutes(3) + i * 1000, `user${i}`, '203.0.113.8', 'failure')),
      // Five failures, but one is a second outside the window of the run at T.
      ...Array.from({ length: 5 }, (_, i) => login(`f9-${i}`, T - minutes(5) - 1000 + i * 1000, 'root', '203.0.113.9', 'failure')),
      login('old-alice', T - minutes(60 * 24 * 3), 'alice', '198.51.100.1', 'success'),
      login('alice-known', T - 30_000, 'alice', '198.51.100.1', 'success'),
      login('alice-new', T - 20_000, 'alice', '198.51.100.2', 'success'),
    ]);
  });

  it('runs at the scheduled time over its lookback: one alert per address past the threshold, one per new user and address, each once', async () => {
    const clock = { now: T - 30_000 };
    const { runner: scheduler, metrics } = runner(stores, clock);
    await scheduler.start();
    await settle();
    expect((await stores.detection.searchAlerts({ size: 10 })).total).toBe(0);
    clock.now = T + 100;
    await expect.poll(async () => (await stores.detection.searchAlerts({ size: 10 })).total, { timeout: 5000 }).toBe(2);
    await settle();
    await scheduler.stop();
    const alerts = (await stores.detection.searchAlerts({ size: 10 })).alerts;
    const threshold = alerts.find((alert) => alert.alert.rule.id === spraying.id)!;
    expect(threshold.alert).toMatchObject({
      '@timestamp': new Date(T).toISOString(),
      source: { ip: '203.0.113.7' },
      threat: { technique: { id: ['T1110'] } },
      scheduled: { type: 'query', count: 6, values: { 'source.ip': '203.0.113.7' }, window: { from: new Date(T - minutes(5)).toISOString(), to: new Date(T).toISOString() } },
    });
    const fresh = alerts.find((alert) => alert.alert.rule.id === newLogin.id)!;
    expect(fresh.alert).toMatchObject({ user: { name: 'alice' }, source: { ip: '198.51.100.2' }, event: { id: 'alice-new' }, scheduled: { type: 'new_terms', count: 1 } });
    expect(metrics.render()).toContain(`siem_alerting_scheduled_runs_total{outcome="ok",rule_id="${spraying.id}"} 1`);
  });

  it('after downtime runs the missed windows from its checkpoint, the newest up to the limit, reports the rest, and alerts nothing twice', async () => {
    const clock = { now: T + minutes(10) + 100 };
    const { runner: scheduler, metrics } = runner(stores, clock, new MetricsRegistry(), { maxCatchUpRuns: 6 });
    await scheduler.start();
    await expect.poll(() => metrics.render(), { timeout: 5000 }).toContain(`siem_alerting_scheduled_runs_total{outcome="ok",rule_id="${spraying.id}"} 6`);
    await settle();
    await scheduler.stop();
    const text = metrics.render();
    expect(text).toContain(`siem_alerting_scheduled_skipped_runs_total{rule_id="${spraying.id}"} 4`);
    expect(text).toContain(`siem_alerting_scheduled_missed_runs_total{rule_id="${spraying.id}"} 5`);
    // The runs at T+5m..T+10m: the 203.0.113.7 failures (T-4m..) are in the windows of T+1m..T+3m only, which were skipped.
    const alerts = (await stores.detection.searchAlerts({ size: 100 })).alerts;
    expect(alerts.filter((alert) => alert.alert.rule.id === spraying.id)).toHaveLength(1);
    expect(alerts.filter((alert) => alert.alert.rule.id === newLogin.id)).toHaveLength(1);
  });

  it('a run past its time budget is abandoned, counted, and tried again', async () => {
    const slow = await fixture('slow', [spraying]);
    const clock = { now: T - 30_000 };
    const hanging: Pick<EventStore, 'search' | 'count'> & Pick<EventAnalytics, 'aggregate'> = {
      search: () => new Promise(() => undefined),
      count: () => new Promise(() => undefined),
      aggregate: () => new Promise(() => undefined),
    };
    const { runner: scheduler, metrics } = runner(slow, clock, new MetricsRegistry(), { runTimeoutMs: 50 }, hanging);
    await scheduler.start();
    await settle();
    clock.now = T + 100;
    await expect.poll(() => metrics.render(), { timeout: 5000 }).toMatch(new RegExp(`siem_alerting_scheduled_runs_total\\{outcome="timeout",rule_id="${spraying.id}"\\} [2-9]`));
    await scheduler.stop();
    expect((await slow.detection.searchAlerts({ size: 10 })).total).toBe(0);
  });
});

describe('scheduled rules per tenant', { timeout: 20_000 }, () => {
  const scheduledRule = (id: string, tenant: string, title: string, scheduled: object) => ({ ...validateScheduledRule({ id, title, scheduled }), tenant });
  const failures = { type: 'query', query: 'event.outcome:failure', interval: '1m', lookback: '5m' };
  const newUsers = { type: 'new_terms', query: 'event.outcome:success', interval: '1m', lookback: '1m', fields: ['user.name'], history: '30d' };
  const acmeThreshold = scheduledRule('4d3c2b1a-0000-4000-8000-000000000011', 'acme', "Five failed logins from one address, acme's", { ...failures, threshold: { by: ['source.ip'], gte: 5 } });
  const globalCount = scheduledRule('4d3c2b1a-0000-4000-8000-000000000012', '*', 'Three failed logins in a tenant', { ...failures, threshold: { gte: 3 } });
  const globalByAddress = scheduledRule('4d3c2b1a-0000-4000-8000-000000000013', '*', 'Six failed logins from one address in a tenant', { ...failures, threshold: { by: ['source.ip'], gte: 6 } });
  const acmeNewUser = scheduledRule('4d3c2b1a-0000-4000-8000-000000000014', 'acme', "A user new to acme's logins", newUsers);
  const globalNewUser = scheduledRule('4d3c2b1a-0000-4000-8000-000000000015', '*', "A user new to a tenant's logins", newUsers);

  it("a tenant's rule never counts another tenant's events; a global rule judges each tenant apart and alerts once per tenant, with its tenant", async () => {
    const stores = await fixture('tenants', [acmeThreshold, globalCount, globalByAddress, acmeNewUser, globalNewUser]);
    await stores.events.bulkIndex([
      ...Array.from({ length: 5 }, (_, i) => login(`acme-51-${i}`, T - minutes(4) + i * 1000, `user${i}`, '203.0.113.51', 'failure', 'acme')),
      // 203.0.113.50: three failures in each tenant, six together.
      ...Array.from({ length: 3 }, (_, i) => login(`acme-50-${i}`, T - minutes(3) + i * 1000, 'root', '203.0.113.50', 'failure', 'acme')),
      ...Array.from({ length: 3 }, (_, i) => login(`globex-50-${i}`, T - minutes(3) + i * 1000, 'root', '203.0.113.50', 'failure', 'globex')),
      // bob logged in at globex two days ago: that is no history of acme's.
      login('globex-bob-old', T - minutes(60 * 48), 'bob', '198.51.100.1', 'success', 'globex'),
      login('acme-bob', T - 30_000, 'bob', '198.51.100.1', 'success', 'acme'),
      login('globex-carol', T - 20_000, 'carol', '198.51.100.2', 'success', 'globex'),
    ]);
    const clock = { now: T - 30_000 };
    const { runner: scheduler, metrics } = runner(stores, clock);
    await scheduler.start();
    await settle();
    clock.now = T + 100;
    const ok = (rule: { id: string }) => `siem_alerting_scheduled_runs_total{outcome="ok",rule_id="${rule.id}"} 1`;
    await expect.poll(() => metrics.render(), { timeout: 5000 }).toContain(ok(globalNewUser));
    await expect.poll(() => [acmeThreshold, globalCount, globalByAddress, acmeNewUser].every((rule) => metrics.render().includes(ok(rule))), { timeout: 5000 }).toBe(true);
    await scheduler.stop();
    const alerts = (await stores.detection.searchAlerts({ size: 100 })).alerts;
    const of = (rule: { id: string }) =>
      alerts
        .filter((alert) => alert.alert.rule.id === rule.id)
        .map((alert) => alert.alert as unknown as { organization: { id: string }; source?: { ip: string }; user?: { name: string }; scheduled: { count: number } })
        .sort((a, b) => a.organization.id.localeCompare(b.organization.id));
    expect(of(acmeThreshold)).toMatchObject([{ organization: { id: 'acme' }, source: { ip: '203.0.113.51' }, scheduled: { count: 5 } }]);
    expect(of(globalCount)).toMatchObject([
      { organization: { id: 'acme' }, scheduled: { count: 8 } },
      { organization: { id: 'globex' }, scheduled: { count: 3 } },
    ]);
    expect(of(globalByAddress)).toEqual([]);
    expect(of(acmeNewUser)).toMatchObject([{ organization: { id: 'acme' }, user: { name: 'bob' } }]);
    expect(of(globalNewUser)).toMatchObject([
      { organization: { id: 'acme' }, user: { name: 'bob' } },
      { organization: { id: 'globex' }, user: { name: 'carol' } },
    ]);
    expect(alerts).toHaveLength(6);
  });
});
