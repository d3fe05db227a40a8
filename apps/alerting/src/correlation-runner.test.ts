import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBus, type Bus } from '@siem/bus';
import { loadConfig, type SiemConfig } from '@siem/config';
import { CorrelationEngine, encodeSignal, validateCorrelationRule, validateRule, type Signal } from '@siem/rules';
import { EmbeddedDetectionStore, EmbeddedSchedulerStateStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { correlationMetrics } from './correlation-metrics';
import { TENANT_FIELD, createCorrelationRunner, type CorrelationRunner } from './correlation-runner';

const logger = createLogger('test', (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent');
const CHECKPOINT = 'correlations';

const failedRule = validateRule({
  id: '7c1d2e3f-0000-4000-8000-000000000001',
  name: 'sshd_failed_password',
  title: 'SSH failed password',
  level: 'low',
  logsource: { product: 'linux', service: 'sshd' },
  detection: { keywords: ['Failed password'], condition: 'keywords' },
});
const failures = validateCorrelationRule({
  id: '7c1d2e3f-0000-4000-8000-0000000000a1',
  title: 'Five SSH password failures',
  correlation: { type: 'event_count', rules: ['sshd_failed_password'], 'group-by': ['user.name', 'source.ip'], timespan: '10m', condition: { gte: 5 } },
});

interface Deployment {
  config: SiemConfig;
  bus: Bus;
  detection: EmbeddedDetectionStore;
  state: EmbeddedSchedulerStateStore;
}

const directories: string[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

async function deployment(): Promise<Deployment> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-correlation-runner-'));
  directories.push(dataDir);
  const config = loadConfig({ SIEM_DATA_DIR: dataDir, SIEM_TOPIC_PARTITIONS: '2' });
  const bus = createBus(config, logger, 'test');
  await bus.ensureTopics();
  const detection = new EmbeddedDetectionStore({ dataDir });
  await detection.saveRules([failedRule, failures] as never);
  const state = new EmbeddedSchedulerStateStore({ dataDir });
  cleanups.push(async () => {
    await Promise.all([detection.close(), state.close()]);
  });
  return { config, bus, detection, state };
}

function runner({ config, bus, detection, state }: Deployment, metrics: MetricsRegistry): CorrelationRunner {
  const created = createCorrelationRunner(
    {
      signalsTopic: config.kafka.signalsTopic,
      groupId: 'correlation-runner-test',
      checkpointName: CHECKPOINT,
      tickMs: 50,
      allowedLatenessMs: 300,
      checkpointMs: 200,
      maxGroupsPerRule: 1000,
      rulesPollMs: 60_000,
      chunkSize: 100,
    },
    { bus, detection, state, logger, metrics: correlationMetrics(metrics), onFenced: () => undefined },
  );
  cleanups.unshift(() => created.stop());
  return created;
}

function failure(user: string, index: number, at: number): Signal {
  return { ruleId: failedRule.id, ruleName: failedRule.name, eventId: `${user}-f${index}`, timestamp: at, fields: { 'user.name': user, 'source.ip': '203.0.113.7', [TENANT_FIELD]: 'default' } };
}

async function send(bus: Bus, topic: string, signals: readonly Signal[]): Promise<void> {
  const producer = bus.producer();
  await producer.connect();
  await producer.send(topic, signals.map((signal) => ({ key: signal.eventId, value: encodeSignal(signal) })));
  await producer.disconnect();
}

const heldSignals = async (state: EmbeddedSchedulerStateStore): Promise<number> =>
  Object.values(((await state.readCheckpoint(CHECKPOINT))?.state as { positions?: Record<string, string> } | undefined)?.positions ?? {}).reduce((sum, next) => sum + Number(next), 0);

describe('correlation runner – checkpoints', { timeout: 30_000 }, () => {
  it('writes the checkpoint as one JSON text the store keeps as is: engine, clock and positions, its size in the gauge', async () => {
    const deployed = await deployment();
    const metrics = new MetricsRegistry();
    const base = Date.now() - 600_000;
    // 250 users with 3 failures each: 750 signals in chunks of 100, no window reaches 5.
    const signals = Array.from({ length: 750 }, (_, i) => failure(`user${i % 250}`, Math.floor(i / 250), base + i * 10));
    await runner(deployed, metrics).start();
    await send(deployed.bus, deployed.config.kafka.signalsTopic, signals);
    await expect.poll(() => heldSignals(deployed.state), { timeout: 15_000 }).toBe(750);
    const stored = await deployed.state.readCheckpoint(CHECKPOINT);
    const state = stored?.state as { version: number; engine: unknown; clock: { newest: Record<string, number> }; positions: Record<string, string> };
    expect(Object.keys(state)).toEqual(['version', 'engine', 'clock', 'positions']);
    expect(state.version).toBe(1);
    expect(Math.max(...Object.values(state.clock.newest))).toBe(base + 749 * 10);
    expect(metrics.render()).toMatch(new RegExp(`siem_alerting_checkpoint_bytes ${JSON.stringify(state).length}\\n`));
    const engine = new CorrelationEngine([{ ...failures, correlation: { ...failures.correlation, 'group-by': ['user.name', 'source.ip', TENANT_FIELD] } }], { singleEventRules: [failedRule] });
    engine.restore(state.engine);
    expect(engine.advance(base + 60_000)).toEqual([]);
    expect(engine.stats().rules[0]?.groups).toBe(250);
    expect((await deployed.detection.searchAlerts({ size: 0 })).total).toBe(0);
  });

  it('resumes from a checkpoint written as a plain object, as earlier versions stored it: the fifth failure after it fires once', async () => {
    const deployed = await deployment();
    const base = Date.now() - 600_000;
    const signals = Array.from({ length: 5 }, (_, i) => failure('erin', i, base + i * 1000));
    const earlier = new CorrelationEngine([{ ...failures, correlation: { ...failures.correlation, 'group-by': ['user.name', 'source.ip', TENANT_FIELD] } }], { singleEventRules: [failedRule] });
    for (const signal of signals.slice(0, 4)) earlier.push(signal);
    expect(earlier.advance(base + 4000)).toEqual([]);
    await deployed.state.writeCheckpoint(CHECKPOINT, { version: 1, engine: earlier.snapshot(), clock: { newest: { '0': base + 3000 } }, positions: {} }, 0);
    await runner(deployed, new MetricsRegistry()).start();
    await send(deployed.bus, deployed.config.kafka.signalsTopic, signals.slice(4));
    await expect.poll(async () => (await deployed.detection.searchAlerts({ size: 10 })).alerts.map((alert) => alert.alert.correlation), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ type: 'event_count', value: 5, event_ids: signals.map((signal) => signal.eventId) }),
    ]);
  });
});
