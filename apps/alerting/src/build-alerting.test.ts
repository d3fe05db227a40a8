import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBus, type Bus } from '@siem/bus';
import { loadConfig, type SiemConfig } from '@siem/config';
import { encodeSignal, validateCorrelationRule, validateRule, type Signal } from '@siem/rules';
import { EmbeddedDetectionStore, EmbeddedSchedulerStateStore, EmbeddedStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { buildAlerting, schedulerBusConfig, type Alerting } from './build-alerting';

const logger = createLogger('test', (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent');

/** The brute force of issue 14: 5 failed passwords, then an accepted one, for one user from one address within 10 minutes. */
const failedRule = validateRule({
  id: '9b0c1d2e-0000-4000-8000-000000000001',
  name: 'sshd_failed_password',
  title: 'SSH failed password',
  level: 'low',
  logsource: { product: 'linux', service: 'sshd' },
  detection: { keywords: ['Failed password'], condition: 'keywords' },
});
const acceptedRule = validateRule({
  id: '9b0c1d2e-0000-4000-8000-000000000002',
  name: 'sshd_accepted_password',
  title: 'SSH accepted password',
  level: 'low',
  logsource: { product: 'linux', service: 'sshd' },
  detection: { keywords: ['Accepted password'], condition: 'keywords' },
});
const failures = validateCorrelationRule({
  id: '9b0c1d2e-0000-4000-8000-0000000000a1',
  name: 'ssh_password_failures',
  title: 'Five SSH password failures',
  correlation: { type: 'event_count', rules: ['sshd_failed_password'], 'group-by': ['user.name', 'source.ip'], timespan: '10m', condition: { gte: 5 } },
});
const bruteForce = validateCorrelationRule({
  id: '9b0c1d2e-0000-4000-8000-0000000000a2',
  title: 'SSH brute force followed by a success',
  level: 'high',
  tags: ['attack.credential-access', 'attack.t1110.001'],
  correlation: { type: 'temporal_ordered', rules: ['ssh_password_failures', 'sshd_accepted_password'], 'group-by': ['user.name', 'source.ip'], timespan: '10m' },
});

const directories: string[] = [];
const running: Alerting[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((alerting) => alerting.stop()));
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

async function deployment(env: Record<string, string> = {}): Promise<{ config: SiemConfig; bus: Bus; detection: EmbeddedDetectionStore }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-alerting-'));
  directories.push(dataDir);
  const config = loadConfig({
    SIEM_DATA_DIR: dataDir,
    SIEM_TOPIC_PARTITIONS: '2',
    SIEM_ALERTING_LEASE_MS: '1500',
    SIEM_ALERTING_TICK_MS: '50',
    SIEM_ALERTING_LATENESS_MS: '300',
    SIEM_ALERTING_CHECKPOINT_MS: '200',
    SIEM_RULES_POLL_MS: '100',
    ...env,
  });
  const bus = createBus(config, logger, 'test');
  await bus.ensureTopics();
  const detection = new EmbeddedDetectionStore({ dataDir });
  await detection.saveRules([failedRule, acceptedRule, failures, { ...bruteForce, actions: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }] }] as never);
  return { config, bus, detection };
}

function start(config: SiemConfig, bus: Bus, holder: string, metrics = new MetricsRegistry(), dispatched: string[] = []): Alerting {
  const alerting = buildAlerting(config, {
    bus,
    detection: new EmbeddedDetectionStore({ dataDir: config.deployment.dataDir }),
    state: new EmbeddedSchedulerStateStore({ dataDir: config.deployment.dataDir }),
    events: new EmbeddedStore({ dataDir: config.deployment.dataDir }),
    actions: { dispatch: (alert, rule) => dispatched.push(`${rule.id}/${alert.id}`) },
    logger,
    metrics,
    holder,
  });
  running.push(alerting);
  return alerting;
}

