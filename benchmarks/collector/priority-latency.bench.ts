/**
 * Proves: a high priority class keeps its latency under a flood of the low class. A critical
 * line (RFC 5424's `su` example, severity 2) goes to `<raw>.high` by SIEM_PRIORITY_RULES_FILE and
 * the processor reads that topic first; a debug line of the flood's kind goes to the raw topic.
 *
 * Phases, same stack, same run, after one warm-up pair: quiet (no flood), then flood (FLOOD debug lines already in the bus
 * before the first sample). In each phase SAMPLES pairs are sent 200 ms apart, one high line and
 * one normal line (the peer: what the high line would wait without its class). Latency is the
 * stored event's `event.ingested` (the processor's clock when it indexed it) minus the time the
 * line was written to the collector's TCP socket (the same machine's clock), so the store's
 * refresh interval is left out. Ratio: flood p50 / quiet p50 per class. With --cluster also on
 * Kafka + OpenSearch.
 *
 *   node --import tsx benchmarks/collector/priority-latency.bench.ts [--samples=15] [--flood=100000] [--cluster]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@siem/config';
import { ensureInfra } from '@siem/infra';
import { parseQuery } from '@siem/query';
import { createStore, type EventStore } from '@siem/store';
import { deploymentEnv, startApp, waitFor, type AppProcess, type Deployment, type PipelineEnv } from '@siem/testing';

const option = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SAMPLES = option('samples', 15);
const FLOOD = option('flood', 100_000);
const CLUSTER = process.argv.includes('--cluster');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Stack {
  readonly setup: PipelineEnv;
  readonly apps: AppProcess[];
  readonly socket: net.Socket;
  readonly store: EventStore;
}

async function startStack(deployment: Deployment, rulesFile: string): Promise<Stack> {
  const setup = await deploymentEnv(deployment, { SIEM_LOG_LEVEL: 'info', SIEM_PROCESSOR_WORKERS: '2', SIEM_PRIORITY_RULES_FILE: rulesFile });
  const apps = [startApp('collector', setup.env), startApp('processor', setup.env)];
  await apps[0]!.waitForLog('collector', (l) => l.msg === 'The collector is listening.', 300_000);
  await apps[1]!.waitForLog('workers', () => apps[1]!.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 300_000);
  const socket = net.connect(setup.syslogPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { setup, apps, socket, store: createStore(loadConfig(setup.env)) };
}

async function stopStack(stack: Stack): Promise<void> {
  await new Promise<void>((resolve) => stack.socket.end(resolve));
  await Promise.all(stack.apps.map((app) => app.stop()));
  await stack.store.close();
  await stack.setup.cleanup();
}

/** Records the collector made durable in the bus on the normal path so far (its Prometheus counter). */
async function producedDirect(stack: Stack): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${stack.setup.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('siem_collector_produced_total{input="syslog_tcp",path="direct"} '));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

interface PhaseResult {
  readonly high: number[];
  readonly normal: number[];
  /** Flood events stored when the last high line of the phase was. */
  readonly floodStoredAtLastHigh?: number;
}

async function phase(stack: Stack, label: string, flood: number, samples = SAMPLES): Promise<PhaseResult> {
  const count = (query: string) => stack.store.count({ query: parseQuery(query) });
  const tag = `${stack.setup.runId.replace(/[^a-z0-9]/gi, '')}${label}`;
  if (flood > 0) {
    const before = await producedDirect(stack);
    const now = new Date().toISOString();
    for (let sent = 0; sent < flood; sent += 10_000) {
      const lines = Array.from({ length: Math.min(10_000, flood - sent) }, (_, i) => `<167>1 ${now} plc-4 modbusd - - - poll ${sent + i} ok ${tag}flood\n`).join('');
      if (!stack.socket.write(lines)) await new Promise((resolve) => stack.socket.once('drain', resolve));
    }
    await waitFor('the flood to be in the bus', async () => (await producedDirect(stack)) >= before + flood, 600_000, 100);
  }
  const sentAt = new Map<string, number>();
  for (let i = 0; i < samples; i++) {
    const now = new Date();
    sentAt.set(`${tag}h${i}`, now.getTime());
    sentAt.set(`${tag}n${i}`, now.getTime());
    stack.socket.write(
      `<34>1 ${now.toISOString()} mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8 ${tag}h${i}\n` +
        `<167>1 ${now.toISOString()} plc-4 modbusd - - - poll sample ok ${tag}n${i}\n`,
    );
    await sleep(200);
  }
  const markers = (kind: string) => `(${Array.from({ length: samples }, (_, i) => `${tag}${kind}${i}`).join(' OR ')})`;
  await waitFor('every high line to be stored', async () => (await count(markers('h'))) === samples, 600_000, 50);
  const floodStoredAtLastHigh = flood > 0 ? await count(`${tag}flood`) : undefined;
  await waitFor('every normal line to be stored', async () => (await count(markers('n'))) === samples, 1_800_000, 500);
  const latencies = async (kind: string) => {
    const hits = (await stack.store.search({ query: parseQuery(markers(kind)), size: samples * 2 })).hits;
    return hits
      .map((hit) => {
        const event = hit.event as { message: string; event: { ingested: string } };
        const marker = event.message.split(' ').at(-1)!;
        return Date.parse(event.event.ingested) - sentAt.get(marker)!;
      })
      .sort((a, b) => a - b);
  };
  const high = await latencies('h');
  if (high.length !== samples) throw new Error(`Expected ${samples} high events, found ${high.length}.`);
  return { high, normal: await latencies('n'), ...(floodStoredAtLastHigh !== undefined && { floodStoredAtLastHigh }) };
}

