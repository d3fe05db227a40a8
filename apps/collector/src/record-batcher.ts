import { EventEmitter } from 'node:events';
import type { RawRecord } from '@siem/schema';

interface Batch {
  readonly records: RawRecord[];
  /** When its first record was added (ms since the epoch). */
  readonly startedAt: number;
  /** Settles once `deliver` settled for this batch. */
  readonly delivered: Promise<void>;
  readonly settle: (error?: Error) => void;
}

export interface RecordBatcherOptions {
  readonly maxRecords: number;
  readonly lingerMs: number;
  /** Above this many records waiting, inputs should stop reading (see `isFull` and the `drain` event). */
  readonly highWaterMark: number;
}

function newBatch(): Batch {
  let settle!: (error?: Error) => void;
  const delivered = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  // Datagram and stream senders never wait on it; a refusal is counted and logged by the caller of deliver.
  delivered.catch(() => undefined);
  return { records: [], startedAt: Date.now(), delivered, settle };
}

/** At most this many batches, queued behind one in flight, go out together in the next delivery. */
const MAX_COALESCED_BATCHES = 8;

/**
 * Groups records by count and time (linger) and hands them to `deliver` one
 * delivery at a time, in the order they arrived. Batches that filled up while
 * a delivery was in flight go out together in the next one (up to
 * MAX_COALESCED_BATCHES), so a fast sender is not held to one batch per bus
 * round trip. `add` resolves once `deliver` resolved for every batch holding
 * its records (they are durable), and rejects if one of them was refused. One
 * promise per batch, not per record: a TCP connection hands over hundreds of
 * lines per read.
 */
export class RecordBatcher extends EventEmitter {
  private current: Batch | undefined;
  /** Flushed batches not yet delivered, oldest first; the front ones may be in flight. */
  private readonly queue: Batch[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly deliver: (records: RawRecord[]) => Promise<void>,
    private readonly options: RecordBatcherOptions,
  ) {
    super();
  }

  get pending(): number {
    return this.queued;
  }

  /** When the oldest record not yet delivered was added (ms since the epoch). */
  oldestPendingSince(): number | undefined {
    return (this.queue[0] ?? this.current)?.startedAt;
  }

  isFull(): boolean {
    return this.queued >= this.options.highWaterMark;
  }

  add(records: readonly RawRecord[]): Promise<void> {
    const touched: Batch[] = [];
    for (const record of records) {
      const batch = (this.current ??= newBatch());
      if (touched.at(-1) !== batch) touched.push(batch);
      batch.records.push(record);
      this.queued++;
      if (batch.records.length >= this.options.maxRecords) void this.flush();
      else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.options.lingerMs);
    }
    if (touched.length === 1) return touched[0]!.delivered;
    const all = Promise.all(touched.map((batch) => batch.delivered)).then(() => undefined);
    all.catch(() => undefined);
    return all;
  }

  /** Hands over what is buffered now; resolves when everything added so far has been delivered or refused. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.current) {
      this.queue.push(this.current);
      this.current = undefined;
    }
    if (this.queue.length === 0) return Promise.resolve();
    this.draining ??= this.drain();
    return Promise.allSettled(this.queue.map((batch) => batch.delivered)).then(() => undefined);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.slice(0, MAX_COALESCED_BATCHES);
      try {
        await this.deliver(group.length === 1 ? group[0]!.records : group.flatMap((batch) => batch.records));
        for (const batch of group) batch.settle();
      } catch (error) {
        for (const batch of group) batch.settle(error as Error);
      }
      this.queue.splice(0, group.length);
      const wasFull = this.isFull();
      for (const batch of group) this.queued -= batch.records.length;
      if (wasFull && !this.isFull()) this.emit('drain');
    }
    this.draining = undefined;
  }
}
