import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EmbeddedBusProducer, createKafka, ensureEmbeddedTopics, ensureKafkaTopics, KafkaBusProducer, type BusRecord } from '@siem/bus';
import { parseQuery } from '@siem/query';
import { EmbeddedStore } from '@siem/store';
import { createLogger } from '@siem/telemetry';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { collectField } from './opensearch-http';
import { deploymentEnv, type Deployment, type PipelineEnv } from './pipeline-env';

/**
 * Offsets start again at 0 when the raw topic is recreated (or the embedded bus directory is
 * reset) while the store keeps its events. Event ids carry the topic's incarnation, so the
 * second incarnation's events are stored next to the first one's instead of replacing them.
 */
const PER_INCARNATION = 300;
const PARTITIONS = 2;

const apps: AppProcess[] = [];
const setups: PipelineEnv[] = [];
const scratch = await mkdtemp(path.join(tmpdir(), 'siem-incarnation-'));
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await Promise.all(setups.map((setup) => setup.cleanup()));
  await rm(scratch, { recursive: true, force: true });
});

/** The bus of one deployment, as the test drives it. */
interface TestBus {
  /** Creates the raw topic when it is missing. */
  prepare(): Promise<void>;
  send(records: BusRecord[]): Promise<void>;
  /** Deletes the raw topic, or the whole embedded bus directory, and everything in it. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

function records(first: number, incarnation: number): BusRecord[] {
  return Array.from({ length: PER_INCARNATION }, (_, i) => ({
    key: `host-${i % 5}`,
    value: Buffer.from(JSON.stringify({ message: `incarnation ${incarnation} event ${first + i}`, event: { sequence: first + i }, host: { name: `host-${i % 5}` } })),
  }));
}

async function kafkaBus(setup: PipelineEnv): Promise<TestBus> {
  const kafka = createKafka({ brokers: [inject('kafkaBrokers')], clientId: 'incarnation-test', logger: createLogger('incarnation-test', 'silent') });
  const admin = kafka.admin();
  await admin.connect();
  const producer = new KafkaBusProducer(kafka);
  await producer.connect();
  return {
    prepare: async () => {
      // A deleted topic lingers a moment; creating it again fails until it is gone.
      await waitFor('the raw topic to be created', async () => {
        try {
          await ensureKafkaTopics(kafka, [{ topic: setup.rawTopic, partitions: PARTITIONS, replicationFactor: 1 }]);
          return true;
        } catch {
          return undefined;
        }
      }, 30_000, 500);
    },
    send: (batch) => producer.send(setup.rawTopic, batch),
    reset: async () => {
      await admin.deleteTopics({ topics: [setup.rawTopic], timeout: 30_000 });
      await waitFor('the raw topic to be gone', async () => !(await admin.listTopics()).includes(setup.rawTopic) || undefined, 30_000, 200);
    },
    close: async () => {
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

async function embeddedBus(dataDir: string, setup: PipelineEnv): Promise<TestBus> {
  let producer: EmbeddedBusProducer | undefined;
  return {
    prepare: async () => {
      await ensureEmbeddedTopics(dataDir, [{ topic: setup.rawTopic, partitions: PARTITIONS, replicationFactor: 1 }]);
      producer = new EmbeddedBusProducer({ dataDir });
      await producer.connect();
    },
    send: (batch) => producer!.send(setup.rawTopic, batch),
    reset: async () => {
      await producer?.disconnect();
      await rm(path.join(dataDir, 'bus'), { recursive: true, force: true });
    },
    close: async () => producer?.disconnect(),
  };
}

/** The event.sequence of every stored event, one entry per document. */
type StoredSequences = () => Promise<number[]>;

function openSearchSequences(setup: PipelineEnv): StoredSequences {
  return async () => {
    await fetch(`${inject('opensearchUrl')}/${setup.indexPrefix}*/_refresh?ignore_unavailable=true&allow_no_indices=true`, { method: 'POST' });
    return (await collectField(inject('opensearchUrl'), `${setup.indexPrefix}*`, 'event.sequence')).values;
  };
}

function embeddedSequences(dataDir: string, setup: PipelineEnv): StoredSequences {
  return async () => {
    const store = new EmbeddedStore({ dataDir, indexPrefix: setup.indexPrefix });
    try {
      const { hits } = await store.search({ query: parseQuery('event.sequence:*'), size: 2 * PER_INCARNATION + 100 });
      return hits.map((hit) => (hit.event as { event: { sequence: number } }).event.sequence);
    } finally {
      await store.close();
    }
  };
}

async function processUntil(setup: PipelineEnv, stored: StoredSequences, count: number): Promise<void> {
  const processor = startApp('processor', setup.env);
  apps.push(processor);
  await processor.waitForLog('the worker to consume', (l) => l.msg === 'The processor worker is consuming.', 90_000);
  await waitFor(`${count} stored events`, async () => ((await stored()).length >= count ? true : undefined), 90_000, 500);
  expect(await processor.stop()).toBe(0);
}

const deployments: [string, (setup: PipelineEnv) => Promise<{ bus: TestBus; stored: StoredSequences }>, () => Deployment][] = [
  [
    'Kafka + OpenSearch: the raw topic deleted and created again',
    async (setup) => ({ bus: await kafkaBus(setup), stored: openSearchSequences(setup) }),
    () => ({ kind: 'cluster', kafkaBrokers: inject('kafkaBrokers'), opensearchUrl: inject('opensearchUrl') }),
  ],
  [
    'embedded: the bus directory deleted, the store kept',
    async (setup) => ({ bus: await embeddedBus(setup.env.SIEM_DATA_DIR!, setup), stored: embeddedSequences(setup.env.SIEM_DATA_DIR!, setup) }),
    () => ({ kind: 'embedded', dataDir: path.join(scratch, 'embedded-data') }),
  ],
];

describe.concurrent.each(deployments)('event ids across bus incarnations (%s)', (_name, open, deployment) => {
  it('stores every event of both incarnations, none replacing another, and each once', async () => {
    const setup = await deploymentEnv(deployment(), { SIEM_PROCESSOR_WORKERS: '1', SIEM_TOPIC_PARTITIONS: String(PARTITIONS) });
    setups.push(setup);
    const { bus, stored } = await open(setup);
    try {
      await bus.prepare();
      await bus.send(records(0, 1));
      await processUntil(setup, stored, PER_INCARNATION);

      await bus.reset();
      await bus.prepare();
      // The same offsets again, 0 to 149 in each partition, carrying other events.
      await bus.send(records(PER_INCARNATION, 2));
      await processUntil(setup, stored, 2 * PER_INCARNATION);
    } finally {
      await bus.close();
    }
    const sequences = (await stored()).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 2 * PER_INCARNATION }, (_, i) => i));
  }, 300_000);
});
