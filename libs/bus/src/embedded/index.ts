export { EmbeddedBusProducer, type EmbeddedBusProducerOptions, type PartitionAppend } from './producer';
export { EmbeddedBusConsumer, ownedPartitions, type EmbeddedBusConsumerOptions } from './consumer';
export { ensureEmbeddedTopics } from './topics';
export { applyRetention, type RetentionOptions, type RetentionResult } from './retention';
export type { BusLogger } from './logger';
