/**
 * Proves: the whole processor (Kafka consumer group of node:cluster workers →
 * parse → OpenSearch bulk, offsets committed per chunk) runs within 20% of
 * OpenSearch's own bulk rate for the same documents prebuilt. Both are measured
 * in the same run, on the same machine, with the same chunk size and the same
 * number of concurrent bulk requests (the processor runs with its default
 * workers, bulk requests and chunks in flight, which leave a core to the
 * OpenSearch on this host; each peer writer sends its next chunk on a response).
 * Each path runs twice, processor, peer, peer, processor, because other work on
 * a shared machine drifts; the processor is timed once its consumer group has
 * formed. The CPU columns show where the difference goes: the processor's
 * workers and OpenSearch share the cores, so each µs a worker spends per event
 * is taken from indexing.
 *
 *   node --import tsx benchmarks/processor/kafka-to-opensearch.bench.ts [events=200000]
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createKafka, ensureKafkaTopics, KafkaBusProducer, packRawRecords } from '@siem/bus';
import { createEnricher } from '@siem/enrich';
import { ensureInfra, infraStatus } from '@siem/infra';
import { loadConfig } from '@siem/config';
import { createParser } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import { OpenSearchStore, type IndexableEvent } from '@siem/store';
import { createLogger } from '@siem/telemetry';
import { deploymentEnv, startApp, waitFor } from '@siem/testing';
import { BENCH_FORMATS } from '../parsers/formats';

const TOTAL = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200_000);
/** Topic partitions, as the product creates them by default: one per core. */
const CORES = availableParallelism();
const CHUNK = 2_000;
/** As the collector sends them by default: batches of 2,000 records, packed in batch envelopes per source. */
const PRODUCE_BATCH = 2_000;
const SOURCES = 50;

const infra = await ensureInfra();
const logger = createLogger('bench', 'warn');
const setup = await deploymentEnv(
  { kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl },
  { SIEM_LOG_LEVEL: 'info', SIEM_PROCESSOR_CHUNK_SIZE: String(CHUNK), SIEM_TOPIC_PARTITIONS: String(CORES) },
);
// The processor sizes its workers and bulk requests itself (with OpenSearch on this host, one core is left to it): the bench measures that default.
const processorEnv = Object.fromEntries(Object.entries(setup.env).filter(([name]) => name !== 'SIEM_PROCESSOR_WORKERS'));
const processorConfig = loadConfig(processorEnv);
const WORKERS = processorConfig.processor.workers;
/** The peer gets as many concurrent bulk writers as the processor keeps bulk requests open in all. */
const BULK_WRITERS = WORKERS * processorConfig.opensearch.bulkRequests;
/** The formats `auto` (the processor's default route) recognises. */
const formats = BENCH_FORMATS.filter((format) => ['syslog', 'json', 'cef', 'leef', 'windows', 'cloudtrail'].includes(format.parser));
const receivedAt = new Date().toISOString();
const recordAt = (i: number): RawRecord => ({ payload: Buffer.from(formats[i % formats.length]!.line(i)), receivedAt, sourceAddress: `10.0.0.${i % SOURCES}`, input: 'bench' });

/**
 * Ids of the processor's shape (a message hash and the record's place in its
 * envelope), so that OpenSearch does the same id lookups for both sides:
 * short sequential ids are cheaper to index than random ones.
 */
const peerId = (i: number): string => `${createHash('sha256').update(`peer\u0000${Math.floor(i / SOURCES)}`).digest('base64url').slice(0, 32)}.${i % SOURCES}`;

/** Bulk-indexes `events` in chunks, with as many concurrent writers as the processor has workers. */
async function bulkIndexAll(store: OpenSearchStore, events: readonly IndexableEvent[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: BULK_WRITERS }, async () => {
      while (next < events.length) {
        const start = next;
        next = Math.min(events.length, next + CHUNK);
        const result = await store.bulkIndex(events.slice(start, next));
        if (result.rejected.length) throw new Error(`rejected: ${JSON.stringify(result.rejected[0])}`);
      }
    }),
  );
}

