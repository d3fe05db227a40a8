/**
 * Proves: the embedded default (HTTP NDJSON and TCP syslog senders on loopback →
 * collector → embedded bus → processor workers → embedded store) ingests at
 * least at 80% of its own store's bulk-load rate, measured until every event is
 * searchable through the API, with the peak RSS of every process. The peer,
 * measured in the same run, is the embedded store alone loading the same
 * documents (parsed and enriched beforehand with the processor's parser and
 * configuration, ids of the processor's shape, in batches of its chunk size).
 * Each path runs twice, pipeline, store, store, pipeline, because the load of a
 * shared machine drifts. Where the time goes is printed per process (CPU) and
 * per processor worker (parsing, indexing, waiting for another writer's lock,
 * and the rest: reading the bus, committing, waiting for records), so the next
 * regression is found by reading the output. The store's runs also say how much
 * of their time went to keeping the field catalog (EmbeddedStore.fieldCatalogMs),
 * against the target of under 5% of the write path. Without --embedded-only, the same
 * pipeline on Kafka + OpenSearch (tools/infra) runs once after them.
 *
 *   node --import tsx benchmarks/embedded/ingest.bench.ts [events=300000] [--embedded-only]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@siem/config';
import { createEnricher } from '@siem/enrich';
import { ensureInfra } from '@siem/infra';
import { createInputRouter, parseRoutePairs } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import { EmbeddedStore, type IndexableEvent } from '@siem/store';
import { deploymentEnv, startApp, waitFor, type AppProcess, type Deployment, type PipelineEnv } from '@siem/testing';
import { processCpuMs } from '../lib/process-cpu';
import { RssSampler, processTree } from '../lib/process-rss';

const TOTAL = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 300_000);
const HTTP_BATCH = 5_000;
const HTTP_CONCURRENCY = 4;
const WORKERS = process.env.BENCH_WORKERS ?? '2';
/** Records per batch envelope in the peer's ids: about what the collector packs from one connection. */
const RECORDS_PER_MESSAGE = 1_000;

function syslogLine(i: number, marker: string): string {
  return `<38>1 2026-11-23T10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z host-${i % 50} sshd ${1000 + (i % 9000)} - - Failed password for user${i % 500} from 203.0.113.${i % 250} port ${1024 + (i % 60000)} ssh2 ${marker}`;
}

function jsonLine(i: number, marker: string): string {
  return JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 10, 23, 10, 0, 0, i % 60_000)).toISOString(), message: `GET /api/items/${i} 200 ${marker}`, host: { name: `web-${i % 20}` }, user: { name: `user${i % 300}` }, http: { response: { status_code: 200 } } });
}

async function sendHttp(setup: PipelineEnv, count: number, marker: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + HTTP_BATCH);
      const body = Array.from({ length: next - start }, (_, k) => jsonLine(start + k, marker)).join('\n');
      for (;;) {
        const response = await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', body });
        if (response.ok) break;
        if (response.status !== 503) throw new Error(`HTTP ingest answered ${response.status}: ${await response.text()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker));
}

async function sendTcp(setup: PipelineEnv, count: number, marker: string): Promise<void> {
  const socket = net.connect(setup.syslogPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (let i = 0; i < count; i += 1000) {
    const chunk = Array.from({ length: Math.min(1000, count - i) }, (_, k) => {
      const line = syslogLine(i + k, marker);
      return `${Buffer.byteLength(line)} ${line}`;
    }).join('');
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

async function searchableCount(setup: PipelineEnv, marker: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/count?q=${marker}`, { headers: setup.apiHeaders });
  return ((await response.json()) as { count: number }).count;
}

/** Where one processor worker's time went, from the line it logs when it stops. */
interface WorkerTimes {
  readonly cpuMs: number;
  readonly parse: number;
  readonly index: number;
  readonly lockWait: number;
  readonly other: number;
}