const rows: string[] = [];
const details: string[] = [];
const p50 = (values: readonly number[]) => Math.round(percentile(values, 50));
const p99 = (values: readonly number[]) => Math.round(percentile(values, 99));

async function measure(name: string, deployment: Deployment, rulesFile: string): Promise<void> {
  const stack = await startStack(deployment, rulesFile);
  try {
    // Both consumer groups have joined and every partition is open once a pair went through.
    await phase(stack, 'w', 0, 1);
    const quiet = await phase(stack, 'q', 0);
    const flooded = await phase(stack, 'f', FLOOD);
    rows.push(
      `| ${name} | high | p50 ${p50(quiet.high)} ms, p99 ${p99(quiet.high)} ms | p50 ${p50(flooded.high)} ms, p99 ${p99(flooded.high)} ms | ${(p50(flooded.high) / p50(quiet.high)).toFixed(2)} |`,
      `| ${name} | normal (peer) | p50 ${p50(quiet.normal)} ms, p99 ${p99(quiet.normal)} ms | p50 ${p50(flooded.normal)} ms, p99 ${p99(flooded.normal)} ms | ${(p50(flooded.normal) / p50(quiet.normal)).toFixed(2)} |`,
    );
    details.push(
      `${name}: ${flooded.floodStoredAtLastHigh} of the ${FLOOD} flood events were stored when the last high line was (${flooded.floodStoredAtLastHigh! < FLOOD ? 'the flood was still draining' : 'the flood had drained by then: the last samples were not under flood'})`,
      `${name}, high quiet (ms, sorted): ${quiet.high.join(', ')}`,
      `${name}, high under flood (ms, sorted): ${flooded.high.join(', ')}`,
      `${name}, normal quiet (ms, sorted): ${quiet.normal.join(', ')}`,
      `${name}, normal under flood (ms, sorted): ${flooded.normal.join(', ')}`,
    );
  } finally {
    await stopStack(stack);
  }
}

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-bench-priority-'));
const loadAtStart = loadavg();
try {
  const rulesFile = path.join(scratch, 'priority.json');
  writeFileSync(rulesFile, JSON.stringify({ high: [{ name: 'severe', query: 'log.syslog.severity.code:[0 TO 3]' }] }));
  await measure('embedded default', { kind: 'embedded', dataDir: path.join(scratch, 'data') }, rulesFile);
  if (CLUSTER) {
    const infra = await ensureInfra();
    await measure('Kafka + OpenSearch', { kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl }, rulesFile);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const table = [
  `# Priority classes: latency of a high-class line with and without a flood of ${FLOOD.toLocaleString('en')} low-class lines (${SAMPLES} samples per phase)`,
  '',
  `Load average at the start: ${loadAtStart.map((value) => value.toFixed(2)).join(', ')}; at the end: ${loadavg().map((value) => value.toFixed(2)).join(', ')} (shared 2-core machine). Two processor workers. Latency: event.ingested minus the time the line was written to the collector.`,
  '',
  '| deployment | class | quiet | under flood (flood already in the bus) | ratio (p50 flood / quiet) |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  ...details.map((line) => `- ${line}`),
  '',
].join('\n');
process.stdout.write(table);
mkdirSync(path.join(root, 'benchmarks/results'), { recursive: true });
writeFileSync(path.join(root, 'benchmarks/results/collector-priority-latency.md'), table);
