import type { BusConsumer, ChunkHandler, ConsumedMessage } from '../types';
import { silentLogger, type BusLogger } from './logger';
import { DurableEndFile } from './durable-end';
import { durableEndPath, partitionDir } from './layout';
import { OffsetStore } from './offset-store';
import { PartitionReader, type LogPosition } from './partition-reader';
import { PartitionWriter } from './partition-writer';
import { DEFAULT_SEGMENT_BYTES } from './producer';
import { probeWritable } from './storage';
import { readPartitionCount } from './topics';

const DEFAULT_POLL_INTERVAL_MS = 50;
const DEFAULT_RETRY_BACKOFF_MS = 200;
const MAX_RETRY_BACKOFF_MS = 10_000;
const DEFAULT_READ_BYTES = 1024 * 1024;
const DEFAULT_TAIL_RECOVERY_AFTER_MS = 3_000;
/** A chunk stops growing at this many value bytes: chunkSize counts messages, and a batch envelope holds up to 256 KiB of records. */
const CHUNK_MAX_BYTES = 8 * 1024 * 1024;
/** A reader recovering a tail waits this long for a writer that holds the lock, then tries again on a later poll. */
const TAIL_RECOVERY_LOCK_TIMEOUT_MS = 1_000;

export interface EmbeddedBusConsumerOptions {
  readonly dataDir: string;
  readonly groupId: string;
  /** This member's place in the group, 0-based; it owns the partitions p with p % memberCount === memberIndex. */
  readonly memberIndex: number;
  readonly memberCount: number;
  /** How often an idle consumer looks for new records; default 50 ms. */
  readonly pollIntervalMs?: number;
  /** First wait before a rejected chunk is delivered again, doubling up to 10 s; default 200 ms. */
  readonly retryBackoffMs?: number;
  /** Bytes fetched from a segment per read; default 1 MiB. */
  readonly readBytes?: number;
  /**
   * How long records may sit past a partition's durable end, unchanged, before
   * this consumer recovers the tail itself (a writer died between its fsync and
   * publishing the durable end, and has not come back); default 3 s.
   */
  readonly tailRecoveryAfterMs?: number;
  readonly logger?: BusLogger;
}

/** Partitions p with p % memberCount === memberIndex: a static assignment, fixed by the member's slot. */
export function ownedPartitions(partitionCount: number, memberIndex: number, memberCount: number): number[] {
  const owned: number[] = [];
  for (let partition = memberIndex; partition < partitionCount; partition += memberCount) owned.push(partition);
  return owned;
}

interface OwnedPartition {
  readonly reader: PartitionReader;
  /** Created only if the reader needs a stopped writer's tail recovered. */
  readonly recovery: { writer?: PartitionWriter };
  readonly offsets: OffsetStore;
  /** A processed position whose commit failed; written again at the next chance. */
  uncommitted?: LogPosition;
}

/**
 * One member of a consumer group on the embedded log. There is no group
 * coordinator: partitions are assigned statically by slot (see
 * `ownedPartitions`), so every slot 0..memberCount-1 must run exactly once,
 * which the processor's supervisor guarantees by restarting a dead worker in
 * its slot. Chunks come from one partition at a time, partitions taking turns.
 * A chunk's next offset is committed durably after its handler resolves; a
 * rejected chunk is not committed and is delivered again after a backoff.
 */
export class EmbeddedBusConsumer implements BusConsumer {
  private readonly logger: BusLogger;
  private readonly pollIntervalMs: number;
  private readonly retryBackoffMs: number;
  private connected = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private partitions: OwnedPartition[] = [];
  /** The partitions other members own, watched only for hasBacklog: their durable end against the group's commit. */
  private others: { readonly end: DurableEndFile; readonly offsets: OffsetStore }[] = [];
  private wake: (() => void) | undefined;

  constructor(private readonly options: EmbeddedBusConsumerOptions) {
    const { memberIndex, memberCount } = options;
    if (!Number.isInteger(memberCount) || memberCount < 1 || !Number.isInteger(memberIndex) || memberIndex < 0 || memberIndex >= memberCount) {
      throw new RangeError(`An embedded consumer needs 0 <= memberIndex < memberCount, whole numbers; got memberIndex ${memberIndex} of memberCount ${memberCount}.`);
    }
    this.logger = options.logger ?? silentLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.retryBackoffMs = options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
  }

  /** Fails with SIEM_BUS_STORAGE_UNAVAILABLE when the data directory cannot be written (commits go there). */
  async connect(): Promise<void> {
    await probeWritable(this.options.dataDir);
    this.connected = true;
  }

