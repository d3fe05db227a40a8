/**
 * Proves: the alerting scheduler's correlation throughput through its own code path, in
 * signals/s and signals per CPU second (per core), with 100 Sigma correlation rules (25 each of
 * event_count, value_count, temporal and temporal_ordered over 20 single-event rules) and
 * 10,000 groups: apps/alerting's correlation runner reads the signals from the signals topic of
 * the embedded bus (2 partitions), decodes them, drives the event clock and the engine (every
 * rule grouped by tenant too), writes the alerts that become final to the embedded alert
 * store, and checkpoints engine and positions; timed until the checkpoint holds every signal.
 * The signals are produced to the topic before the measured block.
 *
 * The peer in the same run is the pure engine (libs/rules CorrelationEngine) on the same
 * signals and rules, decoded beforehand, advanced every 1,000 signals: the ratio is what the
 * bus, clock, alert writes and checkpoints cost on top of it.
 *
 *   node --import tsx benchmarks/alerting/scheduler-correlation.bench.ts [--signals=50000] [--groups=10000] [--chunk=<the app's SIGNAL_CHUNK>]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIGNAL_CHUNK } from '../../apps/alerting/src/build-alerting';
import { correlationMetrics } from '../../apps/alerting/src/correlation-metrics';
import { TENANT_FIELD, createCorrelationRunner } from '../../apps/alerting/src/correlation-runner';
import { createBus } from '@siem/bus';
import { loadConfig } from '@siem/config';
import { CorrelationEngine, encodeSignal, validateCorrelationRule, validateRule, type CorrelationRule, type Signal } from '@siem/rules';
import { EmbeddedDetectionStore, EmbeddedSchedulerStateStore, type SchedulerStateStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SIGNALS = arg('signals', 50_000);
const GROUPS = arg('groups', 10_000);
const CHUNK = arg('chunk', SIGNAL_CHUNK);
const BASE_RULES = 20;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const T0 = Date.now() - 3_600_000;

const baseIds = Array.from({ length: BASE_RULES }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const uuid = (i: number): string => `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function makeRules(): CorrelationRule[] {
  return Array.from({ length: 100 }, (_, i) => {
    const kind = i % 4;
    const pick = (offset: number) => baseIds[(i + offset) % BASE_RULES]!;
    const correlation =
      kind === 0
        ? { type: 'event_count', rules: [pick(0)], 'group-by': ['user.name', 'source.ip'], timespan: '5m', condition: { gte: 3 } }
        : kind === 1
          ? { type: 'value_count', rules: [pick(0)], 'group-by': ['source.ip'], timespan: '5m', condition: { field: 'user.name', gte: 3 } }
          : kind === 2
            ? { type: 'temporal', rules: [pick(0), pick(7)], 'group-by': ['host.name'], timespan: '10m' }
            : { type: 'temporal_ordered', rules: [pick(0), pick(5), pick(11)], 'group-by': ['host.name'], timespan: '10m' };
    return validateCorrelationRule({ id: uuid(i), title: `bench ${i}`, correlation });
  });
}

function makeSignals(): Signal[] {
  // mulberry32: a fixed seed, so every run measures the same signals.
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n) | 0;
  };
  return Array.from({ length: SIGNALS }, (_, i) => {
    const group = random(GROUPS);
    return {
      ruleId: baseIds[random(BASE_RULES)]!,
      eventId: `e${i}`,
      timestamp: T0 + i * 5,
      fields: { 'user.name': `user${random(5000)}`, 'source.ip': `10.${group >> 8}.${group & 255}.1`, 'host.name': `host${group}`, [TENANT_FIELD]: 'default' },
    };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

async function measureRunner(rules: readonly CorrelationRule[], signals: readonly Signal[]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-correlation-bench-'));
  const config = loadConfig({ SIEM_DATA_DIR: dataDir, SIEM_TOPIC_PARTITIONS: '2' });
  const bus = createBus(config, createLogger('bench', 'warn'), 'bench');
  await bus.ensureTopics();
  const detection = new EmbeddedDetectionStore({ dataDir });
  const single = baseIds.map((id, i) => validateRule({ id, title: `base ${i}`, level: 'low', logsource: { product: 'linux' }, detection: { keywords: [`base${i}`], condition: 'keywords' } }));
  await detection.saveRules([...single, ...rules] as never);
  const producer = bus.producer();
  await producer.connect();
  for (let i = 0; i < signals.length; i += 5000) await producer.send(config.kafka.signalsTopic, signals.slice(i, i + 5000).map((signal) => ({ key: String(signal.fields['host.name']), value: encodeSignal(signal) })));
  await producer.disconnect();
  const store = new EmbeddedSchedulerStateStore({ dataDir });
  const registry = new MetricsRegistry();
  const metrics = correlationMetrics(registry);
  // Signals a written checkpoint holds: the runner builds the state, then calls the store in the same
  // turn, so the signals counter at the call is what it holds. Reading the checkpoint back to see its
  // positions would parse megabytes of state in the measured process many times a second.
  let held = 0;
  const state: Pick<SchedulerStateStore, 'readCheckpoint' | 'writeCheckpoint'> = {
    readCheckpoint: (name) => store.readCheckpoint(name),
    writeCheckpoint: async (name, written, expectedVersion) => {
      const pushed = metrics.signals.get();
      const version = await store.writeCheckpoint(name, written, expectedVersion);
      held = Math.max(held, pushed);
      return version;
    },
  };
  const runner = createCorrelationRunner(
    {
      signalsTopic: config.kafka.signalsTopic,
      groupId: `${config.kafka.consumerGroup}-alerting`,
      checkpointName: 'correlations',
      tickMs: config.alerting.tickMs,
      allowedLatenessMs: config.alerting.allowedLatenessMs,
      checkpointMs: config.alerting.checkpointMs,
      maxGroupsPerRule: GROUPS,
      rulesPollMs: 60_000,
      chunkSize: CHUNK,
    },
    { bus, detection, state, logger: createLogger('bench', 'warn'), metrics, onFenced: () => undefined },
  );
  const cpuFrom = cpuSeconds();
  const started = performance.now();
  await runner.start();
  while (held < signals.length) await sleep(20);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds() - cpuFrom;
  await runner.stop();
  const alerts = (await detection.searchAlerts({ size: 0 })).total;
  await Promise.all([detection.close(), store.close()]);
  rmSync(dataDir, { recursive: true, force: true });
  const checkpoints = `${metrics.checkpoints.get()} checkpoints, the last ${(metrics.checkpointBytes.get() / 1e6).toFixed(1)} MB`;
  return { label: 'scheduler: bus → clock → engine → alert store → checkpoint', rate: signals.length / seconds, perCpu: signals.length / cpu, alerts: `${alerts} written by the end (${registry.counter('siem_alerting_signals_late_total', '').get()} signals late)`, checkpoints };
}

function measureEngine(rules: readonly CorrelationRule[], signals: readonly Signal[]) {
  const perTenant = rules.map((rule) => ({ ...rule, correlation: { ...rule.correlation, 'group-by': [...(rule.correlation['group-by'] ?? []), TENANT_FIELD] } }));
  const engine = new CorrelationEngine(perTenant, { maxGroupsPerRule: GROUPS });
  let alerts = 0;
  const cpuFrom = cpuSeconds();
  const started = performance.now();
  for (let i = 0; i < signals.length; i += 1) {
    engine.push(signals[i]!);
    if (i % 1000 === 999) alerts += engine.advance(signals[i]!.timestamp + 5000).length;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds() - cpuFrom;
  return { label: 'engine alone (peer), same rules and signals', rate: signals.length / seconds, perCpu: signals.length / cpu, alerts: `${alerts} final by the last signal`, checkpoints: 'none' };
}

const rules = makeRules();
const signals = makeSignals();
const results: Awaited<ReturnType<typeof measureRunner>>[] = [];
for (const round of [1, 2]) {
  const engine = measureEngine(rules, signals);
  const runner = await measureRunner(rules, signals);
  process.stderr.write(`round ${round}: engine ${engine.rate.toFixed(0)}/s ${engine.perCpu.toFixed(0)}/cpu-s, scheduler ${runner.rate.toFixed(0)}/s ${runner.perCpu.toFixed(0)}/cpu-s, ${runner.checkpoints}, load ${loadavg().map((n) => n.toFixed(1)).join(' ')}\n`);
  if (round === 2) results.push(runner, engine);
}
const [runner, engine] = results as [(typeof results)[0], (typeof results)[0]];
const table = [
  `${SIGNALS.toLocaleString('en-US')} signals over ${GROUPS.toLocaleString('en-US')} groups, 100 correlation rules over 20 single-event rules, embedded bus (2 partitions) and stores; Node ${process.versions.node}, 2 cores shared with other work, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} at the end; second of two rounds.`,
  '',
  '| run | signals/s (wall) | signals per CPU second (one core) | alerts | checkpoints |',
  '|---|---:|---:|---:|---|',
  ...results.map((r) => `| ${r.label} | ${Math.round(r.rate).toLocaleString('en-US')} | ${Math.round(r.perCpu).toLocaleString('en-US')} | ${r.alerts} | ${r.checkpoints} |`),
  '',
  `Scheduler / engine: ${(runner.rate / engine.rate).toFixed(2)} in wall time, ${(runner.perCpu / engine.perCpu).toFixed(2)} per CPU second. 100 rules, ${GROUPS.toLocaleString('en-US')} groups through the scheduler: ${Math.round(runner.perCpu).toLocaleString('en-US')} signals/s per core.`,
].join('\n');
process.stdout.write(`${table}\n`);
writeFileSync(path.join(root, 'benchmarks', 'results', 'alerting-scheduler-correlation.md'), `# alerting scheduler correlation, ${new Date().toISOString()}\n\n${table}\n`);