/** CPU time of the OpenSearch node so far: what each path costs the store, apart from its wall time. */
async function opensearchCpuMs(): Promise<number> {
  const stats = (await (await fetch(`${infra.opensearchUrl}/_nodes/stats/process`)).json()) as { nodes: Record<string, { process: { cpu: { total_in_millis: number } } }> };
  return Object.values(stats.nodes).reduce((sum, node) => sum + node.process.cpu.total_in_millis, 0);
}

const kafkaPid = (await infraStatus()).kafka.pid;
const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
/** CPU time of the local Kafka broker so far: the processor path makes it serve fetches and commits, the peer's does not. */
function kafkaCpuMs(): number {
  if (kafkaPid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${kafkaPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of the whole line, in clock ticks.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

async function deleteIndices(prefix: string): Promise<void> {
  await fetch(`${infra.opensearchUrl}/${prefix}*`, { method: 'DELETE' });
  await fetch(`${infra.opensearchUrl}/_index_template/${prefix}events`, { method: 'DELETE' });
}

/**
 * Index operations OpenSearch has acknowledged under `prefix`, as soon as they are
 * acknowledged: unlike `_count`, this does not wait for a refresh (1 s), which would
 * add up to a second to the processor's time and none to the peer's.
 */
async function indexOperations(prefix: string): Promise<number> {
  const response = await fetch(`${infra.opensearchUrl}/${prefix}*/_stats/indexing?filter_path=_all.primaries.indexing.index_total`);
  if (response.status === 404) return 0;
  return ((await response.json()) as { _all?: { primaries?: { indexing?: { index_total?: number } } } })._all?.primaries?.indexing?.index_total ?? 0;
}

/** Documents searchable under `prefix`, after a refresh: the check that every event was indexed once. */
async function countDocuments(prefix: string): Promise<number> {
  await fetch(`${infra.opensearchUrl}/${prefix}*/_refresh`, { method: 'POST' });
  const response = await fetch(`${infra.opensearchUrl}/${prefix}*/_count`);
  if (response.status === 404) return 0;
  return ((await response.json()) as { count?: number }).count ?? 0;
}

// 1. The raw records wait in Kafka before the processor starts, so it is measured alone.
const kafka = createKafka({ brokers: [infra.kafkaBrokers], clientId: 'bench', logger });
await ensureKafkaTopics(kafka, [{ topic: setup.rawTopic, partitions: CORES, replicationFactor: 1 }, { topic: setup.deadLetterTopic, partitions: CORES, replicationFactor: 1 }]);
const producer = new KafkaBusProducer(kafka);
await producer.connect();
for (let i = 0; i < TOTAL; i += PRODUCE_BATCH) {
  await producer.send(setup.rawTopic, packRawRecords(Array.from({ length: Math.min(PRODUCE_BATCH, TOTAL - i) }, (_, k) => recordAt(i + k))));
}
await producer.disconnect();

// The peer's documents, parsed and enriched beforehand, as the processor would make them.
const parser = createParser('auto');
const enricher = createEnricher({ watchFiles: false });
const documents: IndexableEvent[] = [];
for (let i = 0; i < TOTAL; i++) {
  const result = parser.parse(recordAt(i));
  if (!result.ok) throw new Error(result.error.message);
  enricher.enrich(result.event);
  documents.push({ id: peerId(i), timestamp: result.event['@timestamp'], document: result.event });
}

// OpenSearch's JVM is slow until warm, which would favour whichever side runs second.
const warmupPrefix = `siem-warmup-${setup.runId}-`;
const warmup = new OpenSearchStore({ url: infra.opensearchUrl, indexPrefix: warmupPrefix, replicas: 0, bulkRequests: BULK_WRITERS });
await warmup.ensureReady();
await bulkIndexAll(warmup, documents);
await warmup.close();
await deleteIndices(warmupPrefix);

interface Phase {
  readonly path: 'processor' | 'peer';
  readonly events: number;
  readonly seconds: number;
  /** CPU of the processor's workers, or of the peer's writers (this process). */
  readonly clientCpuMs: number;
  readonly opensearchCpuMs: number;
  readonly kafkaCpuMs: number;
}

/**
 * When the processor's last index operation was acknowledged. A worker that joins
 * the group late takes over chunks the other had not committed, and indexes them
 * again under the same ids, so the operations outnumber the events: the end is the
 * first sample that reached the final count of operations, once a refresh shows
 * every event searchable. Each sample costs OpenSearch about 4 ms of CPU, so they
 * are spaced by half the time the remaining events should take, down to 100 ms.
 */
async function allIndexedAt(prefix: string, started: number): Promise<number> {
  const samples: { readonly at: number; readonly operations: number }[] = [];
  let checkedOperations = -1;
  for (;;) {
    const operations = await indexOperations(prefix);
    const at = performance.now();
    samples.push({ at, operations });
    if (operations >= TOTAL && operations !== checkedOperations) {
      checkedOperations = operations;
      if ((await countDocuments(prefix)) >= TOTAL) {
        const final = await indexOperations(prefix);
        return samples.find((sample) => sample.operations >= final)?.at ?? performance.now();
      }
    }
    if (at - started > 1_800_000) throw new Error(`the processor indexed ${operations} of ${TOTAL} events in 30 minutes`);
    const perMs = operations / Math.max(1, at - started);
    const remainingMs = perMs > 0 ? Math.max(0, TOTAL - operations) / perMs : 1_000;
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, Math.max(100, remainingMs / 2))));
  }
}