/** The signals the processor sends for a user's attempts: `failed` failures a second apart, then a success. */
function attempt(user: string, ip: string, failed: number, base: number): Signal[] {
  const signals: Signal[] = [];
  for (let i = 0; i < failed; i++) {
    signals.push({ ruleId: failedRule.id, ruleName: failedRule.name, eventId: `${user}-f${i}`, timestamp: base + i * 1000, fields: { 'user.name': user, 'source.ip': ip } });
  }
  signals.push({ ruleId: acceptedRule.id, ruleName: acceptedRule.name, eventId: `${user}-ok`, timestamp: base + failed * 1000 + 500, fields: { 'user.name': user, 'source.ip': ip } });
  return signals;
}

async function send(bus: Bus, topic: string, signals: readonly Signal[]): Promise<void> {
  const producer = bus.producer();
  await producer.connect();
  await producer.send(topic, signals.map((signal) => ({ key: signal.eventId, value: encodeSignal(signal) })));
  await producer.disconnect();
}

const correlationAlerts = async (detection: EmbeddedDetectionStore) => (await detection.searchAlerts({ size: 100 })).alerts;

describe('the alerting scheduler on the embedded bus and store', { timeout: 30_000 }, () => {
  it('raises exactly one alert for 5 failures then a success, none for 4, and one per user', async () => {
    const { config, bus, detection } = await deployment();
    const metrics = new MetricsRegistry();
    const dispatched: string[] = [];
    const alerting = start(config, bus, 'only', metrics, dispatched);
    await alerting.start();
    const base = Date.now() - 120_000;
    await send(bus, config.kafka.signalsTopic, [...attempt('alice', '203.0.113.7', 5, base), ...attempt('bob', '203.0.113.8', 4, base), ...attempt('carol', '198.51.100.9', 6, base)]);
    await expect.poll(async () => (await correlationAlerts(detection)).length, { timeout: 10_000 }).toBe(2);
    // Long enough for any further (wrong) alert to be written.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const alerts = await correlationAlerts(detection);
    expect(alerts.map((alert) => alert.alert.user).sort((a, b) => String((a as { name: string }).name).localeCompare((b as { name: string }).name))).toEqual([{ name: 'alice' }, { name: 'carol' }]);
    const alice = alerts.find((alert) => (alert.alert.user as { name: string }).name === 'alice')!;
    expect(alice.alert).toMatchObject({
      message: 'SSH brute force followed by a success',
      rule: { id: bruteForce.id, level: 'high', tags: ['attack.credential-access', 'attack.t1110.001'] },
      threat: { technique: { id: ['T1110.001'] }, tactic: { name: ['credential-access'] } },
      source: { ip: '203.0.113.7' },
      organization: { id: 'default' },
      event: { id: 'alice-ok' },
      correlation: { type: 'temporal_ordered', value: 2 },
    });
    expect(alerting.status()).toEqual({ role: 'active', storeFailing: false });
    // The correlation's actions are notified once per alert; the failures correlation has none.
    expect(dispatched.sort()).toEqual(alerts.map((alert) => `${bruteForce.id}/${alert.id}`).sort());
    expect(metrics.render()).toContain('siem_alerting_signals_total 18');
    expect(metrics.render()).toContain(`siem_alerting_alerts_total{rule_id="${bruteForce.id}"} 2`);
  });

  it('keeps the windows across a restart: failures before it and the success after it raise the alert once', async () => {
    const { config, bus, detection } = await deployment();
    const base = Date.now() - 60_000;
    const signals = attempt('dave', '192.0.2.10', 5, base);
    const dispatched: string[] = [];
    const first = start(config, bus, 'first', new MetricsRegistry(), dispatched);
    await first.start();
    await send(bus, config.kafka.signalsTopic, signals.slice(0, 5));
    await expect.poll(() => first.status().role, { timeout: 5000 }).toBe('active');
    await new Promise((resolve) => setTimeout(resolve, 800));
    await first.stop();
    running.splice(running.indexOf(first), 1);
    const second = start(config, bus, 'second', new MetricsRegistry(), dispatched);
    await second.start();
    await send(bus, config.kafka.signalsTopic, signals.slice(5));
    await expect.poll(async () => (await correlationAlerts(detection)).length, { timeout: 10_000 }).toBe(1);
    // The same signals again (a processor redelivery) change nothing.
    await send(bus, config.kafka.signalsTopic, signals);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await correlationAlerts(detection)).toHaveLength(1);
    expect(dispatched).toHaveLength(1);
  });

  it('lets one of two schedulers work; the other takes over when it stops, without a second alert', async () => {
    const { config, bus, detection } = await deployment();
    const a = start(config, bus, 'a');
    const b = start(config, bus, 'b');
    await a.start();
    await expect.poll(() => a.status().role, { timeout: 5000 }).toBe('active');
    await b.start();
    await expect.poll(() => b.status().role, { timeout: 5000 }).toBe('standby');
    const base = Date.now() - 60_000;
    await send(bus, config.kafka.signalsTopic, attempt('erin', '192.0.2.11', 5, base));
    await expect.poll(async () => (await correlationAlerts(detection)).length, { timeout: 10_000 }).toBe(1);
    await a.stop();
    running.splice(running.indexOf(a), 1);
    await expect.poll(() => b.status().role, { timeout: 5000 }).toBe('active');
    await send(bus, config.kafka.signalsTopic, attempt('frank', '192.0.2.12', 5, Date.now() - 10_000));
    await expect.poll(async () => (await correlationAlerts(detection)).length, { timeout: 10_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await correlationAlerts(detection)).map((alert) => (alert.alert.user as { name: string }).name).sort()).toEqual(['erin', 'frank']);
  });

  it('keeps at most SIEM_ALERTING_MAX_GROUPS groups per rule, evicting the stalest, and counts it in its metrics', async () => {
    const { config, bus } = await deployment({ SIEM_ALERTING_MAX_GROUPS: '2' });
    const metrics = new MetricsRegistry();
    const alerting = start(config, bus, 'only', metrics);
    await alerting.start();
    const base = Date.now() - 60_000;
    await send(bus, config.kafka.signalsTopic, ['u1', 'u2', 'u3', 'u4'].flatMap((user, i) => attempt(user, `192.0.2.${20 + i}`, 2, base + i * 10_000).slice(0, 2)));
    await expect.poll(() => metrics.render(), { timeout: 10_000 }).toContain(`siem_alerting_groups_evicted_total{rule_id="${failures.id}"} 2`);
    expect(metrics.render()).toContain(`siem_alerting_groups{rule_id="${failures.id}"} 2`);
  });

  it('counts records that are not signals and goes on', async () => {
    const { config, bus, detection } = await deployment();
    const metrics = new MetricsRegistry();
    const alerting = start(config, bus, 'only', metrics);
    await alerting.start();
    const producer = bus.producer();
    await producer.connect();
    await producer.send(config.kafka.signalsTopic, [{ value: Buffer.from('not a signal') }, { value: Buffer.from('{"ruleId":1}') }]);
    await producer.disconnect();
    await send(bus, config.kafka.signalsTopic, attempt('gina', '192.0.2.13', 5, Date.now() - 60_000));
    await expect.poll(async () => (await correlationAlerts(detection)).length, { timeout: 10_000 }).toBe(1);
    expect(metrics.render()).toContain('siem_alerting_signals_invalid_total 2');
  });
});

describe("the scheduler's bus settings", () => {
  it('give the signals consumer SIEM_ALERTING_SESSION_TIMEOUT_MS (heartbeats every third of it) and leave the processors\' SIEM_KAFKA_SESSION_TIMEOUT_MS alone', () => {
    const config = loadConfig({ SIEM_KAFKA_SESSION_TIMEOUT_MS: '45000', SIEM_KAFKA_HEARTBEAT_INTERVAL_MS: '3000', SIEM_ALERTING_SESSION_TIMEOUT_MS: '7500' });
    expect(schedulerBusConfig(config).kafka).toMatchObject({ sessionTimeoutMs: 7500, heartbeatIntervalMs: 2500 });
    expect(config.kafka).toMatchObject({ sessionTimeoutMs: 45_000, heartbeatIntervalMs: 3000 });
    expect(loadConfig({}).alerting.sessionTimeoutMs).toBe(6000);
    expect(() => loadConfig({ SIEM_ALERTING_SESSION_TIMEOUT_MS: '1000' })).toThrow(/SIEM_ALERTING_SESSION_TIMEOUT_MS|sessionTimeoutMs/);
  });
});
