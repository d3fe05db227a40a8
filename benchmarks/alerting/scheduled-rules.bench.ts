/**
 * Proves: 100 scheduled query rules that run every minute fit in the minute over a large stored
 * event set on the embedded store, and what they cost ingest. The scheduler's own code
 * (apps/alerting's scheduled runner: per-tenant queries, threshold scans, counts, alert writes,
 * checkpoint) runs the rules against an embedded store loaded with --events events spread over
 * the last 6 hours; a cycle is one scheduled minute of all 100 rules, timed until its checkpoint
 * holds every rule's run.
 *
 * Ingest is measured in a separate process (as the processor workers are): it bulk-indexes
 * fresh events into the same store in batches of 2,000. The peer in the same run is that
 * ingest with no rules running: phases ingest alone, ingest while cycles run back to back,
 * ingest alone; the ratio is the rate during the cycles over the mean of the two alone.
 *
 * The store is loaded with up to --events events or for --load-seconds, whichever comes first
 * (10 million take longer than the ~10 minutes a run may have on a shared 2-core machine), each
 * batch spread over the whole 6 hours, so any prefix of the load covers every window alike.
 *
 *   node --import tsx benchmarks/alerting/scheduled-rules.bench.ts [--events=10000000] [--load-seconds=420] [--cycles=3] [--phase-seconds=30]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScheduledRunner, scheduledMetrics } from '../../apps/alerting/src/scheduled-runner';
import { validateScheduledRule, type ScheduledRule } from '@siem/rules';
import { EmbeddedDetectionStore, EmbeddedSchedulerStateStore, EmbeddedStore, type IndexableEvent } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const MAX_EVENTS = arg('events', 10_000_000);
const LOAD_S = arg('load-seconds', 420);
const CYCLES = arg('cycles', 3);
const PHASE_S = arg('phase-seconds', 30);
const BATCH = 2000;
const HOSTS = 50;
const SPAN_MS = 6 * 3_600_000;
const ingestChild = process.argv.find((a) => a.startsWith('--ingest-into='))?.split('=')[1];

/** A login or access event; fields the rules filter and group on, with a few hundred distinct values each. */
function event(i: number, time: number, prefix: string): IndexableEvent {
  const timestamp = new Date(time).toISOString();
  const failure = i % 3 === 0;
  return {
    id: `${prefix}${i}`,
    timestamp,
    document: {
      '@timestamp': timestamp,
      message: failure ? `sshd: access denied for user${i % 997} from 10.0.${i % 251}.${i % 7}` : `sshd: accepted password for user${i % 997}`,
      event: { outcome: failure ? 'failure' : 'success', category: ['authentication'], action: 'ssh_login' },
      host: { name: `host${i % HOSTS}` },
      user: { name: `user${i % 997}` },
      source: { ip: `10.0.${i % 251}.${i % 7}` },
      organization: { id: 'default' },
    },
  };
}

