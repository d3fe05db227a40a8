import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '@siem/telemetry';
import { rawRecordCount } from '../record-envelope';
import type { BusConsumer, ChunkHandler, ConsumedMessage } from '../types';

function toConsumed(incarnation: string, topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return {
    incarnation,
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : undefined,
    value: message.value ?? Buffer.alloc(0),
    headers,
  };
}

/** What the configuration tunes in fetching and group membership (SIEM_KAFKA_FETCH_*, _MAX_BYTES_PER_PARTITION, _SESSION_TIMEOUT_MS, _HEARTBEAT_INTERVAL_MS). */
export interface KafkaConsumerTuning {
  readonly fetchMinBytes: number;
  readonly fetchMaxWaitMs: number;
  readonly maxBytesPerPartition: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
}

export interface KafkaBusConsumerOptions {
  /** Defaults: the configuration's defaults. */
  readonly tuning?: KafkaConsumerTuning;
  /**
   * The incarnation token of a topic (see ConsumedMessage.incarnation); `describeTopicIdentity`
   * and `incarnationToken` in production. Asked at the start, after each rebalance, and when a
   * partition's offsets go back (a topic recreated under a running consumer starts again at 0).
   */
  readonly topicIncarnation: (topic: string) => Promise<string>;
  /** Receives debug lines per chunk (messages, time from start to commit, idle time before it) when debug is enabled. */
  readonly logger?: Logger;
  /**
   * Chunks of a batch handled at once (default 1). At 2 the next chunk is
   * parsed while the previous one is being indexed; offsets still resolve in order.
   */
  readonly chunksInFlight?: number;
}

interface PendingChunk {
  readonly lastOffset: string;
  readonly messages: number;
  readonly startedAt: number;
  readonly done: Promise<void>;
}

const RESTART_MIN_DELAY_MS = 500;
const RESTART_MAX_DELAY_MS = 10_000;

/** Lets pending I/O callbacks run (a request waiting to be written) before more synchronous parsing. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One kafkajs consumer in a group. Offsets are resolved only after a chunk's
 * handler resolved, and in order, so a commit never covers an event that was
 * not processed (at-least-once; the processor's deterministic ids make
 * redelivery harmless).
 */
export class KafkaBusConsumer implements BusConsumer {
  private readonly consumer: Consumer;
  private readonly logger: Logger | undefined;
  private readonly chunksInFlight: number;
  private readonly topicIncarnation: (topic: string) => Promise<string>;
  /** The incarnation of the consumed topic, asked again when cleared; a failed answer is not kept. */
  private incarnation: Promise<string> | undefined;
  /** What `run` was given, to start the same consumer again after a crash kafkajs gives up on. */
  private runConfig: Parameters<Consumer['run']>[0] | undefined;
  private disconnecting = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartAttempts = 0;

  constructor(kafka: Kafka, groupId: string, options: KafkaBusConsumerOptions) {
    this.logger = options.logger;
    this.topicIncarnation = options.topicIncarnation;
    this.chunksInFlight = Math.max(1, options.chunksInFlight ?? 1);
    const tuning = options.tuning ?? { fetchMinBytes: 1, fetchMaxWaitMs: 5_000, maxBytesPerPartition: 8 * 1024 * 1024, sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000 };
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: tuning.sessionTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(60_000, tuning.sessionTimeoutMs),
      minBytes: tuning.fetchMinBytes,
      maxWaitTimeInMs: tuning.fetchMaxWaitMs,
      // Chunks in flight drain at the end of each fetched batch, leaving the store idle while the next is fetched and parsed:
      // batches of up to 8 MiB per partition (kafkajs: 1 MiB) make that rarer. On 2 cores the benchmark's CPU in use rose from 1.77 to 1.87 cores.
      maxBytesPerPartition: tuning.maxBytesPerPartition,
      maxBytes: Math.max(16 * 1024 * 1024, 2 * tuning.maxBytesPerPartition),
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  }

  async connect(): Promise<void> {
    await this.consumer.connect();
  }

