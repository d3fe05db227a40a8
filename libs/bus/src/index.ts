export type { BusConsumer, BusProducer, BusRecord, ChunkHandler, ConsumedMessage, TopicSpec } from './types';
export { BusError, BusErrorCodes, type BusErrorCode } from './errors';
export { encodeRawRecord, decodeRawRecord } from './raw-record-codec';
export { createKafka, type KafkaClientOptions } from './kafka/client';
export { ensureKafkaTopics } from './kafka/topics';
export { KafkaBusProducer } from './kafka/producer';
export { KafkaBusConsumer } from './kafka/consumer';
export {
  EmbeddedBusConsumer,
  EmbeddedBusProducer,
  applyRetention,
  ensureEmbeddedTopics,
  ownedPartitions,
  type BusLogger,
  type EmbeddedBusConsumerOptions,
  type EmbeddedBusProducerOptions,
  type PartitionAppend,
  type RetentionOptions,
  type RetentionResult,
} from './embedded';
export { createBus, pipelineTopics, type Bus, type GroupMember } from './create-bus';
