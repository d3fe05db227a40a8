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

/**
 * Groups records by count and time (linger) and hands one batch at a time to
 * `deliver`, so batches leave in the order their records arrived. `add`
 * resolves once `deliver` resolved for every batch holding its records (they
 * are durable), and rejects if one of them was refused. One promise per batch,
 * not per record: a TCP connection hands over hundreds of lines per read.
 */
export class RecordBatcher extends EventEmitter {
  private current: Batch | undefined;
  private readonly inFlight: Batch[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private delivering: Promise<void> = Promise.resolve();

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
    return (this.inFlight[0] ?? this.current)?.startedAt;
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
    const batch = this.current;
    this.current = undefined;
    if (batch) {
      this.inFlight.push(batch);
      this.delivering = this.delivering.then(() => this.deliverBatch(batch));
    }
    return this.delivering;
  }

  private async deliverBatch(batch: Batch): Promise<void> {
    try {
      await this.deliver(batch.records);
      batch.settle();
    } catch (error) {
      batch.settle(error as Error);
    }
    this.inFlight.shift();
    const wasFull = this.isFull();
    this.queued -= batch.records.length;
    if (wasFull && !this.isFull()) this.emit('drain');
  }
}