  async run(options: { topic: string; chunkSize: number; handleChunk: ChunkHandler }): Promise<void> {
    await this.incarnationOf(options.topic);
    await this.consumer.subscribe({ topic: options.topic, fromBeginning: true });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.incarnation = undefined;
      this.restartAttempts = 0;
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => this.onCrash(payload.error, payload.restart));
    // Where each partition's next batch should start; an earlier start is a redelivery or a recreated topic.
    const nextOffsets = new Map<number, bigint>();
    const timing = this.logger?.isLevelEnabled('debug') ? this.logger : undefined;
    let idleSince = performance.now();
    this.runConfig = {
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const messages = batch.messages;
        if (messages.length === 0) return;
        const expected = nextOffsets.get(batch.partition);
        if (expected !== undefined && BigInt(messages[0]!.offset) < expected) this.incarnation = undefined;
        const incarnation = await this.incarnationOf(batch.topic);
        nextOffsets.set(batch.partition, BigInt(messages[messages.length - 1]!.offset) + 1n);
        const pending: PendingChunk[] = [];
        const settleOldest = async (): Promise<void> => {
          const oldest = pending[0]!;
          await oldest.done;
          pending.shift();
          resolveOffset(oldest.lastOffset);
          await heartbeat();
          await commitOffsetsIfNecessary();
          timing?.debug({ partition: batch.partition, messages: oldest.messages, batchMessages: messages.length, chunkMs: Math.round(performance.now() - oldest.startedAt) }, 'Handled a chunk.');
        };
        try {
          let next = 0;
          while (next < messages.length) {
            if (!isRunning() || isStale()) break;
            if (pending.length > 0) await yieldToIo();
            const startedAt = performance.now();
            if (pending.length === 0) timing?.debug({ partition: batch.partition, idleMs: Math.round(startedAt - idleSince) }, 'Started a chunk with none in progress.');
            // Cut by records, not messages: a batch envelope holds many, and a chunk should fill one bulk request without spilling into a small second one.
            const chunk: ConsumedMessage[] = [];
            for (let records = 0; next < messages.length; next++) {
              const message = toConsumed(incarnation, batch.topic, batch.partition, messages[next]!);
              const count = Math.max(1, rawRecordCount(message));
              if (chunk.length > 0 && records + count > options.chunkSize) break;
              chunk.push(message);
              records += count;
            }
            const done = options.handleChunk(chunk);
            // Marked as handled now: it may fail while an earlier chunk is awaited, and is awaited in its turn.
            done.catch(() => undefined);
            pending.push({ lastOffset: chunk[chunk.length - 1]!.offset, messages: chunk.length, startedAt, done });
            if (pending.length >= this.chunksInFlight) await settleOldest();
          }
          while (pending.length > 0) await settleOldest();
        } finally {
          // A failed chunk or a rebalance leaves later chunks running: let them finish, unresolved, before kafkajs moves on.
          await Promise.allSettled(pending.map((chunk) => chunk.done));
          idleSince = performance.now();
        }
      },
    };
    await this.consumer.run(this.runConfig);
  }

  async disconnect(): Promise<void> {
    this.disconnecting = true;
    clearTimeout(this.restartTimer);
    await this.consumer.disconnect();
  }

  /**
   * kafkajs restarts its consumer only after a retriable error. Others (the group coordinator
   * not found while a restarted broker loads its offsets topic, a request timing out during a
   * rebalance) leave it disconnected for good while the process lives on, consuming nothing:
   * this consumer is started again instead, with backoff, until it joins the group.
   */
  private onCrash(error: Error, restartedByKafkajs: boolean): void {
    if (restartedByKafkajs) {
      this.logger?.warn({ err: error }, 'The Kafka consumer crashed; kafkajs restarts it.');
      return;
    }
    if (this.disconnecting || this.runConfig === undefined) return;
    const delayMs = Math.min(RESTART_MIN_DELAY_MS * 2 ** this.restartAttempts, RESTART_MAX_DELAY_MS);
    this.restartAttempts++;
    this.logger?.error({ err: error, restartInMs: delayMs, attempt: this.restartAttempts }, 'The Kafka consumer stopped on an error kafkajs does not retry; it is started again.');
    const runConfig = this.runConfig;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.disconnecting) return;
      // A failed start crashes again (another CRASH event, another attempt); a failed connect is caught here.
      this.consumer
        .connect()
        .then(() => (this.disconnecting ? undefined : this.consumer.run(runConfig)))
        .catch((connectError: unknown) => this.onCrash(connectError as Error, false));
    }, delayMs);
  }

  private incarnationOf(topic: string): Promise<string> {
    if (this.incarnation) return this.incarnation;
    const asked = this.topicIncarnation(topic);
    this.incarnation = asked;
    asked.catch(() => {
      if (this.incarnation === asked) this.incarnation = undefined;
    });
    return asked;
  }
}
