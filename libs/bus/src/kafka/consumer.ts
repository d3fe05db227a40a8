import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { BusConsumer, ChunkHandler, ConsumedMessage } from '../types';

function toConsumed(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : undefined,
    value: message.value ?? Buffer.alloc(0),
    headers,
  };
}

/**
 * One kafkajs consumer in a group. Offsets are resolved only after a chunk's
 * handler resolved, so a commit never covers an event that was not processed
 * (at-least-once; the processor's deterministic ids make redelivery harmless).
 */
export class KafkaBusConsumer implements BusConsumer {
  private readonly consumer: Consumer;

  constructor(kafka: Kafka, groupId: string) {
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      rebalanceTimeout: 60_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  }

  async connect(): Promise<void> {
    await this.consumer.connect();
  }

  async run(options: { topic: string; chunkSize: number; handleChunk: ChunkHandler }): Promise<void> {
    await this.consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const messages = batch.messages;
        for (let start = 0; start < messages.length; start += options.chunkSize) {
          if (!isRunning() || isStale()) return;
          const chunk = messages.slice(start, start + options.chunkSize).map((m) => toConsumed(batch.topic, batch.partition, m));
          await options.handleChunk(chunk);
          resolveOffset(chunk[chunk.length - 1]!.offset);
          await heartbeat();
          await commitOffsetsIfNecessary();
        }
      },
    });
  }

  async disconnect(): Promise<void> {
    await this.consumer.disconnect();
  }
}
