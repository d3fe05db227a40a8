import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import { BusError, BusErrorCodes } from '../errors';
import type { BusProducer, BusRecord } from '../types';

const { CompressionTypes, Partitioners } = kafkajs;

export class KafkaBusProducer implements BusProducer {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      idempotent: false,
    });
  }

  async connect(): Promise<void> {
    try {
      await this.producer.connect();
    } catch (cause) {
      throw new BusError(BusErrorCodes.unreachable, `Kafka is unreachable: ${(cause as Error).message}. Check SIEM_KAFKA_BROKERS.`, { cause, retryable: true });
    }
  }

  async send(topic: string, records: readonly BusRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.LZ4,
        messages: records.map((record) => ({ key: record.key ?? null, value: record.value, headers: record.headers as Record<string, string> | undefined })),
      });
    } catch (cause) {
      throw new BusError(BusErrorCodes.produceFailed, `Producing ${records.length} records to ${topic} failed: ${(cause as Error).message}.`, { cause, retryable: true });
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
