import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import { BusError, BusErrorCodes } from '../errors';
import type { BusProducer, BusRecord } from '../types';

const { CompressionTypes, Partitioners } = kafkajs;

/** What the configuration tunes in every send (SIEM_KAFKA_COMPRESSION, SIEM_KAFKA_ACKS). */
export interface KafkaProducerTuning {
  readonly compression: 'lz4' | 'gzip' | 'none';
  readonly acks: 'all' | '1';
}

const DEFAULT_TUNING: KafkaProducerTuning = { compression: 'lz4', acks: 'all' };
const CODECS = { lz4: CompressionTypes.LZ4, gzip: CompressionTypes.GZIP, none: CompressionTypes.None } as const;

export class KafkaBusProducer implements BusProducer {
  private readonly producer: Producer;
  private readonly compression: kafkajs.CompressionTypes;
  private readonly acks: number;

  constructor(kafka: Kafka, tuning: KafkaProducerTuning = DEFAULT_TUNING) {
    this.compression = CODECS[tuning.compression];
    this.acks = tuning.acks === 'all' ? -1 : 1;
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
        acks: this.acks,
        compression: this.compression,
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