interface Phase {
  readonly path: 'pipeline' | 'store' | 'peer';
  readonly seconds: number;
  /** When the senders had handed over every event (pipelines only). */
  readonly sentSeconds?: number;
  /** CPU ms over the measured time, per process role. */
  readonly cpuMs: Record<string, number>;
  readonly peakRssMb: Record<string, number>;
  readonly workers: WorkerTimes[];
  /** Wall ms the store spent on the field catalog (store runs only). */
  readonly catalogMs?: number;
}

/** CPU ms of each role's processes now: the processor's primary apart from its workers. */
function cpuByRole(apps: Record<string, AppProcess>): Record<string, number> {
  const cpu: Record<string, number> = {};
  for (const [app, child] of Object.entries(apps)) {
    const [root, ...children] = processTree(child.child.pid!);
    if (app === 'processor') {
      cpu['processor primary'] = processCpuMs(root!);
      cpu['processor workers'] = children.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    } else {
      cpu[app] = [root!, ...children].reduce((sum, pid) => sum + processCpuMs(pid), 0);
    }
  }
  return cpu;
}

async function runPipeline(deployment: Deployment, kind: Phase['path']): Promise<Phase> {
  const setup = await deploymentEnv(deployment, { SIEM_LOG_LEVEL: 'info', SIEM_PROCESSOR_WORKERS: WORKERS });
  const marker = `bench${Date.now().toString(36)}`;
  const apps = { collector: startApp('collector', setup.env), processor: startApp('processor', setup.env), api: startApp('api', setup.env) };
  let stopped = false;
  try {
    await apps.collector.waitForLog('collector', (l) => l.msg === 'The collector is listening.');
    await apps.processor.waitForLog('workers', () => apps.processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === Number(WORKERS));
    await apps.api.waitForLog('api', (l) => l.msg === 'The API is listening.');
    const samplers = Object.fromEntries(Object.entries(apps).map(([app, p]) => [app, new RssSampler(() => [p.child.pid!])]));
    const cpuBefore = cpuByRole(apps);
    const started = performance.now();
    await Promise.all([sendHttp(setup, TOTAL / 2, marker), sendTcp(setup, TOTAL / 2, marker)]);
    const sentSeconds = (performance.now() - started) / 1000;
    await waitFor(`${TOTAL} searchable events`, async () => (await searchableCount(setup, marker)) >= TOTAL, 900_000, 250);
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuByRole(apps);
    const peakRssMb = Object.fromEntries(Object.entries(samplers).map(([app, s]) => [app, Math.round(s.stop() / 1048576)]));
    await Promise.all(Object.values(apps).map((app) => app.stop()));
    stopped = true;
    const workers = apps.processor.logs
      .filter((line) => line.msg === 'The processor worker stopped.')
      .map((line): WorkerTimes => {
        const stages = line.stagesMs as Record<string, number>;
        const busy = Object.values(stages).reduce((sum, ms) => sum + ms, 0);
        return { cpuMs: Number(line.cpuMs), parse: stages.parse!, index: stages.index!, lockWait: Number(line.storeLockWaitMs), other: Math.max(0, seconds * 1000 - busy) };
      });
    process.stdout.write(`${kind}: sent in ${sentSeconds.toFixed(1)} s, all searchable after ${seconds.toFixed(1)} s\n`);
    return { path: kind, seconds, sentSeconds, cpuMs: Object.fromEntries(Object.keys(cpuAfter).map((role) => [role, cpuAfter[role]! - cpuBefore[role]!])), peakRssMb, workers };
  } finally {
    if (!stopped) await Promise.all(Object.values(apps).map((app) => app.stop()));
  }
}

/**
 * The documents the processor makes of the senders' lines, with its parser and
 * configuration, in about the order the senders interleave them, and ids of its
 * shape (one hash per batch envelope and the record's place in it).
 */