  /** Positions each owned partition at its committed offset and starts consuming; resolves once consuming has started. */
  async run(options: { topic: string; chunkSize: number; handleChunk: ChunkHandler }): Promise<void> {
    if (!this.connected) throw new Error('Call connect() on the embedded consumer before run().');
    if (this.loop) throw new Error('This embedded consumer is already running; create one consumer per run.');
    const { topic, chunkSize, handleChunk } = options;
    const count = await readPartitionCount(this.options.dataDir, topic);
    const owned = ownedPartitions(count, this.options.memberIndex, this.options.memberCount);
    for (let partition = 0; partition < count; partition++) {
      if (owned.includes(partition)) continue;
      const dir = partitionDir(this.options.dataDir, topic, partition);
      this.others.push({ end: new DurableEndFile(durableEndPath(dir), 'read'), offsets: new OffsetStore(dir, this.options.groupId, this.logger) });
    }
    for (const partition of owned) {
      const dir = partitionDir(this.options.dataDir, topic, partition);
      const recovery: OwnedPartition['recovery'] = {};
      const recoverTail = () => {
        recovery.writer ??= new PartitionWriter({ dir, topic, partition, segmentBytes: DEFAULT_SEGMENT_BYTES, lockTimeoutMs: TAIL_RECOVERY_LOCK_TIMEOUT_MS, logger: this.logger });
        return recovery.writer.recoverTail(TAIL_RECOVERY_LOCK_TIMEOUT_MS);
      };
      const reader = new PartitionReader({
        dir,
        topic,
        partition,
        readBytes: this.options.readBytes ?? DEFAULT_READ_BYTES,
        logger: this.logger,
        tailRecoveryAfterMs: this.options.tailRecoveryAfterMs ?? DEFAULT_TAIL_RECOVERY_AFTER_MS,
        recoverTail,
      });
      const offsets = new OffsetStore(dir, this.options.groupId, this.logger);
      await reader.seek(await offsets.read());
      this.partitions.push({ reader, offsets, recovery });
    }
    const fields = { topic, group: this.options.groupId, member: this.options.memberIndex, members: this.options.memberCount, partitions: owned };
    if (owned.length === 0) this.logger.warn(fields, 'This group member owns no partition: there are more members than partitions.');
    else this.logger.info(fields, 'Consuming the owned partitions of the embedded log.');
    this.loop = this.consume(topic, Math.max(1, chunkSize), handleChunk);
  }

  /**
   * Whether any partition of the topic holds durable records not yet handled (see
   * BusConsumer.hasBacklog): the owned ones by their read position, the others by the group's
   * committed offset, since the workers share one store and its write lock.
   */
  async hasBacklog(): Promise<boolean> {
    for (const owned of this.partitions) if (await owned.reader.hasUnread()) return true;
    for (const other of this.others) {
      const end = await other.end.read();
      if (end !== undefined && end.nextOffset > ((await other.offsets.read())?.offset ?? 0)) return true;
    }
    return false;
  }

  /** Stops taking chunks, lets the one in progress finish and commit, then closes. */
  async disconnect(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    for (const owned of this.partitions) {
      if (owned.uncommitted) await this.commit(owned, owned.uncommitted);
      await owned.reader.close();
      await owned.recovery.writer?.close();
    }
    this.partitions = [];
    for (const other of this.others.splice(0)) await other.end.close();
    this.connected = false;
  }

  private async consume(topic: string, chunkSize: number, handleChunk: ChunkHandler): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let delivered = false;
      try {
        for (const owned of this.partitions) {
          if (this.stopping) break;
          const { messages, next } = await owned.reader.read(chunkSize, CHUNK_MAX_BYTES);
          if (messages.length === 0) continue;
          if (!(await this.handle(messages, handleChunk))) break;
          owned.reader.advance(next);
          await this.commit(owned, next);
          delivered = true;
        }
        failures = 0;
      } catch (error) {
        // Reading failed (the disk, not the data): wait and try the same position again.
        failures++;
        this.logger.error({ err: error, topic, attempt: failures }, 'Reading the embedded log failed; retrying.');
        await this.pause(this.backoff(failures));
        continue;
      }
      if (!delivered) await this.pause(this.pollIntervalMs);
    }
  }

  /** Runs the handler until it resolves; false when the consumer stopped while the chunk kept failing (then it stays uncommitted). */
  private async handle(messages: readonly ConsumedMessage[], handleChunk: ChunkHandler): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 && this.stopping) return false;
      try {
        await handleChunk(messages);
        return true;
      } catch (error) {
        const first = messages[0]!;
        const fields = { err: error, topic: first.topic, partition: first.partition, firstOffset: first.offset, lastOffset: messages.at(-1)!.offset, attempt };
        if (this.stopping) {
          this.logger.warn(fields, 'A chunk failed while stopping; it stays uncommitted and is delivered again after restart.');
          return false;
        }
        const delay = this.backoff(attempt);
        this.logger.warn({ ...fields, retryInMs: delay }, 'A chunk handler failed; the chunk stays uncommitted and is delivered again.');
        await this.pause(delay);
      }
    }
  }

  private async commit(owned: OwnedPartition, position: LogPosition): Promise<void> {
    try {
      await owned.offsets.commit(position);
      owned.uncommitted = undefined;
    } catch (error) {
      owned.uncommitted = position;
      this.logger.warn({ err: error, partition: owned.reader.partition, offset: position.offset }, 'Could not commit the consumed offset; a restart now would redeliver the chunk.');
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.retryBackoffMs * 2 ** (attempt - 1), MAX_RETRY_BACKOFF_MS);
  }

  /** Sleeps, but wakes at once when the consumer is asked to stop. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
