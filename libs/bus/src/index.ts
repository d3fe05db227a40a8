export type { BusConsumer, BusProducer, BusRecord, ChunkHandler, ConsumedMessage, TopicSpec } from './types';
export { BusError, BusErrorCodes, type BusErrorCode } from './errors';
export { encodeRawRecord, decodeRawRecord } from './raw-record-codec';
export { ENVELOPE_HEADER, ENVELOPE_MAX_PAYLOAD_BYTES, isEnvelope, packRawRecords, rawRecordCount, unpackRawRecords } from './record-envelope';
export {
  DeadLetterSchema,
  buildDeadLetter,
  deadLetterDocument,
  deadLetterHash,
  deadLetterToRawRecord,
  decodeDeadLetter,
  encodeDeadLetter,
  type DeadLetter,
  type DeadLetterReason,
} from './dead-letter';
export { matchesFilter, replayDeadLetters, type DeadLetterFilter, type ReplayBus, type ReplayOptions, type ReplayProgress, type ReplayResult } from './replay-dead-letters';
export type { OffsetRange, PartitionPosition, RangeMessage, ReadRangeOptions } from './offset-range';
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
export { DiskSpool, type DiskSpoolOptions, type SpoolRead, type SpoolStats } from './spool/disk-spool';
export { createBus, pipelineTopics, type Bus, type GroupMember } from './create-bus';
export { priorityGroup, priorityTopic, type PriorityClass } from './priority-topics';
export { eventId, envelopeRecordId } from './event-id';