/** The processor, on its own consumer group and indices, timed once every worker has joined: the group rebalances as each one arrives. */
async function runProcessor(round: string): Promise<Phase> {
  const indexPrefix = `${setup.indexPrefix}${round}-`;
  const processor = startApp('processor', { ...processorEnv, SIEM_CONSUMER_GROUP: `${setup.env.SIEM_CONSUMER_GROUP}-${round}`, SIEM_INDEX_PREFIX: indexPrefix });
  const linesSaying = (msg: string) => processor.logs.filter((line) => line.msg === msg);
  await waitFor('every processor worker consuming', () => linesSaying('The processor worker is consuming.').length >= WORKERS, 120_000, 50);
  const started = performance.now();
  const [indexedBefore, opensearchBefore, kafkaBefore] = [await indexOperations(indexPrefix), await opensearchCpuMs(), kafkaCpuMs()];
  const seconds = ((await allIndexedAt(indexPrefix, started)) - started) / 1000;
  const [opensearchAfter, kafkaAfter] = [await opensearchCpuMs(), kafkaCpuMs()];
  await processor.stop();
  const documentCount = await countDocuments(indexPrefix);
  if (documentCount !== TOTAL) throw new Error(`the processor indexed ${documentCount} documents of ${TOTAL}`);
  const cpuMs = (msg: string) => linesSaying(msg).reduce((sum, line) => sum + Number(line.cpuMs), 0);
  await deleteIndices(indexPrefix);
  return {
    path: 'processor',
    events: TOTAL - indexedBefore,
    seconds,
    // Per event of the whole topic: every worker's CPU from joining to stopping.
    clientCpuMs: ((cpuMs('The processor worker stopped.') - cpuMs('The processor worker is consuming.')) * (TOTAL - indexedBefore)) / TOTAL,
    opensearchCpuMs: opensearchAfter - opensearchBefore,
    kafkaCpuMs: kafkaAfter - kafkaBefore,
  };
}

/** The peer: the same documents, bulk-indexed by as many concurrent writers. */
async function runPeer(round: number): Promise<Phase> {
  const indexPrefix = `siem-bulk-${setup.runId}-${round}-`;
  const store = new OpenSearchStore({ url: infra.opensearchUrl, indexPrefix, replicas: 0, bulkRequests: BULK_WRITERS });
  await store.ensureReady();
  const [cpuBefore, opensearchBefore, kafkaBefore, started] = [process.cpuUsage(), await opensearchCpuMs(), kafkaCpuMs(), performance.now()];
  await bulkIndexAll(store, documents);
  const seconds = (performance.now() - started) / 1000;
  const [cpu, opensearchAfter, kafkaAfter] = [process.cpuUsage(cpuBefore), await opensearchCpuMs(), kafkaCpuMs()];
  await store.close();
  const documentCount = await countDocuments(indexPrefix);
  if (documentCount !== TOTAL) throw new Error(`the peer indexed ${documentCount} documents of ${TOTAL}`);
  await deleteIndices(indexPrefix);
  return { path: 'peer', events: TOTAL, seconds, clientCpuMs: (cpu.user + cpu.system) / 1000, opensearchCpuMs: opensearchAfter - opensearchBefore, kafkaCpuMs: kafkaAfter - kafkaBefore };
}

