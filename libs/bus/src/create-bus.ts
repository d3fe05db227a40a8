import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import type { Logger } from '@siem/telemetry';
import { EmbeddedBusConsumer, EmbeddedBusProducer, applyRetention, ensureEmbeddedTopics } from './embedded';
import { readTopicIncarnation } from './embedded/topics';
import { embeddedPositions, readEmbeddedRange } from './embedded/offset-range';
import { createKafka } from './kafka/client';
import { KafkaBusConsumer, type KafkaConsumerTuning } from './kafka/consumer';
import { kafkaPositions, readKafkaRange } from './kafka/offset-range';
import { KafkaBusProducer } from './kafka/producer';
import { describeTopicIdentity, incarnationToken } from './kafka/topic-identity';
import { ensureKafkaTopics } from './kafka/topics';
import type { OffsetRange, PartitionPosition, ReadRangeOptions } from './offset-range';
import { priorityTopic } from './priority-topics';
import type { BusConsumer, BusProducer, TopicSpec } from './types';

/** A worker's place in the consumer group; the embedded bus assigns partitions by it, Kafka by itself. */
export interface GroupMember {
  readonly index: number;
  readonly count: number;
}

export interface Bus {
  readonly kind: 'embedded' | 'kafka';
  /** Creates the pipeline's topics when missing; returns the names created. */
  ensureTopics(): Promise<string[]>;
  /** `retries`: Kafka only, how often a failing send is retried before it rejects (default: about a minute of backoff). */
  producer(options?: { readonly retries?: number }): BusProducer;
  /** A consumer in the processor's group, or in `groupId` for jobs that read on their own (dead-letter replay). */
  consumer(member: GroupMember, groupId?: string): BusConsumer;
  /** Per partition of `topic`: the oldest record kept, where `groupId` reads next, and the end. */
  positions(topic: string, groupId: string): Promise<PartitionPosition[]>;
  /** Reads exactly the records in `ranges` (those still kept), in order per partition, then resolves. */
  readRange(topic: string, ranges: readonly OffsetRange[], options: ReadRangeOptions): Promise<void>;
  /** The topic's incarnation token, which event ids carry (ConsumedMessage.incarnation). */
  incarnation(topic: string): Promise<string>;
  /**
   * Per partition, the first offset whose record was written at or after `timestampMs` (Kafka's
   * offsets by timestamp), or the end when none was. The embedded log keeps no time index:
   * it answers each partition's oldest offset, and the reader filters by receive time.
   */
  offsetsForTime(topic: string, timestampMs: number): Promise<{ readonly partition: number; readonly offset: string }[]>;
  /** Deletes what is past retention; Kafka enforces its own, so this is for the embedded log. */
  applyRetention(): Promise<{ deletedSegments: number; deletedBytes: number }>;
}

/** The raw (one per priority class), dead-letter, alerts and signals topics, with the configured partition count, and the fleet's heartbeat topic. */
export function pipelineTopics(config: SiemConfig): TopicSpec[] {
  const { rawTopic, deadLetterTopic, alertsTopic, signalsTopic, agentsTopic, partitions, replicationFactor } = config.kafka;
  // Heartbeats are a few records a minute per agent, read by one consumer: one partition keeps them in order.
  return [...[rawTopic, priorityTopic(rawTopic, 'high'), deadLetterTopic, alertsTopic, signalsTopic].map((topic) => ({ topic, partitions, replicationFactor })), { topic: agentsTopic, partitions: 1, replicationFactor }];
}

/** The consumer settings of SIEM_KAFKA_* (see docs/configuration.md). */
export function kafkaConsumerTuning(config: SiemConfig): KafkaConsumerTuning {
  const { fetchMinBytes, fetchMaxWaitMs, maxBytesPerPartition, sessionTimeoutMs, heartbeatIntervalMs } = config.kafka;
  return { fetchMinBytes, fetchMaxWaitMs, maxBytesPerPartition, sessionTimeoutMs, heartbeatIntervalMs };
}

/** The one place that chooses between Kafka and the embedded log. */
export function createBus(config: SiemConfig, logger: Logger, clientName: string): Bus {
  if (config.deployment.bus === 'kafka') {
    const clientId = `${config.kafka.clientId}-${clientName}`;
    const kafka = createKafka({ brokers: config.kafka.brokers, clientId, logger });
    const topicIncarnation = async (topic: string): Promise<string> => {
      const identity = await describeTopicIdentity(config.kafka.brokers, topic, { clientId });
      const incarnation = incarnationToken(identity);
      logger.info({ topic, ...identity, incarnation }, 'Read the ids of the cluster and the topic; event ids carry them.');
      return incarnation;
    };
    return {
      kind: 'kafka',
      ensureTopics: () => ensureKafkaTopics(kafka, pipelineTopics(config)),
      producer: (options) =>
        new KafkaBusProducer(options?.retries === undefined ? kafka : createKafka({ brokers: config.kafka.brokers, clientId, logger, retries: options.retries }), { compression: config.kafka.compression, acks: config.kafka.acks }),
      // Only the processor's group overlaps chunks; a replay keeps strict order.
      consumer: (_member, groupId = config.kafka.consumerGroup) =>
        new KafkaBusConsumer(kafka, groupId, { logger, topicIncarnation, chunksInFlight: groupId === config.kafka.consumerGroup ? config.processor.chunksInFlight : 1, tuning: kafkaConsumerTuning(config) }),
      positions: (topic, groupId) => kafkaPositions(kafka, topic, groupId),
      readRange: (topic, ranges, options) => readKafkaRange(kafka, topic, ranges, options),
      incarnation: topicIncarnation,
      offsetsForTime: async (topic, timestampMs) => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          return (await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs)).map(({ partition, offset }) => ({ partition, offset }));
        } finally {
          await admin.disconnect();
        }
      },
      applyRetention: async () => ({ deletedSegments: 0, deletedBytes: 0 }),
    };
  }
  const dataDir = path.resolve(config.deployment.dataDir);
  return {
    kind: 'embedded',
    ensureTopics: () => ensureEmbeddedTopics(dataDir, pipelineTopics(config)),
    producer: () => new EmbeddedBusProducer({ dataDir }),
    consumer: (member, groupId = config.kafka.consumerGroup) => new EmbeddedBusConsumer({ dataDir, groupId, memberIndex: member.index, memberCount: member.count, logger }),
    positions: (topic, groupId) => embeddedPositions(dataDir, topic, groupId, logger),
    readRange: (topic, ranges, options) => readEmbeddedRange(dataDir, topic, ranges, options, logger),
    incarnation: (topic) => readTopicIncarnation(dataDir, topic),
    offsetsForTime: async (topic) => (await embeddedPositions(dataDir, topic, 'siem-offsets-for-time', logger)).map(({ partition, oldest }) => ({ partition, offset: oldest })),
    applyRetention: async () => {
      const result = await applyRetention(dataDir, {
        maxAgeMs: config.deployment.busRetentionHours * 3_600_000,
        maxBytesPerPartition: config.deployment.busRetentionMbPerPartition * 1_048_576,
        logger,
      });
      return { deletedSegments: result.deletedSegments, deletedBytes: result.deletedBytes };
    },
  };
}
