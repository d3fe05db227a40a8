import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInfra, infraStatus, stopInfra, type InfraInfo } from './index';

/**
 * Runs against the real services. Whoever starts them stops them: when the suite's global setup
 * (or a developer's `npm run infra -- up`) already did, this file leaves them running.
 */
describe('infra (real Kafka and OpenSearch)', () => {
  let info: InfraInfo;

  beforeAll(async () => {
    info = await ensureInfra();
  }, 600_000);

  afterAll(async () => {
    if (info?.startedKafka || info?.startedOpenSearch) await stopInfra();
  }, 60_000);

  it('ensureInfra – returns loopback addresses and download sizes', () => {
    expect(info.kafkaBrokers).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(info.opensearchUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.timings.downloadBytes.kafka).toBeGreaterThan(10_000_000);
    expect(info.timings.downloadBytes.opensearch).toBeGreaterThan(10_000_000);
  });

  it('ensureInfra – reuses healthy services instead of starting new ones', async () => {
    const again = await ensureInfra();
    expect(again.startedKafka).toBe(false);
    expect(again.startedOpenSearch).toBe(false);
    expect(again.timings.kafkaStartSeconds).toBeNull();
    expect(again.kafkaBrokers).toBe(info.kafkaBrokers);
  });

  it('infraStatus – reports both services healthy', async () => {
    const status = await infraStatus();
    expect(status.kafka.healthy).toBe(true);
    expect(status.opensearch.healthy).toBe(true);
  });

  it('kafka – creates a topic, then produces and consumes one message', async () => {
    const kafka = new Kafka({ clientId: 'infra-int-test', brokers: [info.kafkaBrokers], logLevel: logLevel.ERROR });
    const topic = `infra-int-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: `infra-int-${randomUUID()}` });
    try {
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);
      expect(await admin.listTopics()).toContain(topic);

      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: 'hello infra' }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<string>((resolveMessage) => {
        void consumer.run({ eachMessage: async ({ message }) => resolveMessage(message.value?.toString() ?? '') });
      });
      expect(await received).toBe('hello infra');
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  });

  it('opensearch – is green or yellow and indexes then fetches a document', async () => {
    const health = (await (await fetch(`${info.opensearchUrl}/_cluster/health`)).json()) as { status: string };
    expect(['green', 'yellow']).toContain(health.status);

    const index = `infra-int-${randomUUID()}`;
    const put = await fetch(`${info.opensearchUrl}/${index}/_doc/1?refresh=true`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hello infra', '@timestamp': new Date().toISOString() }),
    });
    expect(put.status).toBe(201);
    const got = (await (await fetch(`${info.opensearchUrl}/${index}/_doc/1`)).json()) as {
      found: boolean;
      _source: { message: string };
    };
    expect(got.found).toBe(true);
    expect(got._source.message).toBe('hello infra');
    await fetch(`${info.opensearchUrl}/${index}`, { method: 'DELETE' });
  });
});
