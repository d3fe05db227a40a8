/**
 * Proves: the whole processor (Kafka consumer group of node:cluster workers →
 * parse → OpenSearch bulk, offsets committed per chunk) runs within 20% of
 * OpenSearch's own bulk rate for the same documents prebuilt. Both are measured
 * in the same run, on the same machine, with the same chunk size and the same
 * number of concurrent bulk writers (each worker keeps one bulk request open and
 * its next chunk ready; each peer writer sends its next chunk on a response).
 * Each path runs twice, processor, peer, peer, processor, because other work on
 * a shared machine drifts; the processor is timed once its consumer group has
 * formed. The CPU columns show where the difference goes: the processor's
 * workers and OpenSearch share the cores, so each µs a worker spends per event
 * is taken from indexing.
 *
 *   node --import tsx benchmarks/processor/kafka-to-opensearch.bench.ts [events=200000]
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createKafka, ensureKafkaTopics, KafkaBusProducer, packRawRecords } from '@siem/bus';
import { createEnricher } from '@siem/enrich';
import { ensureInfra } from '@siem/infra';
import { createParser } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import { OpenSearchStore, type IndexableEvent } from '@siem/store';
import { createLogger } from '@siem/telemetry';
import { deploymentEnv, startApp, waitFor } from '@siem/testing';
import { BENCH_FORMATS } from '../parsers/formats';

const TOTAL = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200_000);
const WORKERS = 2;
/** One chunk in flight per worker, so the peer gets as many concurrent bulk writers as there are workers. */
const BULK_WRITERS = WORKERS;
const CHUNK = 2_000;
/** As the collector sends them by default: batches of 2,000 records, packed in batch envelopes per source. */
const PRODUCE_BATCH = 2_000;
const SOURCES = 50;

const infra = await ensureInfra();
const logger = createLogger('bench', 'warn');
const setup = await deploymentEnv(
  { kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl },
  { SIEM_LOG_LEVEL: 'info', SIEM_PROCESSOR_WORKERS: String(WORKERS), SIEM_PROCESSOR_CHUNK_SIZE: String(CHUNK), SIEM_TOPIC_PARTITIONS: String(WORKERS) },
);
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

async function deleteIndices(prefix: string): Promise<void> {
  await fetch(`${infra.opensearchUrl}/${prefix}*`, { method: 'DELETE' });
  await fetch(`${infra.opensearchUrl}/_index_template/${prefix}events`, { method: 'DELETE' });
}

async function countIndexed(prefix: string): Promise<number> {
  const response = await fetch(`${infra.opensearchUrl}/${prefix}*/_count`);
  if (response.status === 404) return 0;
  return ((await response.json()) as { count?: number }).count ?? 0;
}

// 1. The raw records wait in Kafka before the processor starts, so it is measured alone.
const kafka = createKafka({ brokers: [infra.kafkaBrokers], clientId: 'bench', logger });
await ensureKafkaTopics(kafka, [{ topic: setup.rawTopic, partitions: WORKERS, replicationFactor: 1 }, { topic: setup.deadLetterTopic, partitions: WORKERS, replicationFactor: 1 }]);
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
await bulkIndexAll(warmup, documents.slice(0, Math.min(TOTAL, 50_000)));
await warmup.close();
await deleteIndices(warmupPrefix);

interface Phase {
  readonly path: 'processor' | 'peer';
  readonly events: number;
  readonly seconds: number;
  /** CPU of the processor's workers, or of the peer's writers (this process). */
  readonly clientCpuMs: number;
  readonly opensearchCpuMs: number;
}

/** The processor, on its own consumer group and indices, timed once every worker has joined: the group rebalances as each one arrives. */
async function runProcessor(round: number): Promise<Phase> {
  const indexPrefix = `${setup.indexPrefix}${round}-`;
  const processor = startApp('processor', { ...setup.env, SIEM_CONSUMER_GROUP: `${setup.env.SIEM_CONSUMER_GROUP}-${round}`, SIEM_INDEX_PREFIX: indexPrefix });
  const linesSaying = (msg: string) => processor.logs.filter((line) => line.msg === msg);
  await waitFor('every processor worker consuming', () => linesSaying('The processor worker is consuming.').length >= WORKERS, 120_000, 50);
  const started = performance.now();
  const [indexedBefore, opensearchBefore] = [await countIndexed(indexPrefix), await opensearchCpuMs()];
  await waitFor('every event indexed by the processor', async () => (await countIndexed(indexPrefix)) >= TOTAL, 1_800_000, 250);
  const seconds = (performance.now() - started) / 1000;
  const opensearchAfter = await opensearchCpuMs();
  await processor.stop();
  const cpuMs = (msg: string) => linesSaying(msg).reduce((sum, line) => sum + Number(line.cpuMs), 0);
  await deleteIndices(indexPrefix);
  return {
    path: 'processor',
    events: TOTAL - indexedBefore,
    seconds,
    // Per event of the whole topic: every worker's CPU from joining to stopping.
    clientCpuMs: ((cpuMs('The processor worker stopped.') - cpuMs('The processor worker is consuming.')) * (TOTAL - indexedBefore)) / TOTAL,
    opensearchCpuMs: opensearchAfter - opensearchBefore,
  };
}

