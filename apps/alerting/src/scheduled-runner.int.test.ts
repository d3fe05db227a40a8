import { afterAll, describe, expect, inject, it } from 'vitest';
import { validateScheduledRule } from '@siem/rules';
import { OpenSearchDetectionStore, OpenSearchSchedulerStateStore, OpenSearchStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { removeOpenSearchScratch, scratchNames } from '@siem/testing';
import { createScheduledRunner, scheduledMetrics } from './scheduled-runner';

const T = Date.parse('2026-12-04T10:00:00.000Z');
const url = inject('opensearchUrl');
const indexPrefix = scratchNames().indexPrefix;
afterAll(async () => {
  await removeOpenSearchScratch(url, indexPrefix);
  await fetch(`${url}/${indexPrefix.replace(/-$/, '')}.*?expand_wildcards=all`, { method: 'DELETE' });
});

const spraying = validateScheduledRule({
  id: '4d3c2b1a-0000-4000-8000-0000000000b1',
  title: 'Five failed logins from one address in 5 minutes',
  scheduled: { type: 'query', query: 'event.outcome:failure', interval: '1m', lookback: '5m', threshold: { by: ['source.ip', 'user.name'], gte: 5 } },
});
const newLogin = validateScheduledRule({
  id: '4d3c2b1a-0000-4000-8000-0000000000b2',
  title: 'A user logs in from an address never seen for them in 30 days',
  scheduled: { type: 'new_terms', query: 'event.outcome:success', interval: '1m', lookback: '1m', fields: ['user.name', 'source.ip'], history: '30d' },
});

function login(id: string, time: number, user: string, ip: string, outcome: 'success' | 'failure') {
  return { id, timestamp: new Date(time).toISOString(), document: { '@timestamp': new Date(time).toISOString(), event: { outcome }, user: { name: user }, source: { ip }, organization: { id: 'default' } } };
}

describe('scheduled rules on OpenSearch', () => {
  it('a threshold over two fields and a new_terms rule each alert once at their scheduled time', async () => {
    const events = new OpenSearchStore({ url, indexPrefix, replicas: 0 });
    const detection = new OpenSearchDetectionStore({ url, indexPrefix, replicas: 0 });
    const state = new OpenSearchSchedulerStateStore({ url, indexPrefix, replicas: 0 });
    await Promise.all([events.ensureReady(), detection.ensureReady(), state.ensureReady()]);
    await detection.saveRules([spraying, newLogin] as never);
    const lines = [
      ...Array.from({ length: 5 }, (_, i) => login(`f-${i}`, T - 120_000 + i * 1000, 'root', '203.0.113.7', 'failure')),
      ...Array.from({ length: 4 }, (_, i) => login(`g-${i}`, T - 120_000 + i * 1000, 'admin', '203.0.113.7', 'failure')),
      login('old', T - 5 * 86_400_000, 'alice', '198.51.100.1', 'success'),
      login('known', T - 30_000, 'alice', '198.51.100.1', 'success'),
      login('new', T - 20_000, 'alice', '198.51.100.2', 'success'),
    ];
    expect((await events.bulkIndex(lines)).rejected).toEqual([]);
    await expect.poll(() => events.count({ query: { root: { kind: 'all' } } }), { timeout: 30_000, interval: 500 }).toBe(lines.length);
    const clock = { now: T - 30_000 };
    const metrics = new MetricsRegistry();
    const runner = createScheduledRunner(
      { checkpointName: 'scheduled', tickMs: 20, runTimeoutMs: 20_000, maxCatchUpRuns: 10, concurrency: 2, rulesPollMs: 100, maxScanEvents: 10_000, maxCandidates: 1000 },
      { events, detection, state, logger: createLogger('test', 'silent'), metrics: scheduledMetrics(metrics), onFenced: () => undefined, wallClock: () => clock.now },
    );
    await runner.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    clock.now = T + 100;
    await expect.poll(async () => (await detection.searchAlerts({ size: 10 })).total, { timeout: 30_000, interval: 300 }).toBe(2);
    await runner.stop();
    const alerts = (await detection.searchAlerts({ size: 10 })).alerts;
    expect(alerts.find((alert) => alert.alert.rule.id === spraying.id)!.alert).toMatchObject({ user: { name: 'root' }, source: { ip: '203.0.113.7' }, organization: { id: 'default' }, scheduled: { count: 5 } });
    expect(alerts.find((alert) => alert.alert.rule.id === newLogin.id)!.alert).toMatchObject({ user: { name: 'alice' }, source: { ip: '198.51.100.2' } });
    expect((await state.readCheckpoint('scheduled'))?.state).toMatchObject({ lastRun: { [spraying.id]: T, [newLogin.id]: T } });
    await Promise.all([events.close(), detection.close(), state.close()]);
  });
});