function pipelineDocuments(env: Record<string, string>): IndexableEvent[] {
  const config = loadConfig(env);
  const parser = createInputRouter(parseRoutePairs(config.processor.parsers), { maxMessageBytes: config.collector.maxMessageBytes, timezone: config.processor.syslogTimezone, keepOriginal: config.processor.keepOriginal });
  const enricher = createEnricher(config.enrich);
  const receivedAt = new Date().toISOString();
  const marker = `bench${Date.now().toString(36)}`;
  const records: RawRecord[] = [];
  for (let i = 0; i < TOTAL / 2; i += RECORDS_PER_MESSAGE) {
    for (let k = i; k < Math.min(TOTAL / 2, i + RECORDS_PER_MESSAGE); k++) records.push({ payload: Buffer.from(jsonLine(k, marker)), receivedAt, sourceAddress: '127.0.0.1', input: 'http_ndjson' });
    for (let k = i; k < Math.min(TOTAL / 2, i + RECORDS_PER_MESSAGE); k++) records.push({ payload: Buffer.from(syslogLine(k, marker)), receivedAt, sourceAddress: '127.0.0.1', input: 'syslog_tcp' });
  }
  const documents = records.map((record, i): IndexableEvent => {
    const result = parser.parse(record);
    if (!result.ok) throw new Error(`The processor's parser refused a bench line: ${result.error.message}`);
    enricher.enrich(result.event);
    const messageId = createHash('sha256').update(`store\u0000${Math.floor(i / RECORDS_PER_MESSAGE)}`).digest('base64url').slice(0, 32);
    return { id: `${messageId}.${i % RECORDS_PER_MESSAGE}`, timestamp: result.event['@timestamp'], document: result.event };
  });
  enricher.close();
  return documents;
}