// 2. One processor run unmeasured: after the bulk warm-up alone, the first processor phase was often the slowest of the four, by up to a third.
await runProcessor('warmup');

// 3. Both paths twice, in the order processor, peer, peer, processor: the load of a shared machine drifts, and this cancels a steady drift.
const phases: Phase[] = [];
for (const [round, order] of [['processor', 'peer'], ['peer', 'processor']].entries()) {
  for (const path of order) phases.push(path === 'processor' ? await runProcessor(String(round)) : await runPeer(round));
}

const total = (which: Phase['path']) => {
  const of = phases.filter((phase) => phase.path === which);
  const sum = (field: 'events' | 'seconds' | 'clientCpuMs' | 'opensearchCpuMs' | 'kafkaCpuMs') => of.reduce((acc, phase) => acc + phase[field], 0);
  const perEvent = (field: 'clientCpuMs' | 'opensearchCpuMs' | 'kafkaCpuMs') => (sum(field) * 1000) / sum('events');
  return { rate: sum('events') / sum('seconds'), clientUs: perEvent('clientCpuMs'), opensearchUs: perEvent('opensearchCpuMs'), kafkaUs: perEvent('kafkaCpuMs') };
};
const [processorTotal, peerTotal] = [total('processor'), total('peer')];
const ratio = processorTotal.rate / peerTotal.rate;
const row = (name: string, phase: Pick<Phase, 'seconds'> | undefined, rate: number, clientUs: number, opensearchUs: number, kafkaUs: number) =>
  `| ${name} | ${phase ? phase.seconds.toFixed(1) : ''} | ${Math.round(rate)} | ${Math.round(clientUs)} | ${Math.round(opensearchUs)} | ${Number.isNaN(kafkaUs) ? '—' : Math.round(kafkaUs)} |`;
const table = [
  `${TOTAL} events (${formats.map((f) => f.name).join(', ')} in turn), the processor with its defaults on ${CORES} cores (${WORKERS} worker(s), ${BULK_WRITERS} bulk requests open in all, ${processorConfig.processor.chunksInFlight} chunks in flight per worker), the peer with ${BULK_WRITERS} concurrent bulk writers, chunks of ${CHUNK}, phases in the order run:`,
  '',
  '| path | seconds | events/s | client CPU µs/event | OpenSearch CPU µs/event | Kafka broker CPU µs/event |',
  '|---|---|---|---|---|---|',
  ...phases.map((phase) =>
    row(
      phase.path === 'processor' ? 'processor: Kafka → parse → OpenSearch bulk, offsets committed' : 'peer: OpenSearch bulk of the same documents prebuilt',
      phase,
      phase.events / phase.seconds,
      (phase.clientCpuMs * 1000) / phase.events,
      (phase.opensearchCpuMs * 1000) / phase.events,
      (phase.kafkaCpuMs * 1000) / phase.events,
    ),
  ),
  row('**processor, both runs**', undefined, processorTotal.rate, processorTotal.clientUs, processorTotal.opensearchUs, processorTotal.kafkaUs),
  row('**peer, both runs**', undefined, peerTotal.rate, peerTotal.clientUs, peerTotal.opensearchUs, peerTotal.kafkaUs),
  '',
  `Processor at ${(ratio * 100).toFixed(0)}% of the bulk rate (target: at least 80%): ${ratio >= 0.8 ? 'met' : 'missed'}.`,
  'Client CPU is the processor workers\' (Kafka fetch and decode, parse, enrich, bulk body) or the peer writers\' (bulk body only); all three share the machine\'s cores with OpenSearch and Kafka.',
].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(path.join(import.meta.dirname, '..', 'results', 'processor-kafka-to-opensearch.md'), `# processor Kafka → OpenSearch, ${new Date().toISOString()}\n\n${table}\n`);
process.exit(0);
