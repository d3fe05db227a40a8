import kafkajs, { type Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@siem/config';
import { kafkaConsumerTuning } from '../create-bus';
import { KafkaBusConsumer } from './consumer';
import { KafkaBusProducer } from './producer';

const { CompressionTypes } = kafkajs;

/** A Kafka client that only records what the bus asks of it. */
function recordingKafka() {
  const consumerOptions: Record<string, unknown>[] = [];
  const sends: Record<string, unknown>[] = [];
  const kafka = {
    consumer: (options: Record<string, unknown>) => (consumerOptions.push(options), {}),
    producer: () => ({ send: async (request: Record<string, unknown>) => void sends.push(request) }),
  } as unknown as Kafka;
  return { kafka, consumerOptions, sends };
}

describe('Kafka tuning from the configuration', () => {
  it('kafka tuning – the defaults are lz4, acks from all replicas, 1 byte / 5 s fetches of up to 8 MiB per partition, a 30 s session with 3 s heartbeats', async () => {
    const config = loadConfig({});
    const { kafka, consumerOptions, sends } = recordingKafka();
    new KafkaBusConsumer(kafka, 'g', { topicIncarnation: async () => 'x', tuning: kafkaConsumerTuning(config) });
    expect(consumerOptions[0]).toMatchObject({ minBytes: 1, maxWaitTimeInMs: 5_000, maxBytesPerPartition: 8 * 1024 * 1024, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
    await new KafkaBusProducer(kafka, { compression: config.kafka.compression, acks: config.kafka.acks }).send('t', [{ value: Buffer.from('x') }]);
    expect(sends[0]).toMatchObject({ acks: -1, compression: CompressionTypes.LZ4 });
  });

  it('kafka tuning – SIEM_KAFKA_* settings reach the consumer and every send', async () => {
    const config = loadConfig({
      SIEM_KAFKA_COMPRESSION: 'gzip',
      SIEM_KAFKA_ACKS: '1',
      SIEM_KAFKA_FETCH_MIN_BYTES: '65536',
      SIEM_KAFKA_FETCH_MAX_WAIT_MS: '100',
      SIEM_KAFKA_MAX_BYTES_PER_PARTITION: '1048576',
      SIEM_KAFKA_SESSION_TIMEOUT_MS: '45000',
      SIEM_KAFKA_HEARTBEAT_INTERVAL_MS: '5000',
    });
    const { kafka, consumerOptions, sends } = recordingKafka();
    new KafkaBusConsumer(kafka, 'g', { topicIncarnation: async () => 'x', tuning: kafkaConsumerTuning(config) });
    expect(consumerOptions[0]).toMatchObject({ minBytes: 65_536, maxWaitTimeInMs: 100, maxBytesPerPartition: 1_048_576, sessionTimeout: 45_000, heartbeatInterval: 5_000 });
    await new KafkaBusProducer(kafka, { compression: config.kafka.compression, acks: config.kafka.acks }).send('t', [{ value: Buffer.from('x') }]);
    expect(sends[0]).toMatchObject({ acks: 1, compression: CompressionTypes.GZIP });
  });

  it('kafka tuning – an unknown codec (zstd) is refused at start with the variable named', () => {
    expect(() => loadConfig({ SIEM_KAFKA_COMPRESSION: 'zstd' })).toThrow(/SIEM_KAFKA_COMPRESSION|compression/);
  });
});
