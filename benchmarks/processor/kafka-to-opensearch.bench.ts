/**
 * Proves: the whole processor (Kafka consumer group of node:cluster workers →
 * parse → OpenSearch bulk, offsets committed per chunk) runs within 20% of
 * OpenSearch's own bulk rate for the same documents prebuilt. Both are measured
 * in the same run, on the same machine, with the same chunk size and the same
 * number of concurrent bulk writers.
 *
 *   node --import tsx benchmarks/processor/kafka-to-opensearch.bench.ts [events=200000]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createKafka, encodeRawRecord, ensureKafkaTopics, KafkaBusProducer } from '@siem/bus';
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
const PRODUCE_BATCH = 5_000;

const infra = await ensureInfra();
const logger = createLogger('bench', 'warn');
const setup = await deploymentEnv(
  { kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl },
  { SIEM_LOG_LEVEL: 'info', SIEM_PROCESSOR_WORKERS: String(WORKERS), SIEM_PROCESSOR_CHUNK_SIZE: String(CHUNK), SIEM_TOPIC_PARTITIONS: String(WORKERS) },
);
/** The formats `auto` (the processor's default route) recognises. */
const formats = BENCH_FORMATS.filter((format) => ['syslog', 'json', 'cef', 'leef', 'windows', 'cloudtrail'].includes(format.parser));
const receivedAt = new Date().toISOString();
const recordAt = (i: number): RawRecord => ({ payload: Buffer.from(formats[i % formats.length]!.line(i)), receivedAt, sourceAddress: `10.0.${(i >> 8) & 255}.${i & 255}`, input: 'bench' });

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
  await producer.send(setup.rawTopic, Array.from({ length: Math.min(PRODUCE_BATCH, TOTAL - i) }, (_, k) => encodeRawRecord(recordAt(i + k))));
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
  documents.push({ id: `bulk-${i}`, timestamp: result.event['@timestamp'], document: result.event });
}

// OpenSearch's JVM is slow until warm, which would favour whichever side runs second.
const warmupPrefix = `siem-warmup-${setup.runId}-`;
const warmup = new OpenSearchStore({ url: infra.opensearchUrl, indexPrefix: warmupPrefix, replicas: 0 });
await warmup.ensureReady();
await bulkIndexAll(warmup, documents.slice(0, Math.min(TOTAL, 50_000)));
await warmup.close();
await fetch(`${infra.opensearchUrl}/${warmupPrefix}*`, { method: 'DELETE' });

// 2. The processor, from its first indexed event (the consumer group has formed) to every event counted in OpenSearch.
const processor = startApp('processor', setup.env);
await waitFor('the first events indexed by the processor', async () => (await countIndexed(setup.indexPrefix)) > 0, 120_000, 50);
const processorStarted = Date.now();
await waitFor('every event indexed by the processor', async () => (await countIndexed(setup.indexPrefix)) >= TOTAL, 1_800_000, 250);
const processorSeconds = (Date.now() - processorStarted) / 1000;
await processor.stop();

// 3. The peer: the same documents, bulk-indexed by as many concurrent writers.
const bulkPrefix = `siem-bulk-${setup.runId}-`;
const store = new OpenSearchStore({ url: infra.opensearchUrl, indexPrefix: bulkPrefix, replicas: 0 });
await store.ensureReady();
const bulkStarted = Date.now();
await bulkIndexAll(store, documents);
const bulkSeconds = (Date.now() - bulkStarted) / 1000;
await store.close();
for (const prefix of [setup.indexPrefix, bulkPrefix]) await fetch(`${infra.opensearchUrl}/${prefix}*`, { method: 'DELETE' });

const processorRate = Math.round(TOTAL / processorSeconds);
const bulkRate = Math.round(TOTAL / bulkSeconds);
const ratio = processorRate / bulkRate;
const table = [
  `${TOTAL} events (${formats.map((f) => f.name).join(', ')} in turn), ${WORKERS} workers / ${BULK_WRITERS} concurrent bulk writers, chunks of ${CHUNK}:`,
  '',
  '| path | seconds | events/s |',
  '|---|---|---|',
  `| processor: Kafka → parse → OpenSearch bulk, offsets committed | ${processorSeconds.toFixed(1)} | ${processorRate} |`,
  `| peer: OpenSearch bulk of the same documents prebuilt | ${bulkSeconds.toFixed(1)} | ${bulkRate} |`,
  '',
  `Processor at ${(ratio * 100).toFixed(0)}% of the bulk rate (target: at least 80%): ${ratio >= 0.8 ? 'met' : 'missed'}.`,
].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(path.join(import.meta.dirname, '..', 'results', 'processor-kafka-to-opensearch.md'), `# processor Kafka → OpenSearch, ${new Date().toISOString()}\n\n${table}\n`);
process.exit(0);
