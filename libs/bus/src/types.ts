/** What the apps see of the bus, whichever implementation runs underneath. */
export interface BusRecord {
  readonly key?: string;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ConsumedMessage {
  /**
   * Which incarnation of the topic the message comes from: a short token that changes when the
   * topic is deleted and created again, or the cluster (Kafka) or log directory (embedded) is
   * replaced, all of which restart offsets at 0. (incarnation, topic, partition, offset) never repeats.
   */
  readonly incarnation: string;
  readonly topic: string;
  readonly partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  readonly offset: string;
  readonly key?: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface BusProducer {
  connect(): Promise<void>;
  /** Resolves once every record is durable in the bus (acks from all in-sync replicas). */
  send(topic: string, records: readonly BusRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Handles one chunk of a partition's messages. When it resolves, the bus marks
 * the chunk's offsets as processed and may commit them; when it rejects, they
 * stay uncommitted and the chunk is delivered again.
 */
export type ChunkHandler = (messages: readonly ConsumedMessage[]) => Promise<void>;

export interface BusConsumer {
  connect(): Promise<void>;
  run(options: { topic: string; chunkSize: number; handleChunk: ChunkHandler }): Promise<void>;
  /** Lets the chunk in progress finish, commits what was processed, then leaves the group. */
  disconnect(): Promise<void>;
  /**
   * Whether records wait in the consumed partitions that no handler has finished yet. The embedded
   * log answers it (its reads and the handlers share one event loop with the other consumers of the
   * process, so a consumer with precedence asks it); Kafka's fetches run ahead on their own.
   */
  hasBacklog?(): Promise<boolean>;
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}