if (ingestChild !== undefined) {
  // The ingest process: indexes fresh events back to back and reports each batch.
  const store = new EmbeddedStore({ dataDir: ingestChild });
  await store.ensureReady();
  // Runs until the bench process ends it with SIGTERM.
  for (let n = 0; ; n += BATCH) {
    const now = Date.now();
    await store.bulkIndex(Array.from({ length: BATCH }, (_, j) => event(n + j, now, 'live-')));
    process.send!({ indexed: BATCH, at: Date.now() });
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const logger = createLogger('bench', 'warn');
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-scheduled-bench-'));
const minute = 60_000;
const T = Math.floor(Date.now() / minute) * minute;

function makeRules(): ScheduledRule[] {
  return Array.from({ length: 100 }, (_, i) => {
    const id = `5c000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const kind = i % 4;
    const scheduled =
      kind === 0
        ? { type: 'query', query: `event.outcome:failure AND host.name:host${i % HOSTS}`, interval: '1m', lookback: '15m', threshold: { by: ['source.ip'], gte: 20 } }
        : kind === 1
          ? { type: 'query', query: `user.name:user${i * 7}`, interval: '1m', lookback: '5m' }
          : kind === 2
            ? { type: 'query', query: 'event.outcome:failure', interval: '1m', lookback: '5m', threshold: { by: ['user.name'], gte: 50 } }
            : { type: 'query', query: `message:denied AND host.name:host${i % HOSTS}`, interval: '1m', lookback: '60m', threshold: { gte: 100 } };
    return validateScheduledRule({ id, title: `bench scheduled ${i}`, level: 'low', scheduled });
  });
}

/** Where in the 6 hours event n falls: the golden-ratio sequence, so every prefix of the load spreads evenly over them. */
const spread = (n: number): number => T - SPAN_MS + Math.floor(((n * 0.6180339887498949) % 1) * SPAN_MS);

async function load(): Promise<{ events: number; seconds: number }> {
  const store = new EmbeddedStore({ dataDir });
  await store.ensureReady();
  const started = performance.now();
  let n = 0;
  while (n < MAX_EVENTS && performance.now() - started < LOAD_S * 1000) {
    const size = Math.min(BATCH, MAX_EVENTS - n);
    await store.bulkIndex(Array.from({ length: size }, (_, j) => event(n + j, spread(n + j), 'old-')));
    n += size;
    if (n % 200_000 === 0) process.stderr.write(`loaded ${n} events, ${((n / (performance.now() - started)) * 1000).toFixed(0)}/s\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return { events: n, seconds };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ingest events/s reported by the child between two instants. */
class IngestMeter {
  private readonly batches: { indexed: number; at: number }[] = [];
  constructor(child: ChildProcess) {
    child.on('message', (message) => this.batches.push(message as { indexed: number; at: number }));
  }
  /** Waits for the reports of the batches done by `to` (the bench process may have been busy running rules), then the rate over [from, to]. */
  async rate(from: number, to: number): Promise<number> {
    await sleep(2000);
    const inside = this.batches.filter((batch) => batch.at > from && batch.at <= to);
    return (inside.reduce((sum, batch) => sum + batch.indexed, 0) * 1000) / (to - from);
  }
}


async function main(): Promise<void> {
  const { events: EVENTS, seconds: loadSeconds } = await load();
  process.stderr.write(`loaded ${EVENTS} events in ${loadSeconds.toFixed(0)} s\n`);
  const rules = makeRules();
  const detection = new EmbeddedDetectionStore({ dataDir });
  await detection.saveRules(rules as never);
  const state = new EmbeddedSchedulerStateStore({ dataDir });
  const events = new EmbeddedStore({ dataDir });
  await Promise.all([events.ensureReady(), detection.ensureReady(), state.ensureReady()]);

  const child = fork(fileURLToPath(import.meta.url), [`--ingest-into=${dataDir}`], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const meter = new IngestMeter(child);
  await new Promise((resolve) => child.once('message', resolve));
  const phases: { label: string; rate: number }[] = [];
  const alone = async (label: string) => {
    const from = Date.now();
    await sleep(PHASE_S * 1000);
    phases.push({ label, rate: await meter.rate(from, Date.now()) });
  };
  await alone('ingest alone, before');

  // The runner's clock is a fake one that jumps a minute as soon as the previous minute's runs are all checkpointed: cycles back to back.
  const clock = { now: T - 1000 };
  const metrics = new MetricsRegistry();
  const runner = createScheduledRunner(
    { checkpointName: 'scheduled', tickMs: 20, runTimeoutMs: 600_000, maxCatchUpRuns: 1, concurrency: 2, rulesPollMs: 60_000, maxScanEvents: 10_000, maxCandidates: 1000 },
    { events, detection, state, logger, metrics: scheduledMetrics(metrics), onFenced: () => undefined, wallClock: () => clock.now },
  );
  await runner.start();
  const checkpointed = async (runAt: number) => {
    const lastRun = ((await state.readCheckpoint('scheduled'))?.state as { lastRun?: Record<string, number> } | undefined)?.lastRun ?? {};
    return rules.every((rule) => lastRun[rule.id] === runAt);
  };
  while (!(await checkpointed(T - 1000))) await sleep(20);
  const cycles: number[] = [];
  const cyclesFrom = Date.now();
  for (let cycle = 1; cycle <= CYCLES || Date.now() - cyclesFrom < PHASE_S * 1000; cycle += 1) {
    const runAt = T + (cycle - 1) * minute;
    const began = performance.now();
    clock.now = runAt + 1;
    while (!(await checkpointed(runAt))) await sleep(10);
    cycles.push((performance.now() - began) / 1000);
    process.stderr.write(`cycle ${cycle}: ${cycles.at(-1)!.toFixed(2)} s\n`);
  }
  phases.push({ label: `ingest while the 100 rules run (${cycles.length} cycles back to back)`, rate: await meter.rate(cyclesFrom, Date.now()) });
  await runner.stop();
  const alerts = (await detection.searchAlerts({ size: 0 })).total;
  await alone('ingest alone, after');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  await Promise.all([events.close(), detection.close(), state.close()]);
  rmSync(dataDir, { recursive: true, force: true });

  const sorted = [...cycles].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const aloneRate = (phases[0]!.rate + phases[2]!.rate) / 2;
  const ratio = phases[1]!.rate / aloneRate;
  const table = [
    `${EVENTS.toLocaleString('en-US')} stored events over 6 hours (${EVENTS < MAX_EVENTS ? `as many as loaded in ${LOAD_S} s, not the ${MAX_EVENTS.toLocaleString('en-US')} asked; ` : ''}loaded at ${Math.round(EVENTS / loadSeconds).toLocaleString('en-US')} events/s), embedded store, 100 query rules every minute (25 each: failures on a host by source.ip ≥ 20 over 15 m; one user's events over 5 m; failures by user.name ≥ 50 over 5 m, up to 10,000 events read; "denied" on a host ≥ 100 over 60 m), SIEM_ALERTING_CONCURRENCY 2; Node ${process.versions.node}, 2 cores shared with other work, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} at the end.`,
    '',
    '| phase | ingest events/s |',
    '|---|---:|',
    ...phases.map((phase) => `| ${phase.label} | ${Math.round(phase.rate).toLocaleString('en-US')} |`),
    '',
    '| cycles | median s | slowest s | alerts written |',
    '|---:|---:|---:|---:|',
    `| ${cycles.length} | ${median.toFixed(2)} | ${sorted.at(-1)!.toFixed(2)} | ${alerts} |`,
    '',
    `One cycle of the 100 rules takes ${median.toFixed(1)} s (median) of its 60 s minute. Ingest while cycles run back to back (the worst case: a real minute leaves the store idle for the rest of it): ${ratio.toFixed(2)} of its rate alone (peer, same run).`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  writeFileSync(path.join(root, 'benchmarks', 'results', 'alerting-scheduled-rules.md'), `# alerting scheduled rules, ${new Date().toISOString()}\n\n${table}\n`);
}

await main();