/** The peer: the same documents, bulk-indexed by as many concurrent writers. */
async function runPeer(round: number): Promise<Phase> {
  const indexPrefix = `siem-bulk-${setup.runId}-${round}-`;
  const store = new OpenSearchStore({ url: infra.opensearchUrl, indexPrefix, replicas: 0, bulkRequests: BULK_WRITERS });
  await store.ensureReady();
  const [cpuBefore, opensearchBefore, started] = [process.cpuUsage(), await opensearchCpuMs(), performance.now()];
  await bulkIndexAll(store, documents);
  const seconds = (performance.now() - started) / 1000;
  const [cpu, opensearchAfter] = [process.cpuUsage(cpuBefore), await opensearchCpuMs()];
  await store.close();
  await deleteIndices(indexPrefix);
  return { path: 'peer', events: TOTAL, seconds, clientCpuMs: (cpu.user + cpu.system) / 1000, opensearchCpuMs: opensearchAfter - opensearchBefore };
}

// 2. Both paths twice, in the order processor, peer, peer, processor: the load of a shared machine drifts, and this cancels a steady drift.
const phases: Phase[] = [];
for (const [round, order] of [['processor', 'peer'], ['peer', 'processor']].entries()) {
  for (const path of order) phases.push(path === 'processor' ? await runProcessor(round) : await runPeer(round));
}

const total = (which: Phase['path']) => {
  const of = phases.filter((phase) => phase.path === which);
  const sum = (field: 'events' | 'seconds' | 'clientCpuMs' | 'opensearchCpuMs') => of.reduce((acc, phase) => acc + phase[field], 0);
  return { rate: sum('events') / sum('seconds'), clientUs: (sum('clientCpuMs') * 1000) / sum('events'), opensearchUs: (sum('opensearchCpuMs') * 1000) / sum('events') };
};
const [processorTotal, peerTotal] = [total('processor'), total('peer')];
const ratio = processorTotal.rate / peerTotal.rate;
const row = (name: string, phase: Pick<Phase, 'seconds'> | undefined, rate: number, clientUs: number, opensearchUs: number) =>
  `| ${name} | ${phase ? phase.seconds.toFixed(1) : ''} | ${Math.round(rate)} | ${Math.round(clientUs)} | ${Math.round(opensearchUs)} |`;
const table = [
  `${TOTAL} events (${formats.map((f) => f.name).join(', ')} in turn), ${WORKERS} workers / ${BULK_WRITERS} concurrent bulk writers, chunks of ${CHUNK}, phases in the order run:`,
  '',
  '| path | seconds | events/s | client CPU µs/event | OpenSearch CPU µs/event |',
  '|---|---|---|---|---|',
  ...phases.map((phase) =>
    row(
      phase.path === 'processor' ? 'processor: Kafka → parse → OpenSearch bulk, offsets committed' : 'peer: OpenSearch bulk of the same documents prebuilt',
      phase,
      phase.events / phase.seconds,
      (phase.clientCpuMs * 1000) / phase.events,
      (phase.opensearchCpuMs * 1000) / phase.events,
    ),
  ),
  row('**processor, both runs**', undefined, processorTotal.rate, processorTotal.clientUs, processorTotal.opensearchUs),
  row('**peer, both runs**', undefined, peerTotal.rate, peerTotal.clientUs, peerTotal.opensearchUs),
  '',
  `Processor at ${(ratio * 100).toFixed(0)}% of the bulk rate (target: at least 80%): ${ratio >= 0.8 ? 'met' : 'missed'}.`,
  'Client CPU is the processor workers\' (Kafka fetch and decode, parse, enrich, bulk body) or the peer writers\' (bulk body only); both share the machine\'s cores with OpenSearch.',
].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(path.join(import.meta.dirname, '..', 'results', 'processor-kafka-to-opensearch.md'), `# processor Kafka → OpenSearch, ${new Date().toISOString()}\n\n${table}\n`);
process.exit(0);