/** The store alone: one process loading the documents in batches of the processor's chunk size, one batch at a time. */
async function runStore(documents: readonly IndexableEvent[], batch: number): Promise<Phase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-bench-store-'));
  const store = new EmbeddedStore({ dataDir });
  try {
    await store.ensureReady();
    const rss = new RssSampler(() => [process.pid]);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < documents.length; i += batch) {
      const result = await store.bulkIndex(documents.slice(i, i + batch));
      if (result.rejected.length) throw new Error(`The store refused a bench document: ${result.rejected[0]!.reason}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return { path: 'store', seconds, cpuMs: { 'store (bench process)': (cpu.user + cpu.system) / 1000 }, peakRssMb: { bench: Math.round(rss.stop() / 1048576) }, workers: [], catalogMs: store.fieldCatalogMs() };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const setupForConfig = await deploymentEnv({ kind: 'embedded', dataDir: tmpdir() }, { SIEM_PROCESSOR_WORKERS: WORKERS });
const chunkSize = loadConfig(setupForConfig.env).processor.chunkSize;
const documents = pipelineDocuments(setupForConfig.env);

/** The 1-minute load average: the machine is shared, so each result says how busy it was. */
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
const loadAtStart = loadAverage();
const phases: Phase[] = [];
for (const kind of ['pipeline', 'store', 'store', 'pipeline'] as const) {
  if (kind === 'store') {
    phases.push(await runStore(documents, chunkSize));
    continue;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-bench-'));
  try {
    phases.push(await runPipeline({ kind: 'embedded', dataDir }, 'pipeline'));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
if (!process.argv.includes('--embedded-only')) {
  const infra = await ensureInfra();
  phases.push(await runPipeline({ kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl }, 'peer'));
}

const rate = (of: Phase[]) => (of.length * TOTAL) / of.reduce((sum, phase) => sum + phase.seconds, 0);
const pipelineRate = rate(phases.filter((phase) => phase.path === 'pipeline'));
const storeRate = rate(phases.filter((phase) => phase.path === 'store'));
const ratio = pipelineRate / storeRate;
const names: Record<Phase['path'], string> = {
  pipeline: 'pipeline: senders → collector → embedded bus → processor → embedded store, until searchable',
  store: 'store alone: bulk load of the same documents',
  peer: 'peer: the same pipeline on Kafka + OpenSearch',
};
const perEvent = (ms: number) => Math.round((ms * 1000) / TOTAL);
const storePhases = phases.filter((phase) => phase.path === 'store');
const catalogMs = storePhases.reduce((sum, phase) => sum + phase.catalogMs!, 0);
const catalogShare = catalogMs / storePhases.reduce((sum, phase) => sum + phase.seconds * 1000, 0);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const table = [
  `Load average (1 min) ${loadAtStart} at the start, ${loadAverage()} at the end, on ${availableParallelism()} cores.`,
  '',
  `${TOTAL} events (half HTTP NDJSON in requests of ${HTTP_BATCH}, half TCP syslog, one sending host), ${WORKERS} processor workers, chunks of ${chunkSize}; phases in the order run:`,
  '',
  '| path | seconds | events/s | CPU µs/event, per process | peak RSS MB, per process |',
  '|---|---|---|---|---|',
  ...phases.map(
    (phase) =>
      `| ${names[phase.path]} | ${phase.seconds.toFixed(1)}${phase.sentSeconds === undefined ? '' : ` (sent after ${phase.sentSeconds.toFixed(1)})`} | ${Math.round(TOTAL / phase.seconds)} | ${Object.entries(phase.cpuMs)
        .map(([role, ms]) => `${role} ${perEvent(ms)}`)
        .join(', ')} | ${Object.entries(phase.peakRssMb)
        .map(([app, mb]) => `${app} ${mb}`)
        .join(', ')} |`,
  ),
  `| **pipeline, both runs** | | ${Math.round(pipelineRate)} | | |`,
  `| **store alone, both runs** | | ${Math.round(storeRate)} | | |`,
  '',
  `The field catalog took ${storePhases.map((phase) => `${((phase.catalogMs! * 1000) / TOTAL).toFixed(2)} µs per event (${((phase.catalogMs! / (phase.seconds * 1000)) * 100).toFixed(1)}%)`).join(' and ')} of the store's bulk loads (wall time inside bulkIndex: counting the events' fields and values, and writing the counts); ${(catalogShare * 100).toFixed(1)}% of both (target: under 5%): ${catalogShare < 0.05 ? 'met' : 'missed'}.`,
  '',
  `Pipeline at ${(ratio * 100).toFixed(0)}% of the store's bulk-load rate on the same events (target: at least 80%): ${ratio >= 0.8 ? 'met' : 'missed'}. Peak RSS of every pipeline process under 500 MB: ${phases.every((phase) => phase.path === 'store' || Object.values(phase.peakRssMb).every((mb) => mb < 500)) ? 'yes' : 'no'} (the bench process holds every document in memory for the store's load).`,
  '',
  'Where each processor worker\'s time went during the embedded pipeline runs (wall seconds; "bus and idle" is the rest of the run: reading the log, committing offsets, waiting for records):',
  '',
  '| run | worker | CPU s | parse, enrich s | index s | of which waiting for another writer\'s lock s | bus and idle s |',
  '|---|---|---|---|---|---|---|',
  ...phases.flatMap((phase, run) =>
    phase.path !== 'pipeline'
      ? []
      : phase.workers.map((worker, index) => `| ${run + 1} | ${index + 1} | ${seconds(worker.cpuMs)} | ${seconds(worker.parse)} | ${seconds(worker.index)} | ${seconds(worker.lockWait)} | ${seconds(worker.other)} |`),
  ),
  '',
  'A worker\'s CPU counts its whole life (start-up included); the CPU per process above counts the measured time only. The collector keys records by sending host, so one host\'s events share one partition and one worker.',
].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(path.join(import.meta.dirname, '..', 'results', 'embedded-ingest.md'), `# embedded ingest, ${new Date().toISOString()}\n\n${table}\n`);
