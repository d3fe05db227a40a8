import { BusError, BusErrorCodes } from '../errors';
import type { BusProducer, BusRecord } from '../types';
import { silentLogger, type BusLogger } from './logger';
import { partitionDir } from './layout';
import { partitionForKey } from './partitioner';
import { PartitionWriter } from './partition-writer';
import { probeWritable } from './storage';
import { readPartitionCount } from './topics';

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

export interface EmbeddedBusProducerOptions {
  /** The data directory; the log lives under `<dataDir>/bus`. */
  readonly dataDir: string;
  /** A partition starts a new segment file once the current one would grow past this; default 64 MiB. */
  readonly segmentBytes?: number;
  /** How long an append waits for another process's lock on the partition before failing (retryable); default 10 s. */
  readonly lockTimeoutMs?: number;
  readonly logger?: BusLogger;
}

/** Where one `send` put the records of one partition; offsets are decimal strings, as in ConsumedMessage. */
export interface PartitionAppend {
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
}

interface TopicWriters {
  readonly writers: PartitionWriter[];
  nextUnkeyed: number;
}

/**
 * Produces to the embedded log. Keyed records go to the partition Kafka's
 * default partitioner would pick; records without a key go round-robin. A
 * `send` resolves once every record is fsynced: one write and one fdatasync
 * per partition touched (group commit), whatever the number of records.
 */
export class EmbeddedBusProducer implements BusProducer {
  private readonly topics = new Map<string, Promise<TopicWriters>>();
  private readonly segmentBytes: number;
  private readonly lockTimeoutMs: number;
  private readonly logger: BusLogger;
  private connected = false;

  constructor(private readonly options: EmbeddedBusProducerOptions) {
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.logger = options.logger ?? silentLogger;
  }

  /** Fails with SIEM_BUS_STORAGE_UNAVAILABLE when the data directory cannot be written durably. */
  async connect(): Promise<void> {
    await probeWritable(this.options.dataDir);
    this.connected = true;
  }

  async send(topic: string, records: readonly BusRecord[]): Promise<void> {
    await this.sendWithOffsets(topic, records);
  }

  /** `send`, also telling which offsets each partition gave the records. */
  async sendWithOffsets(topic: string, records: readonly BusRecord[]): Promise<PartitionAppend[]> {
    if (!this.connected) throw new BusError(BusErrorCodes.produceFailed, `Cannot send to ${topic}: call connect() on the embedded producer first.`, { retryable: false });
    if (records.length === 0) return [];
    const target = await this.writersFor(topic);
    const byPartition = this.partition(target, records);
    const appends = byPartition.map(async (batch, partition) => {
      if (batch.length === 0) return undefined;
      const result = await target.writers[partition]!.append(batch);
      return { partition, firstOffset: String(result.firstOffset), lastOffset: String(result.lastOffset) };
    });
    // Every partition's append settles before send does, so none is still writing when the caller retries.
    const settled = await Promise.allSettled(appends);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value ? [outcome.value] : []));
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    const topics = [...this.topics.values()];
    this.topics.clear();
    for (const topic of await Promise.allSettled(topics)) {
      if (topic.status === 'fulfilled') await Promise.all(topic.value.writers.map((writer) => writer.close()));
    }
  }

  private partition(target: TopicWriters, records: readonly BusRecord[]): BusRecord[][] {
    const count = target.writers.length;
    const byPartition = Array.from({ length: count }, () => [] as BusRecord[]);
    // Collectors key by sending host, so a batch repeats few keys: hash each once.
    const partitionOfKey = new Map<string, number>();
    for (const record of records) {
      let partition: number;
      if (record.key === undefined) {
        partition = target.nextUnkeyed;
        target.nextUnkeyed = (partition + 1) % count;
      } else {
        partition = partitionOfKey.get(record.key) ?? partitionForKey(record.key, count);
        partitionOfKey.set(record.key, partition);
      }
      byPartition[partition]!.push(record);
    }
    return byPartition;
  }

  private writersFor(topic: string): Promise<TopicWriters> {
    let writers = this.topics.get(topic);
    if (!writers) {
      writers = readPartitionCount(this.options.dataDir, topic).then((count) => ({
        nextUnkeyed: 0,
        writers: Array.from(
          { length: count },
          (_, partition) =>
            new PartitionWriter({
              dir: partitionDir(this.options.dataDir, topic, partition),
              topic,
              partition,
              segmentBytes: this.segmentBytes,
              lockTimeoutMs: this.lockTimeoutMs,
              logger: this.logger,
            }),
        ),
      }));
      // A topic that is missing now may be created later; do not remember the failure.
      writers.catch(() => this.topics.delete(topic));
      this.topics.set(topic, writers);
    }
    return writers;
  }
}
